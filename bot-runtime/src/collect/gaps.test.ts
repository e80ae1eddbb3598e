import { describe, expect, it } from 'vitest';
import { HISTORY_WINDOW, TIMEFRAME_MS } from '../market/timeframes.ts';
import { collectionWindow, missingRuns, pagesFor } from './gaps.ts';

const H = TIMEFRAME_MS['1h'];
const NOW = Date.parse('2026-11-24T12:34:56Z');

describe('collectionWindow', () => {
  it.each(Object.entries(HISTORY_WINDOW))(
    '%s holds the SPEC window ending at the forming candle',
    (tf, size) => {
      const w = collectionWindow(tf as keyof typeof HISTORY_WINDOW, NOW);
      const step = TIMEFRAME_MS[tf as keyof typeof HISTORY_WINDOW];
      expect(w.size).toBe(size);
      expect(w.to).toBeLessThanOrEqual(NOW);
      expect(NOW - w.to).toBeLessThan(step);
      expect((w.to - w.from) / step).toBe(size);
    },
  );
});

describe('missingRuns', () => {
  const w = collectionWindow('1h', NOW, 10);
  const all = Array.from({ length: 10 }, (_, i) => w.from + i * H);

  it('an empty store misses the whole window as one run', () => {
    expect(missingRuns(w, [])).toEqual([{ from: w.from, to: w.to, count: 10 }]);
  });

  it('a full store misses nothing', () => {
    expect(missingRuns(w, all)).toEqual([]);
  });

  it('a collection killed halfway (newest half stored) continues at the oldest stored candle', () => {
    expect(missingRuns(w, all.slice(6))).toEqual([{ from: w.from, to: all[6]!, count: 6 }]);
  });

  it('lists holes and the newly closed candles, newest first', () => {
    const stored = all.filter((_, i) => i !== 3 && i !== 4 && i !== 9);
    expect(missingRuns(w, stored)).toEqual([
      { from: all[9]!, to: w.to, count: 1 },
      { from: all[3]!, to: all[5]!, count: 2 },
    ]);
  });

  it('ignores stored candles outside the window', () => {
    expect(missingRuns(w, [w.from - H, w.to])).toEqual([{ from: w.from, to: w.to, count: 10 }]);
  });

  it('costs one request per 200 candles of each run', () => {
    expect(
      pagesFor(
        [
          { from: 0, to: 0, count: 2016 },
          { from: 0, to: 0, count: 1 },
        ],
        200,
      ),
    ).toBe(12);
  });
});
