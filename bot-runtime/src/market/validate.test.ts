// Every kind of bad data is reported with its file and row, and handled by its documented rule.
import { describe, expect, it } from 'vitest';
import { parseCandleFile } from './candle-formats.ts';
import { type DataIssueKind, MarketDataError } from './data-issue.ts';
import { TIMEFRAME_MS } from './timeframes.ts';
import { candleProblem, validateCandles } from './validate.ts';

const FIVE = TIMEFRAME_MS['5m'];
const T0 = Date.UTC(2025, 0, 1);

/** A ccxt CSV; `rows` are [minutes after T0, open, high, low, close, volume] or raw text. */
function csv(rows: (readonly [number, number, number, number, number, number] | string)[]): string {
  const lines = rows.map((r) => (typeof r === 'string' ? r : [T0 + r[0] * 60_000, ...r.slice(1)].join(',')));
  return ['timestamp,open,high,low,close,volume', ...lines].join('\n');
}

function check(text: string, file = 'BTC_USDT-5m.csv') {
  const parsed = parseCandleFile(text, file);
  const valid = validateCandles([parsed.candles], FIVE, { onRefused: 'drop' });
  const c = valid.columns;
  const candles = Array.from(c.openTime, (openTime, i) => ({
    openTime,
    open: c.open[i]!,
    close: c.close[i]!,
  }));
  return { issues: [...parsed.issues, ...valid.issues], candles };
}

const GOOD = [0, 100, 110, 90, 105, 1] as const;

describe('bad candle data: reported with file and row, handled by a rule', () => {
  // Each case: the bad row is the third data row, so CSV line 4 (the header is line 1).
  const cases: {
    kind: DataIssueKind;
    row: readonly [number, number, number, number, number, number] | string;
    action: string;
  }[] = [
    { kind: 'unparseable', row: `${T0 + 10 * 60_000},100,NaN,90,105,1`, action: 'refused' },
    { kind: 'unparseable', row: `${T0 + 10 * 60_000},100,110`, action: 'refused' },
    { kind: 'non-positive-price', row: [10, 0, 110, 90, 105, 1], action: 'refused' },
    { kind: 'non-positive-price', row: [10, 100, 110, -1, 105, 1], action: 'refused' },
    { kind: 'negative-volume', row: [10, 100, 110, 90, 105, -3], action: 'refused' },
    { kind: 'high-below-low', row: [10, 100, 80, 90, 85, 1], action: 'refused' },
    { kind: 'ohlc-outside-range', row: [10, 100, 110, 90, 120, 1], action: 'refused' },
    { kind: 'misaligned-time', row: [11, 100, 110, 90, 105, 1], action: 'refused' },
  ];
  it.each(cases)('$kind ($row) is $action at line 4', ({ kind, row, action }) => {
    const { issues, candles } = check(
      csv([GOOD, [5, 100, 110, 90, 105, 1], row, [15, 100, 110, 90, 105, 1]]),
    );
    const found = issues.filter((i) => i.kind === kind);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ file: 'BTC_USDT-5m.csv', row: 4, action, repaired: false });
    // The refused row is not used: it leaves a reported gap instead.
    expect(candles.map((c) => (c.openTime - T0) / 60_000)).toEqual([0, 5, 15]);
    expect(issues.find((i) => i.kind === 'gap')).toMatchObject({ row: 5, action: 'reported' });
  });

  it('sorts out-of-order rows and says which row was out of place', () => {
    const { issues, candles } = check(csv([GOOD, [10, 100, 110, 90, 105, 1], [5, 101, 110, 90, 105, 1]]));
    expect(issues).toEqual([
      expect.objectContaining({ kind: 'out-of-order', row: 4, repaired: true, action: 'repaired' }),
    ]);
    expect(candles.map((c) => c.open)).toEqual([100, 101, 100]);
  });

  it('drops an exact duplicate and keeps the first copy', () => {
    const { issues, candles } = check(csv([GOOD, [5, 100, 110, 90, 105, 1], [5, 100, 110, 90, 105, 1]]));
    expect(issues).toEqual([expect.objectContaining({ kind: 'duplicate', row: 4, repaired: true })]);
    expect(candles).toHaveLength(2);
  });

  it('refuses every copy of a conflicting duplicate', () => {
    const { issues, candles } = check(
      csv([GOOD, [5, 100, 110, 90, 105, 1], [5, 100, 110, 90, 106, 1], [10, 100, 110, 90, 105, 1]]),
    );
    const conflicts = issues.filter((i) => i.kind === 'conflicting-duplicate');
    expect(conflicts.map((i) => i.row).sort()).toEqual([3, 4]);
    expect(conflicts.every((i) => i.action === 'refused')).toBe(true);
    expect(candles.map((c) => (c.openTime - T0) / 60_000)).toEqual([0, 10]);
  });

  it('reports a gap with the number of missing candles and leaves it unfilled', () => {
    const { issues, candles } = check(csv([GOOD, [25, 100, 110, 90, 105, 1]]));
    expect(issues).toEqual([expect.objectContaining({ kind: 'gap', row: 3, action: 'reported' })]);
    expect(issues[0]!.detail).toMatch(/^4 candle\(s\) missing/);
    expect(candles).toHaveLength(2);
  });

  it('fails the load by default, naming file, row and the way out', () => {
    const parsed = parseCandleFile(csv([GOOD, [5, 100, 80, 90, 85, 1]]), 'data/ETH_USDT-5m.csv');
    let error: unknown;
    try {
      validateCandles([parsed.candles], FIVE);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MarketDataError);
    expect((error as MarketDataError).code).toBe('BAD_CANDLES');
    expect((error as MarketDataError).message).toContain('data/ETH_USDT-5m.csv:3 high-below-low (refused)');
    expect((error as MarketDataError).message).toContain('onRefused "drop"');
  });

  it('names the right file when pages of several files are merged, and drops their shared candle', () => {
    const first = parseCandleFile(csv([GOOD, [5, 100, 110, 90, 105, 1]]), 'page-2.csv');
    const second = parseCandleFile(
      csv([
        [5, 100, 110, 90, 105, 1],
        [10, 100, 110, 90, 105, 1],
        [10, 100, 80, 90, 85, 1],
      ]),
      'page-1.csv',
    );
    const valid = validateCandles([second.candles, first.candles], FIVE, { onRefused: 'drop' });
    expect(valid.issues.map((i) => `${i.file}:${i.row} ${i.kind}`).sort()).toEqual([
      'page-1.csv:2 duplicate',
      'page-1.csv:4 high-below-low',
    ]);
    expect(valid.columns.length).toBe(3);
  });
});

describe('candleProblem (one candle, e.g. from a live feed)', () => {
  const ok = { openTime: T0, open: 100, high: 110, low: 90, close: 105, volume: 1, quoteVolume: 105 };
  it.each([
    [{}, undefined],
    [{ close: Number.NaN }, 'unparseable'],
    [{ low: 0 }, 'non-positive-price'],
    [{ volume: -1 }, 'negative-volume'],
    [{ high: 80, low: 90, open: 85, close: 85 }, 'high-below-low'],
    [{ open: 111 }, 'ohlc-outside-range'],
    [{ openTime: T0 + 60_000 }, 'misaligned-time'],
  ] as const)('%o -> %s', (change, kind) => {
    expect(candleProblem({ ...ok, ...change }, FIVE)?.kind).toBe(kind);
  });
});
