"""The environment's input: the runtime's exported feature rows joined with the candle prices the
paper broker fills at. Features come ONLY from `kubetrade export-features` (the runtime's own code,
bot-runtime/src/engines/features.ts); prices come from the same candle files the export replayed.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .rules import NODE, REPO

FIVE_MIN_MS = 5 * 60 * 1000
DATA_DIR = REPO.parent / "shared" / "data" / "binance"


@dataclass(frozen=True)
class Tape:
    """One market's decision rows, in time order. Row t is decided at the close of 5m candle t."""

    market: str
    open_time: np.ndarray  # int64 ms, candle open time of row t
    features: np.ndarray  # float32 [T, F], exactly the exported row t
    open: np.ndarray  # float64, open of candle t (the paper broker's reference price at decision t)
    close: np.ndarray  # float64, close of candle t (equity is marked here)
    next_open: np.ndarray  # float64, open of candle t+1 (an order decided at t fills here)
    next_close: np.ndarray  # float64, close of candle t+1
    # True when row t+1 is the next 5m candle (no gap); an episode never steps across a gap.
    contiguous: np.ndarray

    def __len__(self) -> int:
        return len(self.open_time)

    def window(self, start_ms: int | None, end_ms: int | None) -> Tape:
        lo = 0 if start_ms is None else int(np.searchsorted(self.open_time, start_ms, "left"))
        hi = len(self) if end_ms is None else int(np.searchsorted(self.open_time, end_ms, "left"))
        cut = slice(lo, hi)
        contiguous = self.contiguous[cut].copy()
        if len(contiguous):
            contiguous[-1] = False  # the window ends here: no step into the next window's rows
        return Tape(self.market, self.open_time[cut], self.features[cut], self.open[cut], self.close[cut], self.next_open[cut], self.next_close[cut], contiguous)


def run_export(out_csv: Path, data_dir: Path = DATA_DIR, date_from: str | None = None, date_to: str | None = None) -> None:
    """`kubetrade export-features` -- the runtime's command, never a Python re-implementation."""
    out_csv.parent.mkdir(parents=True, exist_ok=True)
    cmd = [str(NODE), str(REPO / "bot-runtime/src/cli/main.ts"), "export-features", "--data", str(data_dir), "--out", str(out_csv)]
    if date_from:
        cmd += ["--from", date_from]
    if date_to:
        cmd += ["--to", date_to]
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=REPO)


def read_features(csv: Path) -> tuple[list[str], dict[str, tuple[np.ndarray, np.ndarray]]]:
    """(feature names, market -> (open_time, features)) from an export; the label column is unused
    here (the RL reward is the equity change, not the ML label)."""
    with csv.open() as f:
        header = f.readline().strip().split(",")
    names = header[2:-1]
    markets = np.loadtxt(csv, delimiter=",", skiprows=1, usecols=0, dtype=str, ndmin=1)
    num = np.loadtxt(csv, delimiter=",", skiprows=1, usecols=range(1, len(header) - 1), dtype=np.float64, ndmin=2)
    out = {}
    for m in sorted(set(markets.tolist())):
        sel = markets == m
        t = num[sel, 0].astype(np.int64)
        order = np.argsort(t, kind="stable")
        out[m] = (t[order], num[sel, 1:][order].astype(np.float32))
    return names, out


def candle_file(data_dir: Path, market: str) -> Path:
    """USDT-BTC -> BTC_USDT-5m.csv (the replay source's file naming, ccxt layout)."""
    quote, base = market.split("-", 1)
    return data_dir / f"{base}_{quote}-5m.csv"


def read_candles(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    a = np.loadtxt(path, delimiter=",", skiprows=1, usecols=(0, 1, 4), dtype=np.float64, ndmin=2)
    return a[:, 0].astype(np.int64), a[:, 1], a[:, 2]


def make_tape(market: str, open_time: np.ndarray, features: np.ndarray, candles: tuple[np.ndarray, np.ndarray, np.ndarray]) -> Tape:
    c_time, c_open, c_close = candles
    idx = np.searchsorted(c_time, open_time)
    if np.any(idx >= len(c_time)) or np.any(c_time[np.minimum(idx, len(c_time) - 1)] != open_time):
        raise ValueError(f"{market}: feature rows without a 5m candle at the same open time")
    nxt = idx + 1
    has_next = nxt < len(c_time)
    nxt_c = np.minimum(nxt, len(c_time) - 1)
    has_next &= c_time[nxt_c] == open_time + FIVE_MIN_MS
    keep = has_next  # a row with no next candle cannot be traded (nothing to fill at)
    contiguous = np.zeros(len(open_time), dtype=bool)
    contiguous[:-1] = np.diff(open_time) == FIVE_MIN_MS
    t = Tape(market, open_time, features, c_open[idx], c_close[idx], c_open[nxt_c], c_close[nxt_c], contiguous & np.roll(keep, -1))
    if keep.all():
        return t
    kept = np.flatnonzero(keep)
    contiguous = t.contiguous[kept] & np.append(np.diff(kept) == 1, False)
    return Tape(market, t.open_time[kept], t.features[kept], t.open[kept], t.close[kept], t.next_open[kept], t.next_close[kept], contiguous)


def load_tapes(features_csv: Path, data_dir: Path = DATA_DIR) -> tuple[list[str], list[Tape]]:
    names, rows = read_features(features_csv)
    tapes = [make_tape(m, t, x, read_candles(candle_file(data_dir, m))) for m, (t, x) in rows.items()]
    return names, tapes
