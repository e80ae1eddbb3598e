// `npm run bench`'s live section end to end on a small input (PGlite only; the PostgreSQL run is
// the same code with another Db): every figure is there and the store-in-loop run really went
// through the store and the local exchange. No timing assertions (the bench reports, never judges).
import { describe, expect, it } from 'vitest';
import { benchLive } from './bench.ts';

describe('benchLive', () => {
  it('times store-in-loop cycles against compute-only cycles and reports the exchange figures', {
    timeout: 120_000,
  }, async () => {
    const r = await benchLive({ cycles: 12, exchangeOrders: 5 });
    expect(r.computeOnly).toMatchObject({ store: 'none', cycles: 12 });
    expect(r.withStore.map((s) => s.store)).toEqual(['pglite']);
    const lite = r.withStore[0]!;
    expect(lite.cycles).toBe(12);
    // The swing market trades every few candles: orders went through intent -> exchange -> fill.
    expect(lite.orders).toBeGreaterThan(0);
    expect(lite.medianOrderCycleMs).toBeGreaterThan(0);
    expect(lite.meanCycleMs).toBeGreaterThan(0);
    expect(r.exchange.brokerOrdersPerSecond).toBeGreaterThan(0);
    expect(r.exchange.jwtSignMicros).toBeGreaterThan(0);
  });
});
