"""Hold-out evaluation under the runtime's rules: the served policy's probabilities become a signal
exactly as bot-runtime/src/engines/rl.ts rlSignal does (most probable action at that probability; a
tie for the top or HOLD -> nothing), then the TradingEnv books it (entry size at that confidence,
the minConfidence gate, fees, slippage, next-open fills). Baselines on the same window and rules:
flat (never trades: 0 %) and buy-and-hold (one full slot bought at the first decision, kept)."""

from __future__ import annotations

import numpy as np

from .data import FIVE_MIN_MS, Tape
from .env import BUY, HOLD, TradingEnv
from .rules import TradingRules


def rl_signals(probs: np.ndarray) -> tuple[list[int], list[float]]:
    """rlSignal for every row of [N, 3] probabilities: (actions, confidences)."""
    best = np.argmax(probs, axis=1)
    top = probs[np.arange(len(probs)), best]
    tie = (probs == top[:, None]).sum(axis=1) > 1
    hold = (best == HOLD) | tie
    return np.where(hold, HOLD, best).tolist(), np.where(hold, 0.0, top).astype(np.float64).tolist()


def run_window(tape: Tape, rules: TradingRules, decide) -> dict:
    """One market over its window from the arm's starting capital; `decide(t) -> (action, confidence)`.
    Like `kubetrade backtest --from --to`: the last row's decision would fill after the window, so
    it is not taken, and the final equity is marked at the last row's close."""
    env = TradingEnv([tape], rules, episode_steps=len(tape))
    env.reset(options={"tape": 0, "start": 0})
    equity, peak, max_dd, info = rules.capital, rules.capital, 0.0, {}
    for t in range(len(tape) - 1):
        action, confidence = decide(t)
        _, _, term, trunc, info = env.step_with_confidence(action, confidence)
        equity = info["equity"]
        peak = max(peak, equity)
        max_dd = min(max_dd, (equity / peak - 1) * 100)
        if term or trunc:
            break
    return {
        "market": tape.market,
        "return_pct": (equity / rules.capital - 1) * 100,
        "max_drawdown_pct": max_dd,
        "trades": info.get("trades", 0),
        "fees_paid": info.get("fees_paid", 0.0),
        "round_trips": [list(rt) for rt in env.position.round_trips] if env.position else [],
    }


def evaluate(tapes: list[Tape], rules: TradingRules, probabilities) -> dict:
    """Per market and on average (an arm splits its capital over its markets' slots)."""
    per_market = []
    for tape in tapes:
        actions, confidences = rl_signals(probabilities(tape.features))
        policy = run_window(tape, rules, lambda t: (actions[t], confidences[t]))
        policy.pop("round_trips")  # the trade log is for runtime_check; the card keeps the totals
        hold = run_window(tape, rules, lambda t: (BUY, 1.0) if t == 0 else (HOLD, 0.0))
        counts = np.bincount(actions, minlength=3)
        per_market.append({
            "market": tape.market,
            "from": int(tape.open_time[0]),
            "to": int(tape.open_time[-1]),
            "rows": len(tape),
            "policy": policy,
            "buy_and_hold": hold,
            "flat": {"return_pct": 0.0, "trades": 0},
            "market_move_pct": (tape.next_close[-1] / tape.next_open[0] - 1) * 100,
            "signals": {"hold": int(counts[0]), "buy": int(counts[1]), "sell": int(counts[2])},
        })
    avg = lambda f: float(np.mean([f(m) for m in per_market]))
    return {
        "markets": per_market,
        "mean": {
            "policy_return_pct": avg(lambda m: m["policy"]["return_pct"]),
            "buy_and_hold_return_pct": avg(lambda m: m["buy_and_hold"]["return_pct"]),
            "flat_return_pct": 0.0,
            "policy_max_drawdown_pct": avg(lambda m: m["policy"]["max_drawdown_pct"]),
            "buy_and_hold_max_drawdown_pct": avg(lambda m: m["buy_and_hold"]["max_drawdown_pct"]),
            "policy_trades": int(sum(m["policy"]["trades"] for m in per_market)),
        },
    }


def runtime_check(tape: Tape, rules: TradingRules, probabilities) -> dict:
    """The policy's trade log on one market and window, for the runtime to reproduce: the TS test
    (bot-runtime/src/cli/backtest-rl.test.ts) runs `kubetrade backtest` on the same candles and
    expects the same round trips -- the environment trades by the runtime's rules, or it fails."""
    actions, confidences = rl_signals(probabilities(tape.features))
    r = run_window(tape, rules, lambda t: (actions[t], confidences[t]))
    return {"market": r["market"], "from": int(tape.open_time[0]), "to": int(tape.open_time[-1]) + FIVE_MIN_MS, **{k: r[k] for k in ("return_pct", "fees_paid", "trades", "round_trips")}}
