import { describe, expect, it } from 'vitest';
import { clientOrderId as portfolioOrderId } from '../portfolio/orders.ts';
import { clientOrderId } from './order-id.ts';

const T = Date.UTC(2026, 10, 20, 0, 5);

describe('clientOrderId', () => {
  it('is deterministic and fits Upbit identifiers', () => {
    const a = clientOrderId('krw-majors', 'rev-7', 'enhanced', T, 'KRW-BTC', 'buy');
    expect(clientOrderId('krw-majors', 'rev-7', 'enhanced', T, 'KRW-BTC', 'buy')).toBe(a);
    expect(a).toMatch(/^kt-[0-9a-f]{32}$/);
  });

  it('differs when any field of the decision differs', () => {
    const base = ['krw-majors', 'rev-7', 'enhanced', T, 'KRW-BTC', 'buy'] as const;
    const variants: Parameters<typeof clientOrderId>[] = [
      ['other', 'rev-7', 'enhanced', T, 'KRW-BTC', 'buy'],
      ['krw-majors', 'rev-8', 'enhanced', T, 'KRW-BTC', 'buy'],
      ['krw-majors', 'rev-7', 'ml', T, 'KRW-BTC', 'buy'],
      ['krw-majors', 'rev-7', 'enhanced', T + 60_000, 'KRW-BTC', 'buy'],
      ['krw-majors', 'rev-7', 'enhanced', T, 'KRW-ETH', 'buy'],
      ['krw-majors', 'rev-7', 'enhanced', T, 'KRW-BTC', 'sell'],
    ];
    const ids = new Set([clientOrderId(...base), ...variants.map((v) => clientOrderId(...v))]);
    expect(ids.size).toBe(variants.length + 1);
  });

  it('is the same id the portfolio puts on its intents', () => {
    expect(clientOrderId('b', 'r', 'a', T, 'KRW-SOL', 'sell')).toBe(
      portfolioOrderId('b', 'r', 'a', 'KRW-SOL', 'sell', T),
    );
  });

  it('refuses fields that would make two decisions hash alike', () => {
    expect(() => clientOrderId('a\nb', 'r', 'a', T, 'KRW-BTC', 'buy')).toThrow(/single-line/);
    expect(() => clientOrderId('a', '', 'a', T, 'KRW-BTC', 'buy')).toThrow(/non-empty/);
    expect(() => clientOrderId('a', 'r', 'a', 1.5, 'KRW-BTC', 'buy')).toThrow(/integer/);
  });
});
