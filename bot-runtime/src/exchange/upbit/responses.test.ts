import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ExchangeError } from '../errors.ts';
import { UpbitClient } from './client.ts';
import { parseAccounts, parseCandles, parseOrder } from './responses.ts';

const order = {
  uuid: 'u-1',
  side: 'bid',
  ord_type: 'price',
  price: '10000',
  state: 'done',
  market: 'KRW-BTC',
  created_at: '2026-11-24T12:00:00+09:00',
  volume: null,
  remaining_volume: '0',
  paid_fee: '5',
  executed_volume: '0.0001',
  trades_count: 1,
  identifier: 'kt-1',
  trades: [
    {
      market: 'KRW-BTC',
      uuid: 't-1',
      price: '100000000',
      volume: '0.0001',
      funds: '10000',
      side: 'bid',
      created_at: '2026-11-24T12:00:00+09:00',
    },
  ],
};

function refusal(fn: () => unknown): ExchangeError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ExchangeError);
    return error as ExchangeError;
  }
  throw new Error('expected a refusal');
}

describe('response validation', () => {
  it('reads a well-formed order into typed numbers', () => {
    const o = parseOrder('GET /v1/order', order);
    expect(o).toMatchObject({
      uuid: 'u-1',
      price: 10_000,
      volume: undefined,
      executedVolume: 0.0001,
      paidFee: 5,
      state: 'done',
    });
    expect(o.createdAt).toBe(Date.parse('2026-11-24T03:00:00Z'));
    expect(o.trades[0]).toMatchObject({ price: 100_000_000, funds: 10_000, side: 'bid' });
  });

  it.each([
    ['a missing field', { ...order, executed_volume: undefined }, 'executed_volume', 'field missing'],
    ['a wrong type', { ...order, trades_count: '1' }, 'trades_count', 'non-negative integer'],
    ['a non-numeric decimal', { ...order, paid_fee: 'abc' }, 'paid_fee', 'numeric string'],
    ['a negative volume', { ...order, executed_volume: '-0.5' }, 'executed_volume', 'non-negative'],
    [
      'a negative trade volume',
      { ...order, trades: [{ ...order.trades[0], volume: '-1' }] },
      'trades[0].volume',
      'positive',
    ],
    ['an unknown state', { ...order, state: 'open' }, 'state', 'wait|watch|done|cancel'],
    ['a non-object body', 'oops', '(body)', 'expected an object'],
  ])('refuses %s, naming endpoint and field', (_name, body, field, detail) => {
    const e = refusal(() => parseOrder('GET /v1/order', body));
    expect(e.code).toBe('EXCHANGE_INVALID_RESPONSE');
    expect(e.message).toContain('GET /v1/order');
    expect(e.message).toContain(`field ${field}`);
    expect(e.message).toContain(detail);
  });

  it('refuses a negative balance and a candle whose high is below its close', () => {
    const accounts = [
      { currency: 'KRW', balance: '-1', locked: '0', avg_buy_price: '0', unit_currency: 'KRW' },
    ];
    expect(refusal(() => parseAccounts('GET /v1/accounts', accounts)).message).toContain('field [0].balance');
    const candle = {
      market: 'KRW-BTC',
      candle_date_time_utc: '2026-01-01T00:00:00',
      opening_price: 100,
      high_price: 99,
      low_price: 90,
      trade_price: 95,
      candle_acc_trade_volume: 1,
      candle_acc_trade_price: 95,
    };
    expect(refusal(() => parseCandles('GET /v1/candles/days', [candle], '1d')).message).toContain(
      '[0].high_price',
    );
  });

  it('the client refuses a malformed response end to end and never returns it', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'remaining-req': 'group=default; min=1800; sec=29',
      });
      res.end(
        JSON.stringify([
          { currency: 'KRW', balance: 'lots', locked: '0', avg_buy_price: '0', unit_currency: 'KRW' },
        ]),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const client = new UpbitClient({
        baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        credentials: { accessKey: 'a-key-1234', secretKey: 's-key-1234' },
      });
      const outcome = await client.accounts().then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      );
      expect(outcome).not.toHaveProperty('value');
      expect((outcome as { error: ExchangeError }).error).toMatchObject({
        code: 'EXCHANGE_INVALID_RESPONSE',
      });
      expect((outcome as { error: ExchangeError }).error.message).toContain(
        'GET /v1/accounts: field [0].balance',
      );
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
