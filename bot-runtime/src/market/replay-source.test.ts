import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { MarketDataError } from './data-issue.ts';
import { coverageOf, ReplaySource, spacingInterval } from './replay-source.ts';
import { TIMEFRAME_MS } from './timeframes.ts';

const DATA = fileURLToPath(new URL('../../../../shared/data/', import.meta.url));
const scratch = await mkdtemp(join(tmpdir(), 'kubetrade-replay-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('ReplaySource', () => {
  it('loads ../shared/data/binance as it is: markets and timeframes from the file names', async () => {
    const source = await ReplaySource.open(`${DATA}binance`, { markets: ['USDT-XRP'] });
    expect(source.markets).toEqual(['USDT-XRP']);
    expect(source.issues).toEqual([]);
    const data = await source.load({ from: Date.UTC(2025, 5, 1), to: Date.UTC(2025, 5, 2) });
    const xrp = data.get('USDT-XRP')!;
    expect(xrp['5m']!.length).toBe(288);
    expect(xrp['15m']!.length).toBe(96);
    expect(xrp['1h']!.length).toBe(24);
    expect(xrp['1d']!.length).toBe(1);
    expect(xrp['1h']!.openTime[0]).toBe(Date.UTC(2025, 5, 1));
    // ccxt files have no quote volume: close x volume stands in.
    expect(xrp['5m']!.quoteVolume[0]).toBe(xrp['5m']!.close[0]! * xrp['5m']!.volume[0]!);
  });

  it('loads the Upbit folder: day CSVs, and 1m/3m API pages merged and aggregated to 5m/15m', async () => {
    const source = await ReplaySource.open(`${DATA}upbit`);
    expect(source.markets).toEqual(['KRW-BTC', 'KRW-ETH', 'KRW-SOL', 'KRW-XRP']);
    const data = await source.load();
    expect(data.get('KRW-ETH')!['1d']!.length).toBe(392);
    const btc = data.get('KRW-BTC')!;
    expect(btc['5m']!.length).toBeGreaterThan(0);
    expect(btc['15m']!.length).toBeGreaterThan(0);
    for (const tf of ['5m', '15m'] as const) {
      const s = btc[tf]!;
      for (let i = 0; i < s.length; i++) expect(s.openTime[i]! % TIMEFRAME_MS[tf]).toBe(0);
    }
    // The 3m pages leave a hole between 02:57 and 08:00 UTC: reported, not filled.
    expect(source.issues.filter((i) => i.kind === 'gap')).toHaveLength(1);
    expect(source.issues[0]).toMatchObject({
      file: expect.stringContaining('upbit_3m_'),
      action: 'reported',
    });
  });

  it('names the file when it cannot tell the market, and refuses bad rows with file and row', async () => {
    const t = Date.UTC(2025, 0, 1);
    await writeFile(
      join(scratch, 'candles-5m.csv'),
      `timestamp,open,high,low,close,volume\n${t},1,2,0.5,1.5,10\n`,
    );
    await expect(ReplaySource.open(join(scratch, 'candles-5m.csv'))).rejects.toThrow(
      /candles-5m\.csv: cannot tell which market/,
    );
    const bad = join(scratch, 'KRW-BTC-5m.csv');
    await writeFile(
      bad,
      `timestamp,open,high,low,close,volume\n${t},1,2,0.5,1.5,10\n${t + 300_000},1,2,3,1.5,10\n`,
    );
    const error = await ReplaySource.open(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MarketDataError);
    expect((error as MarketDataError).message).toContain('KRW-BTC-5m.csv:3 high-below-low');
    const dropped = await ReplaySource.open(bad, { onRefused: 'drop' });
    expect((await dropped.load()).get('KRW-BTC')!['5m']!.length).toBe(1);
    expect(dropped.issues.map((i) => i.kind)).toEqual(['high-below-low']);
  });

  it('takes the interval from the spacing of an Upbit day page that states none, and reports coverage', async () => {
    const day = (d: number, price: number) => ({
      market: 'KRW-ETH',
      candle_date_time_utc: `2024-01-0${d}T00:00:00`,
      opening_price: price,
      high_price: price + 10,
      low_price: price - 10,
      trade_price: price + 5,
      candle_acc_trade_volume: 3,
      candle_acc_trade_price: 3 * price,
    });
    // Newest first, as the API answers; 2024-01-03 is missing.
    await writeFile(
      join(scratch, 'eth-days.json'),
      JSON.stringify([day(5, 300), day(4, 200), day(2, 100), day(1, 90)]),
    );
    const source = await ReplaySource.open(join(scratch, 'eth-days.json'));
    const data = await source.load();
    const days = data.get('KRW-ETH')!['1d']!;
    expect(Array.from(days.close)).toEqual([95, 105, 205, 305]);
    expect(source.issues.map((i) => `${i.row} ${i.kind}`)).toEqual(['2 gap']);
    expect(coverageOf(data)).toEqual([
      {
        market: 'KRW-ETH',
        timeframe: '1d',
        candles: 4,
        from: Date.UTC(2024, 0, 1),
        to: Date.UTC(2024, 0, 6),
        completeness: 4 / 5,
      },
    ]);
    expect(spacingInterval([0, 7 * 60_000])).toBeUndefined();
  });

  it('skips files of another layout in a data folder, and fails when nothing usable is left', async () => {
    const folder = join(scratch, 'mixed');
    await mkdir(folder);
    await writeFile(join(folder, 'notes.json'), '{"source": "somewhere"}');
    await expect(ReplaySource.open(folder)).rejects.toThrow(
      /no usable candle files\n {2}notes\.json: expected a JSON array of candles/,
    );
    const t = Date.UTC(2025, 0, 1);
    await writeFile(
      join(folder, 'ETH_USDT-1h.csv'),
      `timestamp,open,high,low,close,volume\n${t},1,2,0.5,1.5,10\n`,
    );
    const source = await ReplaySource.open(folder);
    expect(source.markets).toEqual(['USDT-ETH']);
    expect(source.skipped).toEqual([{ file: 'notes.json', reason: 'expected a JSON array of candles' }]);
  });

  it('fails clearly on a missing path', async () => {
    await expect(ReplaySource.open(join(scratch, 'nope'))).rejects.toThrow(/nope: no such file or folder/);
  });
});
