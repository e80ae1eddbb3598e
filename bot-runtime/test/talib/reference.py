"""TA-Lib reference values for bot-runtime's indicators (see src/indicators/talib.test.ts).

Usage: python3 reference.py CANDLES.csv START COUNT [CANDLES.csv START COUNT ...]
Reads ccxt-layout CSVs (timestamp,open,high,low,close,volume) or Upbit-layout CSVs (trade_price,
candle_acc_trade_volume), takes rows [START, START+COUNT) of each and prints a JSON array with one
object per file: the inputs and TA-Lib's outputs. NaN (warm-up) is written as null. One process for
all files: importing numpy and talib is most of the cost.
"""

import json
import sys

try:
    import numpy as np
    import talib
except ImportError as error:  # the Vitest test turns this exit code into an actionable message
    sys.stderr.write(f"missing Python dependency ({error}); run: pip install -r bot-runtime/test/talib/requirements.txt\n")
    sys.exit(3)


def read_rows(path, start, count):
    close, volume = [], []
    with open(path, encoding="utf-8") as f:
        header = f.readline().strip().split(",")
        upbit = "trade_price" in header
        ci = header.index("trade_price" if upbit else "close")
        vi = header.index("candle_acc_trade_volume" if upbit else "volume")
        for i, line in enumerate(f):
            if i < start:
                continue
            if i >= start + count:
                break
            cells = line.strip().split(",")
            close.append(float(cells[ci]))
            volume.append(float(cells[vi]))
    return np.array(close, dtype=np.float64), np.array(volume, dtype=np.float64)


def plain(values):
    return [None if np.isnan(v) else float(v) for v in values]


def reference(path, start, count):
    close, volume = read_rows(path, start, count)
    macd, signal, hist = talib.MACD(close, fastperiod=12, slowperiod=26, signalperiod=9)
    upper, middle, lower = talib.BBANDS(close, timeperiod=20, nbdevup=2, nbdevdn=2, matype=talib.MA_Type.SMA)
    return {
        "talib": talib.__version__,
        "close": plain(close),
        "volume": plain(volume),
        "rsi14": plain(talib.RSI(close, timeperiod=14)),
        "macd": plain(macd),
        "macdSignal": plain(signal),
        "macdHist": plain(hist),
        "bbUpper": plain(upper),
        "bbMiddle": plain(middle),
        "bbLower": plain(lower),
        "smaVolume20": plain(talib.SMA(volume, timeperiod=20)),
        "ema20": plain(talib.EMA(close, timeperiod=20)),
        "ema50": plain(talib.EMA(close, timeperiod=50)),
        "roc10": plain(talib.ROC(close, timeperiod=10)),
    }


def main():
    args = sys.argv[1:]
    if not args or len(args) % 3 != 0:
        sys.stderr.write("usage: reference.py CANDLES.csv START COUNT [CANDLES.csv START COUNT ...]\n")
        sys.exit(2)
    triples = [args[i : i + 3] for i in range(0, len(args), 3)]
    json.dump([reference(path, int(start), int(count)) for path, start, count in triples], sys.stdout)


if __name__ == "__main__":
    main()
