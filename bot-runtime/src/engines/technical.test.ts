import { describe, expect, it } from 'vitest';
import type { TechnicalReadings } from './readings.ts';
import { seedConfig } from './seed-config.fixture.ts';
import { technicalSignal, technicalVotes, type Vote } from './technical.ts';

const cfg = seedConfig().engine.technical;
// Readings where every indicator is neutral; each row changes one field.
const neutral: TechnicalReadings = { rsi: 50, macdHist: 0, percentB: 0.5, volumeRatio: 1, candleBody: 1 };
const at = (over: Partial<TechnicalReadings>): TechnicalReadings => ({ ...neutral, ...over });

describe('technical votes: every boundary', () => {
  it.each<[string, Partial<TechnicalReadings>, keyof ReturnType<typeof technicalVotes>, Vote]>([
    ['RSI exactly oversold 30 votes BUY', { rsi: 30 }, 'rsi', 'BUY'],
    ['RSI just above oversold is neutral', { rsi: 30.0001 }, 'rsi', 'neutral'],
    ['RSI exactly overbought 70 votes SELL', { rsi: 70 }, 'rsi', 'SELL'],
    ['RSI just below overbought is neutral', { rsi: 69.9999 }, 'rsi', 'neutral'],
    ['RSI NaN (warm-up) is neutral', { rsi: Number.NaN }, 'rsi', 'neutral'],
    ['MACD hist > 0 votes BUY', { macdHist: 1e-9 }, 'macd', 'BUY'],
    ['MACD hist < 0 votes SELL', { macdHist: -1e-9 }, 'macd', 'SELL'],
    ['MACD hist exactly 0 is neutral', { macdHist: 0 }, 'macd', 'neutral'],
    ['MACD NaN is neutral', { macdHist: Number.NaN }, 'macd', 'neutral'],
    ['volume exactly 2.0x on an up candle votes BUY', { volumeRatio: 2, candleBody: 5 }, 'volume', 'BUY'],
    ['volume exactly 2.0x on a down candle votes SELL', { volumeRatio: 2, candleBody: -5 }, 'volume', 'SELL'],
    ['volume surge on a doji is neutral', { volumeRatio: 3, candleBody: 0 }, 'volume', 'neutral'],
    ['volume just below 2.0x is neutral', { volumeRatio: 1.9999, candleBody: 5 }, 'volume', 'neutral'],
    ['volume NaN is neutral', { volumeRatio: Number.NaN, candleBody: 5 }, 'volume', 'neutral'],
    ['%B exactly edge 0.2 votes BUY', { percentB: 0.2 }, 'bollinger', 'BUY'],
    ['%B just above edge is neutral', { percentB: 0.2001 }, 'bollinger', 'neutral'],
    ['%B exactly 1 - edge votes SELL', { percentB: 0.8 }, 'bollinger', 'SELL'],
    ['%B just below 1 - edge is neutral', { percentB: 0.7999 }, 'bollinger', 'neutral'],
    ['%B below the lower band votes BUY', { percentB: -0.3 }, 'bollinger', 'BUY'],
    ['%B NaN is neutral', { percentB: Number.NaN }, 'bollinger', 'neutral'],
  ])('%s', (_name, over, which, vote) => {
    expect(technicalVotes(at(over), cfg)[which]).toBe(vote);
  });

  it('uses the configured thresholds (tuning candidates RSI 25, volume 1.5x, edge 0.15)', () => {
    const tuned = {
      ...cfg,
      rsi: { ...cfg.rsi, oversold: 25 },
      volumeSurge: 1.5,
      bollinger: { ...cfg.bollinger, edge: 0.15 },
    };
    expect(technicalVotes(at({ rsi: 27 }), tuned).rsi).toBe('neutral');
    expect(technicalVotes(at({ volumeRatio: 1.5 }), tuned).volume).toBe('BUY');
    expect(technicalVotes(at({ percentB: 0.18 }), tuned).bollinger).toBe('neutral');
  });
});

// Vote builders: B = BUY vote, S = SELL vote, n = neutral, per indicator rsi/macd/volume/bollinger.
const VOTE_READINGS: Record<
  'rsi' | 'macd' | 'volume' | 'bollinger',
  Record<Vote, Partial<TechnicalReadings>>
> = {
  rsi: { BUY: { rsi: 20 }, SELL: { rsi: 80 }, neutral: { rsi: 50 } },
  macd: { BUY: { macdHist: 1 }, SELL: { macdHist: -1 }, neutral: { macdHist: 0 } },
  volume: {
    BUY: { volumeRatio: 3, candleBody: 1 },
    SELL: { volumeRatio: 3, candleBody: -1 },
    neutral: { volumeRatio: 1 },
  },
  bollinger: { BUY: { percentB: 0.1 }, SELL: { percentB: 0.9 }, neutral: { percentB: 0.5 } },
};
const code: Record<string, Vote> = { B: 'BUY', S: 'SELL', n: 'neutral' };
function readings(pattern: string): TechnicalReadings {
  const [r, m, v, b] = [...pattern].map((c) => code[c] as Vote) as [Vote, Vote, Vote, Vote];
  return at({
    ...VOTE_READINGS.rsi[r],
    ...VOTE_READINGS.macd[m],
    ...VOTE_READINGS.volume[v],
    ...VOTE_READINGS.bollinger[b],
  });
}

describe('technical decision: 2 vs 3 votes, conflicts', () => {
  it.each([
    ['BBBB', 'BUY', 0.85],
    ['BBBn', 'BUY', 0.85],
    ['BBBS', 'BUY', 0.85],
    ['nBBB', 'BUY', 0.85],
    ['BBnn', 'BUY', 0.65],
    ['BnnB', 'BUY', 0.65],
    ['BBSn', 'BUY', 0.65],
    ['BBSS', 'HOLD', 0],
    ['BSnn', 'HOLD', 0],
    ['Bnnn', 'HOLD', 0],
    ['nnnn', 'HOLD', 0],
    ['SSSS', 'SELL', 0.85],
    ['SSSB', 'SELL', 0.85],
    ['SSnn', 'SELL', 0.65],
    ['SSBn', 'SELL', 0.65],
    ['nnnS', 'HOLD', 0],
  ])('votes %s (rsi,macd,volume,bollinger) -> %s %f', (pattern, action, confidence) => {
    const s = technicalSignal({ technical: readings(pattern) }, cfg);
    expect(s.action).toBe(action);
    expect(s.confidence).toBe(confidence);
    expect(s.reasons.length).toBeGreaterThan(0);
  });

  it('takes the confidences from config', () => {
    const s = technicalSignal(
      { technical: readings('BBBn') },
      { ...cfg, confidence: { threeOrMore: 0.8, two: 0.5 } },
    );
    expect(s.confidence).toBe(0.8);
    expect(
      technicalSignal({ technical: readings('BBnn') }, { ...cfg, confidence: { threeOrMore: 0.8, two: 0.5 } })
        .confidence,
    ).toBe(0.5);
  });
});
