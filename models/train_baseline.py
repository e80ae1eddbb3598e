#!/usr/bin/env python3
"""Train the baseline ML model of the kubetrade ML layer (issue 5, item 3).

Features and label come from the runtime's own export (bot-runtime/src/cli/export-features.ts:
FEATURE_NAMES and LABEL) -- never re-implemented here. This script:
  1. runs the export on ../shared/data/binance (unless --features names an existing CSV),
  2. scores LightGBM walk-forward (expanding window, purged gap, no leakage) against a naive
     constant baseline,
  3. trains the shipped model on all rows and exports it to ONNX WITH the feature scaling inside
     the graph (StandardScaler -> LGBMClassifier, via skl2onnx + onnxmltools),
  4. writes models/baseline/{lgbm-krw.onnx, metrics.json, parity.json, MODEL_CARD.md} (the card is
     rendered from metrics.json by model_card.py).

Usage (from the repo root):  python3 models/train_baseline.py [--features models/build/features.csv]
One core, well under 3 minutes on the full export (see MODEL_CARD.md for the measured time).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
OUT_DIR = REPO / "models" / "baseline"
BUILD_DIR = REPO / "models" / "build"
DATA_DIR = REPO.parent / "shared" / "data" / "binance"
FIVE_MIN_MS = 5 * 60 * 1000

# Hyper-parameters: small on purpose (model file < 1 MB, training in seconds on one core).
PARAMS = dict(
    n_estimators=150,
    learning_rate=0.05,
    num_leaves=15,
    min_child_samples=400,
    subsample=0.8,
    subsample_freq=1,
    colsample_bytree=0.8,
    reg_lambda=1.0,
    random_state=7,
    n_jobs=1,
    deterministic=True,
    force_row_wise=True,
    verbose=-1,
)
FOLDS = 4  # walk-forward test folds; the data is cut into FOLDS + 1 time blocks
PARITY_ROWS = 200
# Rows from this date on are never trained on: an untouched holdout for the final score, and a period
# in which `kubetrade backtest` compares the arms out of sample (the SPEC's example month
# 2024-11-06..12-06 is not in the data; 2025-11-06..12-06 is, and lies in the holdout).
TRAIN_UNTIL = "2025-11-01"


def run_export(out_csv: Path) -> None:
    node = REPO / "node_modules" / ".bin" / "node"
    # The runtime's own command (`kubetrade export-features`), never a Python re-implementation.
    cmd = [str(node), str(REPO / "bot-runtime/src/cli/main.ts"), "export-features", "--data", str(DATA_DIR), "--out", str(out_csv)]
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=REPO)


def load(csv: Path):
    with csv.open() as f:
        header = f.readline().strip().split(",")
    feature_names = header[2:-1]
    label_name = header[-1]
    markets = np.loadtxt(csv, delimiter=",", skiprows=1, usecols=0, dtype=str)
    num = np.loadtxt(csv, delimiter=",", skiprows=1, usecols=range(1, len(header)), dtype=np.float64)
    open_time = num[:, 0].astype(np.int64)
    X = num[:, 1:-1].astype(np.float32)  # the runtime's features are float32
    y = num[:, -1].astype(np.int64)
    order = np.argsort(open_time, kind="stable")
    return markets[order], open_time[order], X[order], y[order], feature_names, label_name


def make_pipeline():
    from lightgbm import LGBMClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    return Pipeline([("scale", StandardScaler()), ("lgbm", LGBMClassifier(**PARAMS))])


def auc(y, p) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, p))


def log_loss(y, p) -> float:
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def walk_forward_splits(open_time, horizon_candles: int):
    """Expanding-window folds over FOLDS + 1 equal time blocks: fold k trains on rows before block k
    and tests on block k. Training rows whose label window (the close `horizon` candles ahead)
    reaches into the test block are purged, so no test information leaks into training."""
    times = np.unique(open_time)
    edges = [times[int(len(times) * k / (FOLDS + 1))] for k in range(FOLDS + 1)] + [times[-1] + 1]
    purge = horizon_candles * FIVE_MIN_MS
    for k in range(1, FOLDS + 1):
        test_start, test_end = edges[k], edges[k + 1]
        train = open_time < test_start - purge
        test = (open_time >= test_start) & (open_time < test_end)
        yield k, train, test, int(test_start), int(min(test_end, times[-1]))


def walk_forward(open_time, X, y, horizon_candles: int):
    folds, oof_p, oof_y = [], [], []
    for k, train, test, test_start, test_to in walk_forward_splits(open_time, horizon_candles):
        model = make_pipeline().fit(X[train], y[train])
        p = model.predict_proba(X[test])[:, 1]
        base = float(y[train].mean())
        naive = np.full(test.sum(), base)
        yt = y[test]
        buy = p >= 0.55
        folds.append(
            dict(
                fold=k,
                train_rows=int(train.sum()),
                test_rows=int(test.sum()),
                test_from=test_start,
                test_to=test_to,
                auc=auc(yt, p),
                log_loss=log_loss(yt, p),
                naive_log_loss=log_loss(yt, naive),
                brier=float(np.mean((p - yt) ** 2)),
                naive_brier=float(np.mean((naive - yt) ** 2)),
                base_rate_test=float(yt.mean()),
                buy_signals=int(buy.sum()),
                buy_precision=float(yt[buy].mean()) if buy.any() else None,
            )
        )
        oof_p.append(p)
        oof_y.append(yt)
        print(f"fold {k}: auc {folds[-1]['auc']:.4f} logloss {folds[-1]['log_loss']:.4f} "
              f"(naive {folds[-1]['naive_log_loss']:.4f})", flush=True)
    return folds, np.concatenate(oof_p), np.concatenate(oof_y)


def calibration(p, y, bins: int = 10):
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.digitize(p, edges) - 1, 0, bins - 1)
    out = []
    for b in range(bins):
        m = idx == b
        if m.sum() >= 50:
            out.append(dict(bin=f"{edges[b]:.1f}-{edges[b + 1]:.1f}", rows=int(m.sum()),
                            mean_predicted=float(p[m].mean()), observed=float(y[m].mean())))
    return out


def export_onnx(model, n_features: int, path: Path) -> None:
    from lightgbm import LGBMClassifier
    from onnxmltools.convert.lightgbm.operator_converters.LightGbm import convert_lightgbm
    from skl2onnx import convert_sklearn, update_registered_converter
    from skl2onnx.common.data_types import FloatTensorType
    from skl2onnx.common.shape_calculator import calculate_linear_classifier_output_shapes

    update_registered_converter(
        LGBMClassifier, "LightGbmLGBMClassifier", calculate_linear_classifier_output_shapes, convert_lightgbm,
        options={"nocl": [True, False], "zipmap": [True, False, "columns"]},
    )
    onx = convert_sklearn(
        model,
        "kubetrade_lgbm_krw",
        [("features", FloatTensorType([None, n_features]))],
        # opset 17 / ai.onnx.ml 3: supported by onnxruntime(-node) 1.30.
        target_opset={"": 17, "ai.onnx.ml": 3},
        options={id(model): {"zipmap": False}},
    )
    path.write_bytes(onx.SerializeToString())


def stamp_contract(path: Path, names: list[str], version: str, trained_at: str) -> None:
    """The runtime refuses an ML model without the metadata contract (onnx_contract.py)."""
    import onnx

    import onnx_contract

    proto = onnx.load(path)
    onnx_contract.stamp(proto, names, version, "classifier", trained_at)
    onnx.save(proto, path)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--features", type=Path, default=BUILD_DIR / "features.csv")
    ap.add_argument("--horizon", type=int, default=12, help="LABEL_HORIZON of export-features.ts (purge gap)")
    ap.add_argument("--train-until", default=TRAIN_UNTIL,
                    help="UTC date: the model never sees rows from this date on (the holdout, for honest backtests)")
    args = ap.parse_args()
    t0 = time.time()
    if not args.features.exists():
        args.features.parent.mkdir(parents=True, exist_ok=True)
        run_export(args.features)
    t_export = time.time() - t0
    markets, open_time, X, y, names, label = load(args.features)
    print(f"{len(y)} rows, {len(names)} features, label {label}, base rate {y.mean():.4f}", flush=True)

    import datetime as dt

    cutoff = int(dt.datetime.fromisoformat(args.train_until).replace(tzinfo=dt.timezone.utc).timestamp() * 1000)
    purge = args.horizon * FIVE_MIN_MS
    dev = open_time < cutoff - purge  # labels of development rows end before the holdout starts
    hold = open_time >= cutoff
    t1 = time.time()
    folds, oof_p, oof_y = walk_forward(open_time[dev], X[dev], y[dev], args.horizon)
    model = make_pipeline().fit(X[dev], y[dev])
    t_train = time.time() - t1
    p_hold = model.predict_proba(X[hold])[:, 1]
    y_hold = y[hold]
    naive_hold = np.full(len(y_hold), float(y[dev].mean()))
    holdout = dict(
        **{"from": int(open_time[hold].min())}, to=int(open_time[hold].max()), rows=int(hold.sum()),
        auc=auc(y_hold, p_hold), log_loss=log_loss(y_hold, p_hold), naive_log_loss=log_loss(y_hold, naive_hold),
        brier=float(np.mean((p_hold - y_hold) ** 2)), naive_brier=float(np.mean((naive_hold - y_hold) ** 2)),
        base_rate=float(y_hold.mean()),
        **{f"p_ge_{t}": dict(rows=int((p_hold >= t).sum()),
                             precision=float(y_hold[p_hold >= t].mean()) if (p_hold >= t).any() else None)
           for t in (0.55, 0.6)},
        calibration=calibration(p_hold, y_hold),
    )
    print(f"holdout from {args.train_until}: auc {holdout['auc']:.4f} logloss {holdout['log_loss']:.4f} "
          f"(naive {holdout['naive_log_loss']:.4f})", flush=True)

    import onnxruntime as ort

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    onnx_path = OUT_DIR / "lgbm-krw.onnx"
    export_onnx(model, X.shape[1], onnx_path)
    stamp_contract(onnx_path, names, "baseline-" + dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d"),
                   dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))

    # Parity fixture: PARITY_ROWS rows spread over the whole range, with Python's predictions.
    pick = np.linspace(0, len(y) - 1, PARITY_ROWS).astype(np.int64)
    rows = X[pick]
    sess = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    onnx_p = sess.run(["probabilities"], {"features": rows})[0][:, 1]
    lgbm_p = model.predict_proba(rows)[:, 1]
    all_onnx = sess.run(["probabilities"], {"features": X})[0][:, 1]
    all_lgbm = model.predict_proba(X)[:, 1]
    diff = np.abs(all_onnx - all_lgbm)
    parity = dict(
        model="lgbm-krw.onnx",
        feature_names=names,
        tolerance=1e-5,
        rows=[[float(v) for v in r] for r in rows],
        markets=[str(m) for m in markets[pick]],
        open_times=[int(t) for t in open_time[pick]],
        onnxruntime_python=[float(v) for v in onnx_p],
        lightgbm_python=[float(v) for v in lgbm_p],
    )
    (OUT_DIR / "parity.json").write_text(json.dumps(parity, indent=1) + "\n")

    per_market = {m: dict(rows=int((markets == m).sum()), base_rate=float(y[markets == m].mean()))
                  for m in sorted(set(markets.tolist()))}
    dist = np.quantile(all_onnx, [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99])
    metrics = dict(
        features=names,
        label=label,
        rows=int(len(y)),
        base_rate=float(y.mean()),
        data_from=int(open_time.min()),
        data_to=int(open_time.max()),
        per_market=per_market,
        params={k: v for k, v in PARAMS.items()},
        train_until=args.train_until,
        train_rows=int(dev.sum()),
        walk_forward=folds,
        holdout=holdout,
        walk_forward_mean=dict(
            auc=float(np.mean([f["auc"] for f in folds])),
            log_loss=float(np.mean([f["log_loss"] for f in folds])),
            naive_log_loss=float(np.mean([f["naive_log_loss"] for f in folds])),
            brier=float(np.mean([f["brier"] for f in folds])),
            naive_brier=float(np.mean([f["naive_brier"] for f in folds])),
        ),
        calibration_out_of_fold=calibration(oof_p, oof_y),
        prediction_quantiles_in_sample=dict(zip(["p01", "p05", "p25", "p50", "p75", "p95", "p99"],
                                                [float(q) for q in dist])),
        lightgbm_vs_onnx_max_abs_diff=float(diff.max()),
        lightgbm_vs_onnx_rows_over_1e5=int((diff > 1e-5).sum()),
        onnx_bytes=onnx_path.stat().st_size,
        seconds=dict(export=round(t_export, 1), train_and_score=round(t_train, 1), total=round(time.time() - t0, 1)),
        versions=dict(python=sys.version.split()[0], **{m: __import__(m).__version__ for m in
                      ["numpy", "sklearn", "lightgbm", "onnx", "onnxmltools", "skl2onnx", "onnxruntime"]}),
    )
    (OUT_DIR / "metrics.json").write_text(json.dumps(metrics, indent=1) + "\n")
    import model_card  # renders MODEL_CARD.md from metrics.json

    model_card.main()
    print(json.dumps({k: metrics[k] for k in ["walk_forward_mean", "lightgbm_vs_onnx_max_abs_diff", "onnx_bytes", "seconds"]}, indent=1))
    print(json.dumps({k: v for k, v in holdout.items() if k != "calibration"}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
