// Agreement with TA-Lib's own C code, to 1e-9 relative after the warm-up (issue 5).
//
// Why Python: the npm `talib` package (2.0.5) ships macOS arm64 objects in its tarball, so a plain
// install fails on Linux ("archive has no index") and it only works after deleting them and a
// node-gyp rebuild against Node 24's headers. The `TA-Lib` Python wheel (0.8.2) bundles the C
// library and installs with no build, so references come from bot-runtime/test/talib/reference.py
// (pinned in bot-runtime/test/talib/requirements.txt). A missing wheel fails this test with the
// install command — never a skip.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Bollinger, bollingerBatch } from './bollinger.ts';
import { Ema, emaBatch } from './ema.ts';
import { Macd, macdBatch } from './macd.ts';
import { RateOfChange, rocBatch } from './rate-of-change.ts';
import { Rsi, rsiBatch } from './rsi.ts';
import { Sma, smaBatch } from './sma.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const SCRIPT = `${REPO}bot-runtime/test/talib/reference.py`;
const DATA = `${REPO}../shared/data`;
const TOLERANCE = 1e-9;
// hack/python-env.sh (run by hack/test.sh and CI) installs every *requirements*.txt into one venv
// and exports its interpreter as KUBETRADE_PYTHON; a plain python3 with the wheel works too.
const PYTHON = process.env.KUBETRADE_PYTHON ?? 'python3';

interface Reference {
  talib: string;
  close: number[];
  volume: number[];
  rsi14: (number | null)[];
  macd: (number | null)[];
  macdSignal: (number | null)[];
  macdHist: (number | null)[];
  bbUpper: (number | null)[];
  bbMiddle: (number | null)[];
  bbLower: (number | null)[];
  smaVolume20: (number | null)[];
  ema20: (number | null)[];
  ema50: (number | null)[];
  roc10: (number | null)[];
}

function references(cases: readonly { file: string; start: number; count: number }[]): Reference[] {
  const args = cases.flatMap((c) => [`${DATA}/${c.file}`, String(c.start), String(c.count)]);
  try {
    const out = execFileSync(PYTHON, [SCRIPT, ...args], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      timeout: 120_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return JSON.parse(out) as Reference[];
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '');
    throw new Error(
      `TA-Lib reference values could not be generated (${stderr.trim() || (error as Error).message}). ` +
        `Install the pinned wheel: pip install -r bot-runtime/test/talib/requirements.txt (for ${PYTHON}), ` +
        'or eval "$(hack/python-env.sh)" to use the project venv',
    );
  }
}

/** Largest relative difference where TA-Lib has a value; warm-up (null) must be NaN on our side. */
function maxRelativeError(ours: ArrayLike<number>, theirs: readonly (number | null)[]): number {
  expect(ours.length).toBe(theirs.length);
  let worst = 0;
  let compared = 0;
  for (let i = 0; i < theirs.length; i++) {
    const ref = theirs[i];
    const got = ours[i]!;
    if (ref === null || ref === undefined) {
      expect(got, `index ${i} should still be warming up`).toBeNaN();
      continue;
    }
    compared++;
    const diff = Math.abs(got - ref);
    const err = diff === 0 ? 0 : diff / Math.max(Math.abs(ref), Number.MIN_VALUE);
    if (!(err <= worst)) worst = err;
  }
  expect(compared).toBeGreaterThan(theirs.length / 2);
  return worst;
}

function streamed(update: (x: number) => number, values: readonly number[]): Float64Array {
  return Float64Array.from(values, update);
}

// A few thousand candles of each market, from the middle of the Binance 5m files and from the 1h
// files, plus Upbit's KRW day candles (KRW price levels: BTC ~2-6e7, XRP ~500).
const CASES = ['BTC', 'ETH', 'XRP', 'SOL'].flatMap((base) => [
  { file: `binance/${base}_USDT-5m.csv`, start: 40_000, count: 5_000 },
  { file: `binance/${base}_USDT-1h.csv`, start: 2_000, count: 3_000 },
  { file: `upbit/days/KRW-${base}-1d-2023.csv`, start: 0, count: 392 },
]);

// One Python process for every case (importing numpy and talib dominates a run).
const REFERENCES = references(CASES);

