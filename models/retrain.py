#!/usr/bin/env python3
"""Nightly retrain (issue 9): LightGBM and a small LSTM on the runtime's exported features, scored
walk-forward and on the latest hold-out window against the current model and a naive baseline,
exported to ONNX with the scaling inside the graph and the metadata contract (onnx_contract.py).

`kubetrade retrain` (bot-runtime/src/retrain/) runs the export, calls this script, and decides the
promotion from metrics.json (the rule lives in TypeScript, next to the registry). This script
never promotes anything; it only measures.

Label: the export's last column (bot-runtime/src/cli/export-features.ts LABEL_NAME/labelOf — the
one place it is defined); its horizon (LABEL_HORIZON candles) is the purge gap of every split.

Usage: python3 models/retrain.py --features F.csv --out DIR --version V
         [--current-lgbm X.onnx] [--current-lstm Y.onnx] [--holdout-days 14] [--degrade]
Writes DIR/{lgbm,lstm}/{model.onnx, metrics.json, parity.json, MODEL_CARD.md}.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import lstm_model  # noqa: E402
import onnx_contract  # noqa: E402
import retrain_card  # noqa: E402
from train_baseline import FIVE_MIN_MS, auc, calibration, export_onnx, load, log_loss, make_pipeline  # noqa: E402

DAY_MS = 24 * 3600 * 1000
PARITY_ROWS = 20


def split_holdout(open_time, holdout_days: int, horizon: int):
    """The latest `holdout_days` are the hold-out window; development rows end one label horizon
    before it (purge), so no development label peeks into the window."""
    hold_start = int(open_time.max()) - holdout_days * DAY_MS
    dev = open_time < hold_start - horizon * FIVE_MIN_MS
    hold = open_time >= hold_start
    return dev, hold


def walk_forward_folds(open_time, folds: int, horizon: int):
    """Expanding-window folds over folds + 1 equal time blocks with a purge of one label horizon
    (same rule as train_baseline.walk_forward_splits, fold count as a parameter)."""
    times = np.unique(open_time)
    edges = [times[int(len(times) * k / (folds + 1))] for k in range(folds + 1)] + [times[-1] + 1]
    for k in range(1, folds + 1):
        train = open_time < edges[k] - horizon * FIVE_MIN_MS
        test = (open_time >= edges[k]) & (open_time < edges[k + 1])
        yield k, train, test, int(edges[k]), int(min(edges[k + 1], times[-1]))


def scores(y, p, base_rate: float) -> dict:
    naive = np.full(len(y), base_rate)
    return dict(rows=int(len(y)), auc=auc(y, p), log_loss=log_loss(y, p), naive_log_loss=log_loss(y, naive),
                brier=float(np.mean((p - y) ** 2)), naive_brier=float(np.mean((naive - y) ** 2)),
                naive_auc=0.5, base_rate=float(y.mean()))


def onnx_predict(path: Path, x: np.ndarray) -> np.ndarray:
    import onnxruntime as ort

    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    out = []
    for s in range(0, len(x), 4096):
        out.append(sess.run(["probabilities"], {"features": x[s: s + 4096]})[0][:, 1])
    return np.concatenate(out) if out else np.zeros(0, np.float32)


class Lgbm:
    kind = "lgbm"

    def inputs(self, markets, open_time, X):
        return np.arange(len(X)), X

    def fit(self, x, y):
        return make_pipeline().fit(x, y)

    def predict(self, model, x):
        return model.predict_proba(x)[:, 1].astype(np.float32)

    def export(self, model, n_features, path: Path):
        export_onnx(model, n_features, path)


class Lstm:
    kind = "lstm"

    def inputs(self, markets, open_time, X):
        return lstm_model.sequences(markets, open_time, X)

    def fit(self, x, y):
        return lstm_model.train(x, y)

    def predict(self, model, x):
        return lstm_model.predict(model, x)

    def export(self, model, n_features, path: Path):
        import onnx

        onnx.save(lstm_model.to_onnx(model, n_features), path)


def installed_bytes() -> int:
    """Size of the trainer's Python environment (the venv or image prefix): the model card says what
    a nightly retrain costs to ship (docs/decisions/0003-ml-stack.md)."""
    total = 0
    for p in Path(sys.prefix).rglob("*"):
        try:
            if p.is_file() and not p.is_symlink():
                total += p.stat().st_size
        except OSError:
            pass
    return total


def run_one(trainer, data, args, names, label, current: Path | None, out: Path, env_bytes: int) -> dict:
    import onnx

    markets, open_time, X, y = data
    t0 = time.time()
    idx, inputs = trainer.inputs(markets, open_time, X)
    t_rows, yy = open_time[idx], y[idx].copy()
    dev, hold = split_holdout(t_rows, args.holdout_days, args.horizon)
    y_train = yy.copy()
    if args.degrade:
        # A deliberately worse candidate (tests and promotion drills): labels shuffled in training.
        y_train = np.random.default_rng(1).permutation(y_train)
    folds = []
    for k, tr, te, t_from, t_to in walk_forward_folds(t_rows[dev], args.folds, args.horizon):
        xi, yi = inputs[dev], y_train[dev]
        m = trainer.fit(xi[tr], yi[tr])
        p = trainer.predict(m, xi[te])
        folds.append(dict(fold=k, test_from=t_from, test_to=t_to, train_rows=int(tr.sum()),
                          **scores(yy[dev][te], p, float(yi[tr].mean()))))
        print(f"[{trainer.kind}] fold {k}: auc {folds[-1]['auc']:.4f} logloss {folds[-1]['log_loss']:.4f} "
              f"(naive {folds[-1]['naive_log_loss']:.4f})", flush=True)
    model = trainer.fit(inputs[dev], y_train[dev])
    t_train = time.time() - t0
    p_hold = trainer.predict(model, inputs[hold])
    y_hold = yy[hold]
    base = float(y_train[dev].mean())
    holdout = dict(**{"from": int(t_rows[hold].min()), "to": int(t_rows[hold].max())},
                   **scores(y_hold, p_hold, base), calibration=calibration(p_hold, y_hold))
    out.mkdir(parents=True, exist_ok=True)
    onnx_path = out / "model.onnx"
    trainer.export(model, X.shape[1], onnx_path)
    proto = onnx.load(onnx_path)
    onnx_contract.stamp(proto, names, args.version, "classifier", args.trained_at)
    onnx.save(proto, onnx_path)
    t_infer = time.time()
    onnx_hold = onnx_predict(onnx_path, inputs[hold])
    infer_us = (time.time() - t_infer) / max(1, len(y_hold)) * 1e6
    current_holdout = None
    if current is not None and current.exists():
        try:
            current_holdout = scores(y_hold, onnx_predict(current, inputs[hold]), base)
        except Exception as e:  # a current model of another shape cannot be scored on these rows
            current_holdout = dict(error=str(e).splitlines()[0][:300])
    pick = np.linspace(0, len(idx) - 1, min(PARITY_ROWS, len(idx))).astype(np.int64)
    parity = dict(model=f"{trainer.kind}/model.onnx", input_shape=list(inputs.shape[1:]), tolerance=1e-5,
                  rows=inputs[pick].reshape(len(pick), -1).astype(float).tolist(),
                  python=trainer.predict(model, inputs[pick]).astype(float).tolist(),
                  onnxruntime_python=onnx_predict(onnx_path, inputs[pick]).astype(float).tolist())
    (out / "parity.json").write_text(json.dumps(parity) + "\n")
    metrics = dict(
        kind=trainer.kind, version=args.version, trained_at=args.trained_at, features=names, label=label,
        horizon_candles=args.horizon, input_shape=list(inputs.shape[1:]), degraded=bool(args.degrade),
        data_from=int(t_rows.min()), data_to=int(t_rows.max()), rows=int(len(idx)), train_rows=int(dev.sum()),
        walk_forward=folds, holdout=holdout, current_holdout=current_holdout,
        score=dict(metric="holdout_auc", value=holdout["auc"]),
        python_vs_onnx_max_abs_diff=float(np.max(np.abs(onnx_hold - p_hold))) if len(p_hold) else 0.0,
        onnx_bytes=onnx_path.stat().st_size, onnx_python_us_per_row=round(infer_us, 2),
        seconds=dict(train_and_score=round(t_train, 1)),
        trainer_installed_bytes=env_bytes,
        versions={m: __import__(m).__version__ for m in ["numpy", "lightgbm", "jax", "optax", "onnx", "onnxruntime"]},
    )
    (out / "metrics.json").write_text(json.dumps(metrics, indent=1) + "\n")
    (out / "MODEL_CARD.md").write_text(retrain_card.render(metrics))
    print(f"[{trainer.kind}] holdout auc {holdout['auc']:.4f} logloss {holdout['log_loss']:.4f} "
          f"(naive {holdout['naive_log_loss']:.4f}) in {t_train:.1f}s", flush=True)
    return metrics


def main(argv=None) -> int:
    import datetime as dt

    ap = argparse.ArgumentParser()
    ap.add_argument("--features", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--version", required=True)
    ap.add_argument("--trained-at", default=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    ap.add_argument("--horizon", type=int, default=12, help="LABEL_HORIZON of export-features.ts (purge gap)")
    ap.add_argument("--holdout-days", type=int, default=14)
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--current-lgbm", type=Path)
    ap.add_argument("--current-lstm", type=Path)
    ap.add_argument("--models", default="lgbm,lstm")
    ap.add_argument("--degrade", action="store_true")
    args = ap.parse_args(argv)
    markets, open_time, X, y, names, label = load(args.features)
    print(f"{len(y)} rows, {len(names)} features, label {label}", flush=True)
    data = (markets, open_time, X, y)
    summary = {}
    env_bytes = installed_bytes()
    for kind in args.models.split(","):
        trainer = {"lgbm": Lgbm, "lstm": Lstm}[kind]()
        current = args.current_lgbm if kind == "lgbm" else args.current_lstm
        summary[kind] = run_one(trainer, data, args, names, label, current, args.out / kind, env_bytes)["holdout"]["auc"]
    (args.out / "summary.json").write_text(json.dumps(summary) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
