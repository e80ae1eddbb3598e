import { describe, expect, it } from 'vitest';
import type { OrderIntent } from '../types.ts';
import { PaperBroker } from './paper-broker.ts';

const cfg = { feePct: 0.05, slippagePct: 0.05, minOrderKRW: 5_000 };
const intent = (over: Partial<OrderIntent>): OrderIntent => ({
  clientOrderId: 'kt-1',
  bot: 'b',
  revision: 'r1',
  arm: 'enhanced',
  market: 'KRW-BTC',
  side: 'buy',
  quoteAmount: 1_000_000,
  time: 1_000,
  confidence: 0.85,
  signal: { market: 'KRW-BTC', time: 1_000, action: 'BUY', confidence: 0.85, reasons: [], layers: {} },
  ...over,
});

describe('PaperBroker', () => {
  it('fills a buy at the NEXT candle open plus slippage, tick-rounded up, with the fee', async () => {
    const b = new PaperBroker(cfg);
    const order = await b.submit(intent({}));
    expect(order.state).toBe('submitted');
    expect(b.takeFills()).toHaveLength(0);
    b.onCandleOpen('KRW-ETH', 2_000, 5_000_000); // another market's candle fills nothing
    expect(b.takeFills()).toHaveLength(0);
    b.onCandleOpen('KRW-BTC', 2_000, 100_000_000);
    const [fill] = b.takeFills();
    // 100,000,000 x 1.0005 = 100,050,000, on the 1,000 KRW tick already.
    expect(fill).toEqual({
      clientOrderId: 'kt-1',
      market: 'KRW-BTC',
      side: 'buy',
      price: 100_050_000,
      volume: 1_000_000 / 100_050_000,
      fee: 500,
      time: 2_000,
    });
    expect(b.order('kt-1')?.state).toBe('filled');
    expect(b.takeFinished().map((o) => o.state)).toEqual(['filled']);
    expect(b.takeFills()).toHaveLength(0);
  });

  it('fills a sell at the next open minus slippage, tick-rounded down; fee on the proceeds', async () => {
    const b = new PaperBroker(cfg);
    b.onCandleOpen('KRW-XRP', 0, 3_000);
    await b.submit(intent({ market: 'KRW-XRP', side: 'sell', quoteAmount: undefined, volume: 1_000 }));
    b.onCandleOpen('KRW-XRP', 300_000, 3_000);
    const [fill] = b.takeFills();
    // 3,000 x 0.9995 = 2,998.5 -> 2,998 (1 KRW tick); proceeds 2,998,000; fee 1,499.
    expect(fill).toMatchObject({ price: 2_998, volume: 1_000, fee: 1_499, time: 300_000 });
  });

  it('does not round USDT-quoted prices and has no minimum order there', async () => {
    const b = new PaperBroker(cfg);
    await b.submit(intent({ market: 'USDT-BTC', quoteAmount: 10 }));
    b.onCandleOpen('USDT-BTC', 1, 97_123.45);
    const [fill] = b.takeFills();
    expect(fill?.price).toBeCloseTo(97_123.45 * 1.0005, 9);
    expect(fill?.fee).toBe(0.005);
  });

  it.each([
    [{ quoteAmount: 4_999 }, 'BELOW_MIN_ORDER'],
    [{ quoteAmount: 0 }, 'INVALID_ORDER'],
    [{ quoteAmount: 5_000, volume: 1 }, 'INVALID_ORDER'],
    [{ side: 'sell' as const, quoteAmount: 10_000 }, 'INVALID_ORDER'],
  ])('rejects %j with %s', async (over, code) => {
    const b = new PaperBroker(cfg);
    const order = await b.submit(intent(over));
    expect(order.state).toBe('rejected');
    expect(order.rejection?.code).toBe(code);
    expect(order.rejection?.message).toContain('kt-1');
    expect(b.takeFinished()).toHaveLength(1);
  });

  it('accepts exactly the 5,000 KRW minimum and rejects a sell worth less', async () => {
    const b = new PaperBroker(cfg);
    expect((await b.submit(intent({ quoteAmount: 5_000 }))).state).toBe('submitted');
    b.onCandleOpen('KRW-XRP', 0, 1_000);
    const sell = await b.submit(
      intent({ clientOrderId: 'kt-2', market: 'KRW-XRP', side: 'sell', quoteAmount: undefined, volume: 4.9 }),
    );
    expect(sell.rejection?.code).toBe('BELOW_MIN_ORDER');
  });

  it('is idempotent on the client order id and can cancel before the fill', async () => {
    const b = new PaperBroker(cfg);
    const first = await b.submit(intent({}));
    const again = await b.submit(intent({ quoteAmount: 2_000_000 }));
    expect(again).toBe(first);
    expect((await b.cancel('kt-1'))?.state).toBe('cancelled');
    b.onCandleOpen('KRW-BTC', 2_000, 100_000_000);
    expect(b.takeFills()).toHaveLength(0);
  });
});
