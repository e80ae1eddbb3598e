"""Train, export and evaluate the layer-3 RL policy.

    python -m models.rl.train [--features CSV] [--steps N] [--out-dir DIR] ...

1. `kubetrade export-features` on ../shared/data/binance (unless --features names an export),
2. the money rules from the resolved TradingBot spec (-f tradingbot.yaml, default: the spec defaults),
3. PPO on the train window, 4. ONNX (scaling + softmax inside, metadata contract), 5. the hold-out
window against buy-and-hold and flat under the runtime's rules, 6. metrics, parity rows and the card.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from . import card
from .data import DATA_DIR, load_tapes, run_export
from .env import TradingEnv
from .evaluate import evaluate, runtime_check
from .onnx_export import OnnxPolicy, policy_to_onnx
from .ppo import PpoConfig, train
from .rules import REPO, resolve_spec, rules_from_spec

BUILD = REPO / "models" / "rl" / "build"
# Same cut as the ML baseline (models/train_baseline.py TRAIN_UNTIL): backtests from this date on
# are out of sample for both the ML arm and the rl arm.
HOLDOUT_FROM = "2025-11-01"
# The last two months before the hold-out pick the checkpoint (every CHECKPOINT_EVERY updates): PPO's
# last iterate is not its best, and choosing on the hold-out would leak it.
VALIDATION_FROM = "2025-09-01"
CHECKPOINT_EVERY = 10
# A checkpoint that (almost) never trades is the flat baseline, not a policy: to be picked, it must
# close at least this many round trips per market and week of validation (else the best is kept
# anyway and the card says none qualified).
MIN_TRADES_PER_MARKET_WEEK = 1.0
WEEK_MS = 7 * 86_400_000
# The runtime check's window: the SPEC's example backtest month a year on (inside the hold-out),
# the month examples/rl/tradingbot.yaml's README command and the backtest tests replay.
CHECK_FROM, CHECK_TO = "2025-11-06", "2025-12-06"
PARITY_ROWS = 200
CYCLE_ROWS = 4  # one live cycle scores one row per market; SPEC trades four markets
TIMING_REPEATS = 200


def ms(date: str | None) -> int | None:
    return None if date is None else int(datetime.fromisoformat(date).replace(tzinfo=timezone.utc).timestamp() * 1000)


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m models.rl.train", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--features", type=Path, help="an existing export-features CSV (skips the export)")
    p.add_argument("--export-out", type=Path, default=BUILD / "features.csv", help="where the export is written (default models/rl/build/features.csv)")
    p.add_argument("--data", type=Path, default=DATA_DIR, help="candle folder (default ../shared/data/binance)")
    p.add_argument("--export-from", help="first date of the export (YYYY-MM-DD); default: all data")
    p.add_argument("--export-to", help="end of the export (exclusive)")
    p.add_argument("--train-from", help="first training date; default: start of the export")
    p.add_argument("--validation-from", default=VALIDATION_FROM, help=f"train before, pick the checkpoint from this date to --holdout-from (default {VALIDATION_FROM})")
    p.add_argument("--holdout-from", default=HOLDOUT_FROM, help=f"train before, evaluate from this date (default {HOLDOUT_FROM})")
    p.add_argument("--holdout-to", help="end of the hold-out window (exclusive); default: end of the export")
    p.add_argument("-f", "--file", help="TradingBot YAML whose rules the environment trades by (default: the spec defaults)")
    p.add_argument("--steps", type=int, default=PpoConfig.total_steps, help="PPO environment steps")
    p.add_argument("--episode-steps", type=int, default=PpoConfig.episode_steps)
    p.add_argument("--seed", type=int, default=PpoConfig.seed)
    p.add_argument("--entropy-coef", type=float, default=PpoConfig.entropy_coef, help="PPO entropy bonus (exploration)")
    p.add_argument("--out-dir", type=Path, default=REPO / "models" / "baseline")
    p.add_argument("--name", default="rl-policy-krw", help="file stem of the policy (default rl-policy-krw)")
    return p.parse_args(argv)


def main(argv=None) -> dict:
    args = parse_args(argv)
    started = time.perf_counter()
    spec = resolve_spec(args.file)
    rules = rules_from_spec(spec)
    print(f"[rl-train] rules from {'spec ' + args.file if args.file else 'the spec defaults'}: {rules.to_json()}", flush=True)

    features_csv = args.features
    if features_csv is None:
        features_csv = args.export_out
        run_export(features_csv, args.data, args.export_from, args.export_to)
    names, tapes = load_tapes(features_csv, args.data)
    val, cut, end = ms(args.validation_from), ms(args.holdout_from), ms(args.holdout_to)
    if not (val is not None and cut is not None and val < cut):
        raise SystemExit(f"[rl-train] error: --validation-from {args.validation_from} must be before --holdout-from {args.holdout_from}")
    nonempty = lambda ts: [t for t in ts if len(t) > 1]
    train_tapes = nonempty([t.window(ms(args.train_from), val) for t in tapes])
    val_tapes = nonempty([t.window(val, cut) for t in tapes])
    hold_tapes = nonempty([t.window(cut, end) for t in tapes])
    if not train_tapes or not val_tapes or not hold_tapes:
        raise SystemExit(f"[rl-train] error: the export {features_csv} has no rows in the train, validation or hold-out window")
    train_x = np.concatenate([t.features for t in train_tapes])
    val_n = sum(len(t) for t in val_tapes)
    hold_n = sum(len(t) for t in hold_tapes)
    print(f"[rl-train] {len(train_x):,} training rows, {val_n:,} validation rows, {hold_n:,} hold-out rows, markets {[t.market for t in tapes]}", flush=True)

    cfg = PpoConfig(total_steps=args.steps, episode_steps=args.episode_steps, seed=args.seed, entropy_coef=args.entropy_coef)
    env_rng = np.random.default_rng(cfg.seed)
    env_seeds = env_rng.integers(2**31, size=cfg.n_envs)

    def make_env(i: int) -> TradingEnv:
        env = TradingEnv(train_tapes, rules, cfg.episode_steps)
        env.reset(seed=int(env_seeds[i]))
        return env

    from .policy import probabilities as jax_probabilities

    best: dict = {"key": (False, -np.inf)}
    scores = []
    val_weeks = sum(float(t.open_time[-1] - t.open_time[0]) for t in val_tapes) / WEEK_MS
    min_trades = MIN_TRADES_PER_MARKET_WEEK * val_weeks

    def checkpoint(update: int, params, mean, std) -> None:
        probs = lambda x: np.asarray(jax_probabilities(params, mean, std, x))
        mean_ = evaluate(val_tapes, rules, probs)["mean"]
        score, trades = mean_["policy_return_pct"], mean_["policy_trades"]
        key = (trades >= min_trades, score)  # trading checkpoints first, then by validation return
        scores.append({"update": update, "validation_return_pct": score, "validation_trades": trades})
        if key > best["key"]:
            best.update(key=key, score=score, trades=trades, update=update, params=params, mean=mean, std=std)
        print(f"[rl-train] checkpoint {update}: validation return {score:+.2f} % in {trades} trades (picked: update {best['update']})", flush=True)

    _, _, _, stats = train(make_env, train_x, cfg, lambda line: print(line, flush=True), checkpoint, CHECKPOINT_EVERY)
    params, mean, std = best["params"], best["mean"], best["std"]
    stats["checkpoint"] = {
        "update": best["update"],
        "validation_return_pct": best["score"],
        "validation_trades": best["trades"],
        "min_trades": min_trades,
        "qualified": bool(best["key"][0]),
        "every": CHECKPOINT_EVERY,
        "scores": scores,
    }

    digest = hashlib.sha256(b"".join(np.asarray(a, np.float32).tobytes() for a in _leaves(params)) + mean.tobytes() + std.tobytes()).hexdigest()[:12]
    trained_at = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    version = f"{args.name}-ppo-{digest}"
    model = policy_to_onnx(params, mean, std, names, version, trained_at)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    onnx_path = args.out_dir / f"{args.name}.onnx"
    onnx_path.write_bytes(model.SerializeToString())
    served = OnnxPolicy(onnx_path)

    # Parity rows: spread over the hold-out of every market.
    rng = np.random.default_rng(cfg.seed)
    hold_x = np.concatenate([t.features for t in hold_tapes])
    pick = np.sort(rng.choice(len(hold_x), size=min(PARITY_ROWS, len(hold_x)), replace=False))
    rows = hold_x[pick]
    onnx_p = served.probabilities(rows)
    jax_p = np.asarray(jax_probabilities(params, mean, std, rows))
    parity_diff = float(np.max(np.abs(jax_p - onnx_p)))

    holdout = evaluate(hold_tapes, rules, served.probabilities)
    check_tape = tapes[0].window(ms(CHECK_FROM), ms(CHECK_TO))
    check = runtime_check(check_tape, rules_from_spec(resolve_spec()), served.probabilities) if len(check_tape) > 1 else None
    timing = []
    cycle = hold_x[:CYCLE_ROWS]
    for _ in range(TIMING_REPEATS):
        t0 = time.perf_counter()
        served.probabilities(cycle)
        timing.append((time.perf_counter() - t0) * 1e6)

    metrics_path = args.out_dir / f"{args.name}.metrics.json"
    fmt = lambda a, b: f"{datetime.fromtimestamp(a / 1000, timezone.utc):%Y-%m-%d} .. {datetime.fromtimestamp(b / 1000, timezone.utc):%Y-%m-%d}"
    metrics = {
        "file": onnx_path.name,
        "metrics_file": metrics_path.name,
        "model_version": version,
        "trained_at": trained_at,
        "machine": f"{platform.machine()} {platform.processor() or platform.system()}",
        "training_seconds": stats["seconds"],
        "total_seconds": time.perf_counter() - started,
        "markets": [t.market for t in tapes],
        "windows": {
            "train": fmt(min(t.open_time[0] for t in train_tapes), max(t.open_time[-1] for t in train_tapes)),
            "validation": fmt(min(t.open_time[0] for t in val_tapes), max(t.open_time[-1] for t in val_tapes)),
            "holdout": fmt(min(t.open_time[0] for t in hold_tapes), max(t.open_time[-1] for t in hold_tapes)),
        },
        "rows": {"train": int(len(train_x)), "validation": int(val_n), "holdout": int(hold_n)},
        "rules": rules.to_json(),
        "ppo": cfg.to_json(),
        "ppo_stats": {k: v for k, v in stats.items() if k != "history"},
        "learning_curve": stats["history"][:: max(1, len(stats["history"]) // 50)],
        "holdout": holdout,
        "runtime_check": check,
        "parity": {"rows": len(rows), "jax_vs_onnx_max_abs_diff": parity_diff},
        "inference": {"rows_per_cycle": CYCLE_ROWS, "repeats": TIMING_REPEATS, "per_cycle_us": float(np.median(timing))},
    }
    metrics_path.write_text(json.dumps(metrics, indent=1, allow_nan=False) + "\n")
    parity = {
        "feature_names": names,
        "tolerance": 1e-5,
        "rows": [[float(v) for v in r] for r in rows],
        "onnxruntime_python": [[float(v) for v in p] for p in onnx_p],
    }
    (args.out_dir / f"{args.name}.parity.json").write_text(json.dumps(parity) + "\n")
    card_path = args.out_dir / f"{args.name}.MODEL_CARD.md"
    card_path.write_text(card.render(metrics))
    mean_ = holdout["mean"]
    print(
        f"[rl-train] hold-out: policy {mean_['policy_return_pct']:+.2f} % ({mean_['policy_trades']} trades), "
        f"buy-and-hold {mean_['buy_and_hold_return_pct']:+.2f} %, flat 0.00 %; parity {parity_diff:.1e}; "
        f"wrote {onnx_path} ({onnx_path.stat().st_size:,} bytes), {card_path.name}; {metrics['total_seconds']:.0f} s",
        flush=True,
    )
    return metrics


def _leaves(params):
    import jax

    return jax.tree_util.tree_leaves(params)


if __name__ == "__main__":
    main()
