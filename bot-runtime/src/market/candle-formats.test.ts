import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCandleFile, parseUtcTime } from './candle-formats.ts';
import { MarketDataError } from './data-issue.ts';
import { inferFromFileName } from './file-names.ts';
import { TIMEFRAME_MS } from './timeframes.ts';

const UPBIT = fileURLToPath(new URL('../../../../shared/data/upbit/', import.meta.url));

describe('Upbit layout', () => {
  it('reads an API page (JSON, newest first) oldest first, keeping each row its array position', async () => {
    const file = 'minutes/upbit_3m_20200220_100000-20200220_120000.json';
    const { candles, issues } = parseCandleFile(await readFile(`${UPBIT}${file}`, 'utf8'), file);
    expect(issues).toEqual([]);
    expect(candles.market).toBe('KRW-BTC');
    expect(candles.intervalMs).toBe(3 * 60_000);
    expect(candles.openTime).toHaveLength(40);
    // The last array element is the oldest candle: 2020-02-20T01:00:00 UTC (10:00 KST).
    expect(candles.openTime[0]).toBe(Date.UTC(2020, 1, 20, 1, 0));
    expect(candles.row[0]).toBe(40);
    expect([candles.open[0], candles.high[0], candles.low[0], candles.close[0]]).toEqual([
      11466000, 11470000, 11465000, 11466000,
    ]);
    expect(candles.volume[0]).toBe(9.22038487);
    expect(candles.quoteVolume[0]).toBe(105735400.51695);
    expect(candles.openTime[39]).toBe(Date.UTC(2020, 1, 20, 2, 57));
    for (let i = 1; i < 40; i++) expect(candles.openTime[i]).toBeGreaterThan(candles.openTime[i - 1]!);
  });

  it.each(['BTC', 'ETH', 'XRP', 'SOL'])(
    'reads the KRW-%s day-candle CSV (unnamed index column, bare UTC date)',
    async (base) => {
      const file = `KRW-${base}-1d-2023.csv`;
      const { candles, issues } = parseCandleFile(await readFile(`${UPBIT}days/${file}`, 'utf8'), file);
      expect(issues).toEqual([]);
      expect(candles.market).toBe(`KRW-${base}`);
      expect(candles.intervalMs).toBe(TIMEFRAME_MS['1d']);
      expect(candles.openTime).toHaveLength(392);
      expect(candles.openTime[0]).toBe(Date.UTC(2022, 11, 5));
      expect(candles.openTime[391]).toBe(Date.UTC(2023, 11, 31));
      expect(candles.row[0]).toBe(2);
      for (let i = 0; i < 392; i++) {
        expect(candles.high[i]).toBeGreaterThanOrEqual(Math.max(candles.open[i]!, candles.close[i]!));
        expect(candles.quoteVolume[i]).toBeGreaterThan(0);
      }
    },
  );

  it('takes the SOL figures of the first day as written', async () => {
    const file = 'KRW-SOL-1d-2023.csv';
    const { candles } = parseCandleFile(await readFile(`${UPBIT}days/${file}`, 'utf8'), file);
    expect([candles.open[0], candles.high[0], candles.low[0], candles.close[0]]).toEqual([
      18340, 19000, 18260, 18500,
    ]);
    expect(candles.volume[0]).toBe(2224822.66275598);
  });
});

describe('ccxt layout', () => {
  it('reads JSON arrays of arrays and a headerless CSV', () => {
    const t = Date.UTC(2025, 0, 1);
    const json = JSON.stringify([
      [t, 1, 2, 0.5, 1.5, 10],
      [t + 300_000, 1.5, 2, 1, 1.2, 20],
    ]);
    const fromJson = parseCandleFile(json, 'BTC_USDT-5m.json').candles;
    expect(fromJson.close).toEqual([1.5, 1.2]);
    expect(fromJson.quoteVolume.every(Number.isNaN)).toBe(true);
    const fromCsv = parseCandleFile(`${t},1,2,0.5,1.5,10\n${t + 300_000},1.5,2,1,1.2,20\n`, 'x.csv').candles;
    expect(fromCsv.openTime).toEqual([t, t + 300_000]);
    expect(fromCsv.row).toEqual([1, 2]);
  });

  it('refuses an unknown layout with the file name and both expected layouts', () => {
    expect(() => parseCandleFile('a,b,c\n1,2,3', 'odd.csv')).toThrow(MarketDataError);
    expect(() => parseCandleFile('a,b,c\n1,2,3', 'odd.csv')).toThrow(/odd\.csv.*Upbit.*ccxt/);
    expect(() => parseCandleFile('[{"x":1}]', 'odd.json')).toThrow(/odd\.json/);
  });
});

describe('times and file names', () => {
  it('reads Upbit UTC times without a zone as UTC, and ccxt seconds or milliseconds', () => {
    expect(parseUtcTime('2020-02-20T11:19:00')).toBe(Date.UTC(2020, 1, 20, 11, 19));
    expect(parseUtcTime('2022-12-05')).toBe(Date.UTC(2022, 11, 5));
    expect(parseUtcTime('2024-12-31 00:00:00+00:00')).toBe(Date.UTC(2024, 11, 31));
    expect(parseUtcTime('1735603200000')).toBe(1735603200000);
    expect(parseUtcTime('1735603200')).toBe(1735603200000);
  });

  it.each([
    ['BTC_USDT-5m.csv', 'USDT-BTC', '5m'],
    ['SOL_USDT-1h.csv', 'USDT-SOL', '1h'],
    ['KRW-BTC-1d-2023.csv', 'KRW-BTC', '1d'],
    ['data/KRW-XRP-15m.json', 'KRW-XRP', '15m'],
    ['ETH_BTC-1h.json', 'BTC-ETH', '1h'],
    ['upbit_1m_20200220_170000-20200220_202000.json', undefined, '1m'],
  ])('%s -> market %s, interval %s', (file, market, interval) => {
    expect(inferFromFileName(file)).toEqual({ ...(market ? { market } : {}), interval });
  });
});
