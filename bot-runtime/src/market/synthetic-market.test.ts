import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isKrwMarket, krwTickSize } from '../portfolio/market-rules.ts';
import { parseCandleFile } from './candle-formats.ts';
import { SYNTHETIC_START, SyntheticMarket } from './synthetic-market.ts';
import { DEFAULT_SYNTHETIC_MARKETS, KRW_MAJORS } from './synthetic-profiles.ts';
import { TIMEFRAME_MS } from './timeframes.ts';
import { validateCandles } from './validate.ts';

const DAY = TIMEFRAME_MS['1d'];
const DAYS = 60;

async function load(seed: number, days = DAYS) {
  return new SyntheticMarket({ seed, defaultDays: days }).load();
}

describe('SyntheticMarket determinism', () => {
  it('gives the same series for the same seed, to the last digit', async () => {
    const a = await load(42);
    const b = await load(42);
    for (const market of DEFAULT_SYNTHETIC_MARKETS) {
      for (const tf of ['5m', '15m', '1h', '1d'] as const) {
        expect(b.get(market)![tf]!.close).toEqual(a.get(market)![tf]!.close);
        expect(b.get(market)![tf]!.volume).toEqual(a.get(market)![tf]!.volume);
      }
    }
  });

  it('gives a different series for a different seed', async () => {
    const a = (await load(1)).get('KRW-BTC')!['5m']!;
    const b = (await load(2)).get('KRW-BTC')!['5m']!;
    let differ = 0;
    for (let i = 0; i < a.length; i++) if (a.close[i] !== b.close[i]) differ++;
    expect(differ).toBeGreaterThan(a.length * 0.9);
  });

  it('only appends candles when the range grows, and a market does not depend on which others are loaded', async () => {
    const short = (await load(5, 10)).get('KRW-SOL')!['5m']!;
    const long = (await load(5, 20)).get('KRW-SOL')!['5m']!;
    expect(long.close.subarray(0, short.length)).toEqual(short.close);
    const alone = await new SyntheticMarket({ seed: 5, markets: ['KRW-SOL'], defaultDays: 10 }).load();
    expect(alone.get('KRW-SOL')!['5m']!.close).toEqual(short.close);
    const ranged = await new SyntheticMarket({ seed: 5 }).load({
      from: SYNTHETIC_START + 5 * DAY,
      to: SYNTHETIC_START + 6 * DAY,
    });
    const day = ranged.get('KRW-SOL')!['5m']!;
    expect(day.length).toBe(288);
    expect(day.close).toEqual(short.close.subarray(5 * 288, 6 * 288));
  });
});

describe('SyntheticMarket plausibility', async () => {
  const data = await load(3, 120);

  it.each(DEFAULT_SYNTHETIC_MARKETS)(
    '%s: valid candles on the KRW tick grid near its price level',
    (market) => {
      const s = data.get(market)!['5m']!;
      expect(s.length).toBe(120 * 288);
      // Counted in plain loops (one expect per property) to keep the test fast over 34,560 candles.
      const level = KRW_MAJORS[market]!.price;
      const broken = {
        nonPositive: 0,
        highBelowBody: 0,
        lowAboveBody: 0,
        noVolume: 0,
        offGrid: 0,
        farFromLevel: 0,
      };
      for (let i = 0; i < s.length; i++) {
        const o = s.open[i]!;
        const c = s.close[i]!;
        if (!(s.low[i]! > 0)) broken.nonPositive++;
        if (s.high[i]! < Math.max(o, c)) broken.highBelowBody++;
        if (s.low[i]! > Math.min(o, c)) broken.lowAboveBody++;
        if (!(s.volume[i]! > 0)) broken.noVolume++;
        const ticks = c / krwTickSize(c);
        if (Math.abs(ticks - Math.round(ticks)) > 1e-6) broken.offGrid++;
        if (c < level / 5 || c > level * 5) broken.farFromLevel++;
      }
      expect(broken).toEqual({
        nonPositive: 0,
        highBelowBody: 0,
        lowAboveBody: 0,
        noVolume: 0,
        offGrid: 0,
        farFromLevel: 0,
      });
      expect(isKrwMarket(market)).toBe(true);
      // The validator (the same rules a replay file meets) finds nothing wrong.
      const raw = {
        file: 'synthetic',
        row: Array.from(s.openTime, (_, i) => i + 1),
        openTime: Array.from(s.openTime),
        open: Array.from(s.open),
        high: Array.from(s.high),
        low: Array.from(s.low),
        close: Array.from(s.close),
        volume: Array.from(s.volume),
        quoteVolume: Array.from(s.quoteVolume),
      };
      expect(validateCandles([raw], TIMEFRAME_MS['5m']).issues).toEqual([]);
    },
  );

  it('trades more volume on big moves (crashes, breakouts) than on quiet candles', () => {
    const s = data.get('KRW-BTC')!['5m']!;
    const moves = Array.from(s.close, (c, i) => ({
      move: Math.abs(Math.log(c / s.open[i]!)),
      quote: s.quoteVolume[i]!,
    }));
    moves.sort((a, b) => a.move - b.move);
    const tenth = Math.floor(moves.length / 10);
    const mean = (xs: { quote: number }[]) => xs.reduce((sum, x) => sum + x.quote, 0) / xs.length;
    expect(mean(moves.slice(-tenth))).toBeGreaterThan(2 * mean(moves.slice(0, tenth)));
  });

  it('follows a daily rhythm: more volume in the Korean afternoon than before dawn, less at weekends', () => {
    const s = data.get('KRW-ETH')!['5m']!;
    const sums = { afternoon: 0, dawn: 0, weekday: 0, weekend: 0 };
    const counts = { afternoon: 0, dawn: 0, weekday: 0, weekend: 0 };
    for (let i = 0; i < s.length; i++) {
      const t = new Date(s.openTime[i]!);
      const hour = t.getUTCHours();
      // 06-10 UTC = 15-19 KST; 18-22 UTC = 03-07 KST.
      const bucket = hour >= 6 && hour < 10 ? 'afternoon' : hour >= 18 && hour < 22 ? 'dawn' : undefined;
      if (bucket) {
        sums[bucket] += s.quoteVolume[i]!;
        counts[bucket]++;
      }
      const day = t.getUTCDay() === 0 || t.getUTCDay() === 6 ? 'weekend' : 'weekday';
      sums[day] += s.quoteVolume[i]!;
      counts[day]++;
    }
    const mean = (k: keyof typeof sums) => sums[k] / counts[k];
    expect(mean('afternoon')).toBeGreaterThan(1.3 * mean('dawn'));
    expect(mean('weekend')).toBeLessThan(0.95 * mean('weekday'));
  });

  it('has regimes: both sustained rises and crashes of several percent within a day', () => {
    const days = data.get('KRW-BTC')!['1d']!;
    const returns = Array.from(days.close, (c, i) => c / days.open[i]! - 1);
    expect(Math.min(...returns)).toBeLessThan(-0.04);
    expect(Math.max(...returns)).toBeGreaterThan(0.04);
  });
});

