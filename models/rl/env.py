"""A gymnasium trading environment on the runtime's exported features with the runtime's money
rules (./rules.py). One episode trades one market of one arm:

  observation at step t  the exported feature row t (computed by the runtime from candles <= t);
                         nothing else -- it is exactly what the served policy sees (rl.ts contract)
  action                 0 HOLD, 1 BUY, 2 SELL (the order of the policy's output, rl.ts RL_ACTIONS)
  what happens           like the runtime's orders.ts + paper broker: BUY opens a position when flat
                         (size from risk.ts entrySize at the action's confidence), SELL closes it
                         all, anything else does nothing; the order fills at the OPEN of candle t+1,
                         slippage against the trader, fee per side on the notional
  reward                 equity(close t+1) - equity(close t), net of fees and slippage, in percent
                         of the arm's starting capital
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np

from .data import FIVE_MIN_MS, Tape
from .rules import TradingRules, entry_size, kst_day, min_order_quote, round_cash, trade_fee

HOLD, BUY, SELL = 0, 1, 2


class Position:
    """One arm's cash and one market's position -- the bookkeeping of portfolio/arm.ts."""

    def __init__(self, market: str, rules: TradingRules, start_time: int):
        self.market = market
        self.rules = rules
        self.cash = rules.capital
        self.volume = 0.0
        self.fees_paid = 0.0
        self.trades = 0  # round trips closed (docs/metrics.md: one round trip is one trade)
        self.round_trips: list[tuple[int, int]] = []  # (entry fill time, exit fill time), ms
        self.entry_time = 0
        self.refused: dict[str, int] = {}
        self.day = kst_day(start_time)
        self.day_start_equity = rules.capital
        self.halted = False

    def equity(self, price: float) -> float:
        return self.cash + self.volume * price

    def update_daily_loss(self, time_ms: int, equity: float) -> None:
        """risk.ts updateDailyLoss: a new KST day resets; equity at the limit halts new entries."""
        day = kst_day(time_ms)
        if day != self.day:
            self.day, self.day_start_equity, self.halted = day, equity, False
        if not self.halted and equity <= self.day_start_equity * (1 - self.rules.daily_loss_limit_pct / 100):
            self.halted = True

    def order(self, action: int, confidence: float, equity: float) -> tuple[str, float] | None:
        """orders.ts orderFor: ('buy', quote) | ('sell', volume) | None."""
        r = self.rules
        if action == SELL and self.volume > 0:
            if not confidence >= r.min_confidence:
                self._refuse("BELOW_MIN_CONFIDENCE")
                return None
            return ("sell", self.volume)
        if action == BUY and self.volume == 0:
            size = entry_size(self.market, confidence, equity, self.cash, self.halted, r)
            if isinstance(size, str):
                self._refuse(size)
                return None
            return ("buy", size)
        return None

    def fill(self, side: str, amount: float, open_price: float, time_ms: int, reference_price: float) -> None:
        """paper-broker.ts validate + fill, arm.ts applyFill: at the next candle's open (`time_ms`);
        a sell's minimum order is judged at the broker's last price when it was placed."""
        r, m = self.rules, self.market
        slip = r.slippage_pct / 100
        if side == "buy":
            price = open_price * (1 + slip)
            volume = amount / price
            fee = trade_fee(m, amount, r.fee_pct)
            self.cash -= round_cash(m, price * volume, "up") + fee
            self.volume += volume
            self.entry_time = time_ms
        else:
            price = open_price * (1 - slip)
            if amount * reference_price < min_order_quote(m, r.min_order_krw):
                self._refuse("REJECTED_BELOW_MIN_ORDER")
                return
            notional = round_cash(m, price * amount, "down")
            fee = trade_fee(m, notional, r.fee_pct)
            self.cash += notional - fee
            self.volume = 0.0
            self.trades += 1
            self.round_trips.append((self.entry_time, time_ms))
        self.fees_paid += fee

    def _refuse(self, code: str) -> None:
        self.refused[code] = self.refused.get(code, 0) + 1


class TradingEnv(gym.Env):
    """Episodes of `episode_steps` decisions on one tape, starting at a random contiguous row."""

    metadata = {"render_modes": []}

    def __init__(self, tapes: list[Tape], rules: TradingRules, episode_steps: int, confidence: float = 1.0):
        """`confidence`: what a sampled action counts as for the entry size and the minConfidence
        gate while training (1.0 = a full slot). Evaluation passes the policy's own probability
        through `step_with_confidence`, exactly as the runtime sizes an rl signal."""
        super().__init__()
        if not tapes:
            raise ValueError("TradingEnv needs at least one tape")
        self.tapes = tapes
        self.rules = rules
        self.episode_steps = episode_steps
        self.confidence = confidence
        n_features = tapes[0].features.shape[1]
        self.observation_space = gym.spaces.Box(-np.inf, np.inf, shape=(n_features,), dtype=np.float32)
        self.action_space = gym.spaces.Discrete(3)
        self.tape: Tape = tapes[0]
        # Plain-float copies of each tape's prices: stepping on numpy scalars costs ~3x the time.
        self._lists = [(t.open.tolist(), t.close.tolist(), t.next_open.tolist(), t.next_close.tolist(), t.contiguous.tolist(), t.open_time.tolist()) for t in tapes]
        self._open, self._close, self._next_open, self._next_close, self._contiguous, self._time = self._lists[0]
        self.t = 0
        self.steps = 0
        self.position: Position | None = None

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        options = options or {}
        k = options["tape"] if "tape" in options else int(self.np_random.integers(len(self.tapes)))
        self.tape = self.tapes[k]
        self._open, self._close, self._next_open, self._next_close, self._contiguous, self._time = self._lists[k]
        if "start" in options:
            self.t = int(options["start"])
        else:
            last = max(1, len(self.tape) - self.episode_steps)
            self.t = int(self.np_random.integers(last))
        self.steps = 0
        self.position = Position(self.tape.market, self.rules, int(self.tape.open_time[self.t]))
        return self._observation(), self._info(self.rules.capital)

    def step(self, action):
        return self.step_with_confidence(int(action), self.confidence)

    def step_with_confidence(self, action: int, confidence: float):
        t, pos = self.t, self.position
        assert pos is not None, "call reset() first"
        equity_before = pos.equity(self._close[t])
        pos.update_daily_loss(self._time[t], equity_before)
        order = pos.order(action, confidence, equity_before)
        if order is not None:
            pos.fill(order[0], order[1], self._next_open[t], self._time[t] + FIVE_MIN_MS, self._open[t])
        equity_after = pos.equity(self._next_close[t])
        reward = (equity_after - equity_before) / self.rules.capital * 100
        self.steps += 1
        at_end = not self._contiguous[t]
        self.t = t if at_end else t + 1
        truncated = self.steps >= self.episode_steps and not at_end
        return self._observation(), float(reward), bool(at_end), bool(truncated), self._info(equity_after)

    def _observation(self) -> np.ndarray:
        return self.tape.features[self.t]

    def _info(self, equity: float) -> dict:
        pos = self.position
        assert pos is not None
        return {
            "market": self.tape.market,
            "time": self._time[self.t],
            "equity": equity,
            "cash": pos.cash,
            "volume": pos.volume,
            "fees_paid": pos.fees_paid,
            "trades": pos.trades,
        }
