import { describe, expect, it } from 'vitest';
import { entrySize, kstDate, kstDay, type RiskConfig, startDailyLoss, updateDailyLoss } from './risk.ts';

// Seed values of SPEC.md / the TradingBot spec defaults.
const cfg: RiskConfig = {
  maxPositionPct: 25,
  dailyLossLimitPct: 3,
  minOrderKRW: 5_000,
  feePct: 0.05,
  minConfidence: 0.6,
};

describe('entrySize: confidence x maxPositionPct of equity', () => {
  it.each([
    // confidence, equity, cash, expected
    [0.85, 5_000_000, 5_000_000, { ok: true, quoteAmount: 1_062_500 }],
    [0.9, 5_000_000, 5_000_000, { ok: true, quoteAmount: 1_125_000 }],
    [0.6, 5_000_000, 5_000_000, { ok: true, quoteAmount: 750_000 }], // exactly minConfidence acts
    [0.5999, 5_000_000, 5_000_000, { ok: false, code: 'BELOW_MIN_CONFIDENCE' }],
    [0.85, 5_000_000, 100_000, { ok: true, quoteAmount: 99_950 }], // capped by cash incl. fee
    [0.6, 33_334, 33_334, { ok: true, quoteAmount: 5_000 }], // 33,334 x 25 % x 0.6 = 5,000.1 -> 5,000
    [0.6, 33_332, 33_332, { ok: false, code: 'BELOW_MIN_ORDER' }], // 4,999.8 < 5,000 KRW
    [1, 1e9, 5_003, { ok: true, quoteAmount: 5_000 }], // 5,000 + 3 fee = all the cash
    [1, 1e9, 5_002, { ok: false, code: 'BELOW_MIN_ORDER' }], // 4,999 + 3 fee; 5,000 would need 5,003
    [0.85, 5_000_000, 0, { ok: false, code: 'NO_CASH' }],
  ] as const)('conf %d equity %d cash %d', (confidence, equity, cash, expected) => {
    expect(entrySize({ market: 'KRW-BTC', confidence, equity, cash, halted: false, cfg })).toEqual(expected);
  });

  it('never spends more than the cash including the fee', () => {
    for (const cash of [5_003, 10_000, 123_457, 1_000_001]) {
      const r = entrySize({ market: 'KRW-BTC', confidence: 1, equity: 1e9, cash, halted: false, cfg });
      if (!r.ok) throw new Error(`cash ${cash}: ${r.code}`);
      expect(r.quoteAmount + Math.ceil((r.quoteAmount * cfg.feePct) / 100)).toBeLessThanOrEqual(cash);
      expect(Number.isInteger(r.quoteAmount)).toBe(true);
    }
  });

  it('has no minimum order and no whole-won rounding on USDT markets', () => {
    const r = entrySize({ market: 'USDT-BTC', confidence: 0.6, equity: 100, cash: 100, halted: false, cfg });
    expect(r).toEqual({ ok: true, quoteAmount: 15 });
    const small = entrySize({
      market: 'USDT-BTC',
      confidence: 0.6,
      equity: 1.1,
      cash: 1.1,
      halted: false,
      cfg,
    });
    expect(small).toEqual({ ok: true, quoteAmount: 0.165 });
  });

  it('refuses entries while the daily loss limit is hit', () => {
    const r = entrySize({ market: 'KRW-BTC', confidence: 0.95, equity: 1e7, cash: 1e7, halted: true, cfg });
    expect(r).toEqual({ ok: false, code: 'DAILY_LOSS_LIMIT' });
  });
});

describe('KST day (Asia/Seoul, UTC+9)', () => {
  it.each([
    ['2026-11-19T14:59:59.999Z', '2026-11-19'],
    ['2026-11-19T15:00:00.000Z', '2026-11-20'], // 00:00 KST
    ['2026-11-20T14:59:59.999Z', '2026-11-20'],
  ])('%s is KST %s', (iso, date) => {
    expect(kstDate(kstDay(Date.parse(iso)))).toBe(date);
  });
});

describe('daily loss limit: 3 % of the KST day start equity', () => {
  const t0 = Date.parse('2026-11-20T00:00:00Z'); // 09:00 KST
  it('halts at exactly -3 %, counts once per day, and resumes the next KST day', () => {
    const s = startDailyLoss(t0, 1_000_000);
    updateDailyLoss(s, t0 + 60_000, 970_001, 3);
    expect(s).toMatchObject({ halted: false, breaches: 0 });
    updateDailyLoss(s, t0 + 120_000, 970_000, 3);
    expect(s).toMatchObject({ halted: true, breaches: 1 });
    updateDailyLoss(s, t0 + 180_000, 960_000, 3); // further losses the same day: one breach
    updateDailyLoss(s, t0 + 240_000, 1_000_000, 3); // recovery does not lift the halt
    expect(s).toMatchObject({ halted: true, breaches: 1 });
    const nextKstDay = Date.parse('2026-11-20T15:00:00Z');
    updateDailyLoss(s, nextKstDay - 1, 1_000_000, 3);
    expect(s.halted).toBe(true);
    updateDailyLoss(s, nextKstDay, 950_000, 3);
    expect(s).toMatchObject({ halted: false, breaches: 1, dayStartEquity: 950_000 });
    updateDailyLoss(s, nextKstDay + 60_000, 921_500, 3); // 950,000 x 0.97 = 921,500
    expect(s).toMatchObject({ halted: true, breaches: 2 });
  });
});