describe('SyntheticMarket limits', () => {
  it('refuses a range that runs years past its start, naming the dates', async () => {
    const market = new SyntheticMarket({ seed: 1, markets: ['KRW-BTC'] });
    await expect(market.load({ to: Date.UTC(2100, 0, 1) })).rejects.toThrow(
      /2100-01-01.*more than 10 years after/,
    );
  });
});

/** Statistics that make a market look like a market, computed the same way for real and synthetic. */
function stylizedFacts(close: ArrayLike<number>, quoteVolume?: ArrayLike<number>) {
  const r: number[] = [];
  for (let i = 1; i < close.length; i++) r.push(Math.log(close[i]! / close[i - 1]!));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = (xs: number[]) => {
    const m = mean(xs);
    return Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
  };
  const corr = (xs: number[], ys: number[]) => {
    const mx = mean(xs);
    const my = mean(ys);
    let sxy = 0;
    for (let i = 0; i < xs.length; i++) sxy += (xs[i]! - mx) * (ys[i]! - my);
    return sxy / xs.length / (sd(xs) * sd(ys));
  };
  const abs = r.map(Math.abs);
  const daily: number[] = [];
  for (let d = 0; d + 288 <= r.length; d += 288) daily.push(r.slice(d, d + 288).reduce((a, b) => a + b, 0));
  const m = mean(r);
  const s2 = sd(r) ** 2;
  return {
    kurtosis: mean(r.map((x) => (x - m) ** 4)) / (s2 * s2),
    fiveMinuteSd: sd(r),
    dailySd: sd(daily),
    clustering: corr(abs.slice(0, -1), abs.slice(1)),
    volumeFollowsMoves: quoteVolume ? corr(abs, Array.from(quoteVolume).slice(1)) : Number.NaN,
  };
}

describe('SyntheticMarket against the real Binance candles in ../shared/data', async () => {
  const synthetic = await load(3, 120);
  const DATA = fileURLToPath(new URL('../../../../shared/data/binance/', import.meta.url));

  it.each(['BTC', 'ETH', 'XRP', 'SOL'])(
    'KRW-%s moves like %s/USDT: 5m and daily spread, fat tails, volatility clustering, volume',
    async (base) => {
      const file = `${base}_USDT-5m.csv`;
      const real = parseCandleFile(await readFile(`${DATA}${file}`, 'utf8'), file).candles;
      const realFacts = stylizedFacts(real.close.slice(-120 * 288));
      const s = synthetic.get(`KRW-${base}`)!['5m']!;
      const facts = stylizedFacts(s.close, s.quoteVolume);
      expect(facts.fiveMinuteSd / realFacts.fiveMinuteSd).toBeGreaterThan(0.75);
      expect(facts.fiveMinuteSd / realFacts.fiveMinuteSd).toBeLessThan(1.33);
      expect(facts.dailySd / realFacts.dailySd).toBeGreaterThan(0.6);
      expect(facts.dailySd / realFacts.dailySd).toBeLessThan(2.2);
      // Real 5m data: |return| autocorrelation 0.32-0.38, corr(|return|, traded value) 0.56-0.61.
      expect(realFacts.clustering).toBeGreaterThan(0.15);
      expect(facts.clustering).toBeGreaterThan(0.15);
      expect(facts.volumeFollowsMoves).toBeGreaterThan(0.3);
      // Fat tails: real 5m returns have kurtosis 36-550; a normal distribution has 3.
      expect(realFacts.kurtosis).toBeGreaterThan(10);
      expect(facts.kurtosis).toBeGreaterThan(10);
    },
  );
});