describe.each(CASES.map((c, i) => ({ ...c, i })))(
  'TA-Lib agreement on $file rows $start..+$count',
  ({ i }) => {
    const ref = REFERENCES[i]!;
    const close = Float64Array.from(ref.close);
    const volume = Float64Array.from(ref.volume);

    it('RSI(14), Wilder', () => {
      expect(maxRelativeError(rsiBatch(close, 14), ref.rsi14)).toBeLessThanOrEqual(TOLERANCE);
      const rsi = new Rsi(14);
      expect(
        maxRelativeError(
          streamed((x) => rsi.update(x), ref.close),
          ref.rsi14,
        ),
      ).toBeLessThanOrEqual(TOLERANCE);
    });

    it('MACD(12, 26, 9)', () => {
      const batch = macdBatch(close, 12, 26, 9);
      expect(maxRelativeError(batch.macd, ref.macd)).toBeLessThanOrEqual(TOLERANCE);
      expect(maxRelativeError(batch.signal, ref.macdSignal)).toBeLessThanOrEqual(TOLERANCE);
      expect(maxRelativeError(batch.hist, ref.macdHist)).toBeLessThanOrEqual(TOLERANCE);
      const macd = new Macd(12, 26, 9);
      const values = ref.close.map((x) => macd.update(x));
      expect(
        maxRelativeError(
          Float64Array.from(values, (v) => v.macd),
          ref.macd,
        ),
      ).toBeLessThanOrEqual(TOLERANCE);
      expect(
        maxRelativeError(
          Float64Array.from(values, (v) => v.signal),
          ref.macdSignal,
        ),
      ).toBeLessThanOrEqual(TOLERANCE);
      expect(
        maxRelativeError(
          Float64Array.from(values, (v) => v.hist),
          ref.macdHist,
        ),
      ).toBeLessThanOrEqual(TOLERANCE);
    });

    it('Bollinger(20, 2), population standard deviation', () => {
      const batch = bollingerBatch(close, 20, 2);
      expect(maxRelativeError(batch.upper, ref.bbUpper)).toBeLessThanOrEqual(TOLERANCE);
      expect(maxRelativeError(batch.middle, ref.bbMiddle)).toBeLessThanOrEqual(TOLERANCE);
      expect(maxRelativeError(batch.lower, ref.bbLower)).toBeLessThanOrEqual(TOLERANCE);
      const bands = new Bollinger(20, 2);
      const values = ref.close.map((x) => bands.update(x));
      expect(
        maxRelativeError(
          Float64Array.from(values, (v) => v.upper),
          ref.bbUpper,
        ),
      ).toBeLessThanOrEqual(TOLERANCE);
      expect(
        maxRelativeError(
          Float64Array.from(values, (v) => v.lower),
          ref.bbLower,
        ),
      ).toBeLessThanOrEqual(TOLERANCE);
    });

    it('SMA(volume, 20), the volume ratio denominator', () => {
      expect(maxRelativeError(smaBatch(volume, 20), ref.smaVolume20)).toBeLessThanOrEqual(TOLERANCE);
      const sma = new Sma(20);
      expect(
        maxRelativeError(
          streamed((x) => sma.update(x), ref.volume),
          ref.smaVolume20,
        ),
      ).toBeLessThanOrEqual(TOLERANCE);
    });

    it('EMA(20), EMA(50) and ROC(10)', () => {
      expect(maxRelativeError(emaBatch(close, 20), ref.ema20)).toBeLessThanOrEqual(TOLERANCE);
      expect(maxRelativeError(emaBatch(close, 50), ref.ema50)).toBeLessThanOrEqual(TOLERANCE);
      const ema = new Ema(50);
      expect(
        maxRelativeError(
          streamed((x) => ema.update(x), ref.close),
          ref.ema50,
        ),
      ).toBeLessThanOrEqual(TOLERANCE);
      expect(maxRelativeError(rocBatch(close, 10), ref.roc10)).toBeLessThanOrEqual(TOLERANCE);
      const roc = new RateOfChange(10);
      expect(
        maxRelativeError(
          streamed((x) => roc.update(x), ref.close),
          ref.roc10,
        ),
      ).toBeLessThanOrEqual(TOLERANCE);
    });
  },
);
