import { describe, expect, it } from 'vitest';
import {
  isKrwMarket,
  krwTickSize,
  minOrderQuote,
  quoteCurrency,
  roundCash,
  roundPriceToTick,
  tradeFee,
} from './market-rules.ts';

describe('Upbit KRW tick table (docs.upbit.com krw-market-info, 2025-07-31 policy)', () => {
  it.each([
    [150_000_000, 1_000],
    [2_000_000, 1_000],
    [1_999_999, 1_000],
    [1_000_000, 1_000],
    [999_999, 500],
    [500_000, 500],
    [499_999, 100],
    [100_000, 100],
    [99_999, 50],
    [50_000, 50],
    [49_999, 10],
    [10_000, 10],
    [9_999, 5],
    [5_000, 5],
    [4_999, 1],
    [1_000, 1],
    [999, 1],
    [100, 1],
    [99.99, 0.01],
    [10, 0.01],
    [9.999, 0.001],
    [1, 0.001],
    [0.9999, 0.0001],
    [0.1, 0.0001],
    [0.05, 0.00001],
    [0.005, 0.000001],
    [0.0005, 0.0000001],
    [0.00005, 0.00000001],
  ])('price %d -> tick %d', (price, tick) => {
    expect(krwTickSize(price)).toBe(tick);
  });

  it.each([
    ['KRW-BTC', 123_456_789, 'buy', 123_457_000],
    ['KRW-BTC', 123_456_789, 'sell', 123_456_000],
    ['KRW-BTC', 123_456_000, 'buy', 123_456_000],
    ['KRW-ETH', 4_321_234, 'sell', 4_321_000],
    ['KRW-XRP', 3_123.4, 'buy', 3_124],
    ['KRW-XRP', 3_123.4, 'sell', 3_123],
    ['KRW-SOL', 251_234, 'buy', 251_300],
    ['KRW-DOGE', 0.12345, 'buy', 0.1235],
    ['KRW-DOGE', 0.12345, 'sell', 0.1234],
    ['USDT-BTC', 97_123.456789, 'buy', 97_123.456789],
    ['BTC_USDT', 0.123456789, 'sell', 0.123456789],
  ] as const)('%s %d rounds %s to %d', (market, price, side, expected) => {
    expect(roundPriceToTick(market, price, side)).toBe(expected);
  });
});

describe('quote currency is data', () => {
  it.each([
    ['KRW-BTC', 'KRW', true],
    ['USDT-BTC', 'USDT', false],
    ['BTC-ETH', 'BTC', false],
  ])('%s quotes in %s', (market, quote, krw) => {
    expect(quoteCurrency(market)).toBe(quote);
    expect(isKrwMarket(market)).toBe(krw);
  });

  it('applies the 5,000 KRW minimum order to KRW markets only', () => {
    expect(minOrderQuote('KRW-BTC', 5_000)).toBe(5_000);
    expect(minOrderQuote('USDT-BTC', 5_000)).toBe(0);
  });
});

describe('cash and fee rounding', () => {
  it.each([
    ['KRW-BTC', 10_000, 0.05, 5],
    ['KRW-BTC', 10_001, 0.05, 6], // 5.0005 rounds up to a whole won
    ['KRW-BTC', 2_000_000, 0.05, 1_000],
    ['USDT-BTC', 100, 0.05, 0.05],
    ['USDT-BTC', 123.456, 0.05, 0.061728],
  ] as const)('%s fee on %d at %d %% is %d', (market, notional, pct, fee) => {
    expect(tradeFee(market, notional, pct)).toBe(fee);
  });

  it('rounds KRW cash to whole won against the trader', () => {
    expect(roundCash('KRW-BTC', 1234.9, 'down')).toBe(1234);
    expect(roundCash('KRW-BTC', 1234.1, 'up')).toBe(1235);
    // Binary noise (0.1 + 0.2) must not cost a won.
    expect(roundCash('KRW-BTC', (0.1 + 0.2) * 10, 'up')).toBe(3);
    expect(roundCash('USDT-BTC', 1.123456789, 'down')).toBe(1.12345678);
  });
});
