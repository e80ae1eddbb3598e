"""The environment trades by the runtime's rules: fees charged, no position beyond the cap, the
minConfidence gate, and no look-ahead (the observation at t is export row t and nothing later)."""

from __future__ import annotations

import unittest
from dataclasses import replace

import numpy as np

from .data import FIVE_MIN_MS, Tape, make_tape
from .env import BUY, HOLD, SELL, TradingEnv
from .rules import REPO, TradingRules, resolve_spec, round_cash, rules_from_spec, trade_fee

T0 = 1_740_000_000_000


def rules(**kw) -> TradingRules:
    # The spec's own defaults (resolved by the runtime through node), with the capital of a small arm.
    base = rules_from_spec(resolve_spec())
    return replace(base, **kw)


SPEC_RULES = rules()


def random_tape(n: int, seed: int, market: str = "USDT-BTC") -> Tape:
    rng = np.random.default_rng(seed)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, n + 1)))
    open_ = np.concatenate([[100.0], close[:-1]]) * (1 + rng.normal(0, 0.001, n + 1))
    t = T0 + FIVE_MIN_MS * np.arange(n + 1, dtype=np.int64)
    features = rng.normal(size=(n, 16)).astype(np.float32)
    return make_tape(market, t[:n], features, (t, open_, close))


def flat_tape(n: int, price: float, market: str = "USDT-BTC") -> Tape:
    t = T0 + FIVE_MIN_MS * np.arange(n + 1, dtype=np.int64)
    p = np.full(n + 1, price)
    return make_tape(market, t[:n], np.zeros((n, 16), np.float32), (t, p, p))


class FeesTest(unittest.TestCase):
    def test_a_round_trip_at_a_constant_price_loses_exactly_fees_and_slippage(self):
        r = SPEC_RULES
        env = TradingEnv([flat_tape(10, 200.0)], r, episode_steps=10)
        env.reset(options={"tape": 0, "start": 0})
        _, rew_buy, *_ , info_buy = env.step(BUY)
        _, rew_sell, *_, info_sell = env.step(SELL)
        quote = round_cash("USDT-BTC", r.capital * r.max_position_pct / 100, "down")
        buy_price = 200.0 * (1 + r.slippage_pct / 100)
        sell_price = 200.0 * (1 - r.slippage_pct / 100)
        volume = quote / buy_price
        notional = round_cash("USDT-BTC", sell_price * volume, "down")
        fees = trade_fee("USDT-BTC", quote, r.fee_pct) + trade_fee("USDT-BTC", notional, r.fee_pct)
        self.assertGreater(fees, 0)
        self.assertAlmostEqual(info_sell["fees_paid"], fees, places=8)
        expected = r.capital - round_cash("USDT-BTC", buy_price * volume, "up") + notional - fees
        self.assertAlmostEqual(info_sell["equity"], expected, places=6)
        self.assertLess(info_sell["equity"], r.capital)
        # Reward is the equity change net of fees, in percent of the starting capital.
        self.assertAlmostEqual(rew_buy + rew_sell, (info_sell["equity"] / r.capital - 1) * 100, places=9)
        self.assertEqual(info_sell["trades"], 1)

    def test_zero_fee_and_slippage_make_a_flat_round_trip_free(self):
        r = replace(SPEC_RULES, fee_pct=0.0, slippage_pct=0.0)
        env = TradingEnv([flat_tape(10, 200.0)], r, episode_steps=10)
        env.reset(options={"tape": 0, "start": 0})
        env.step(BUY)
        *_, info = env.step(SELL)
        self.assertAlmostEqual(info["equity"], r.capital, places=6)
        self.assertEqual(info["fees_paid"], 0)


class PositionRulesTest(unittest.TestCase):
    def test_no_position_beyond_the_cap_under_random_actions(self):
        r = SPEC_RULES
        tape = random_tape(3000, seed=1)
        env = TradingEnv([tape], r, episode_steps=len(tape))
        env.reset(seed=3, options={"tape": 0, "start": 0})
        rng = np.random.default_rng(5)
        buys = 0
        for _ in range(len(tape) - 1):
            t = env.t
            equity = env.position.equity(tape.close[t])
            held = env.position.volume
            _, _, term, trunc, info = env.step(int(rng.integers(3)))
            if info["volume"] > held:
                buys += 1
                self.assertEqual(held, 0, "a second BUY never adds to an open position")
                fill = tape.next_open[t] * (1 + r.slippage_pct / 100)
                self.assertLessEqual(info["volume"] * fill, equity * r.max_position_pct / 100 + 1e-6)
            self.assertGreaterEqual(info["cash"], 0)
            if term or trunc:
                break
        self.assertGreater(buys, 10)

    def test_entries_below_min_confidence_are_refused_like_the_runtime(self):
        env = TradingEnv([flat_tape(5, 10.0)], SPEC_RULES, episode_steps=5)
        env.reset(options={"tape": 0, "start": 0})
        *_, info = env.step_with_confidence(BUY, SPEC_RULES.min_confidence / 2)
        self.assertEqual(info["volume"], 0)
        self.assertEqual(env.position.refused, {"BELOW_MIN_CONFIDENCE": 1})
        *_, info = env.step_with_confidence(BUY, SPEC_RULES.min_confidence)
        self.assertGreater(info["volume"], 0)

    def test_the_krw_minimum_order_applies_to_krw_markets_only(self):
        small = replace(SPEC_RULES, capital=SPEC_RULES.min_order_krw)  # a 25 % slot is below the minimum
        for market, refused in (("KRW-BTC", True), ("USDT-BTC", False)):
            env = TradingEnv([flat_tape(5, 1000.0, market)], small, episode_steps=5)
            env.reset(options={"tape": 0, "start": 0})
            *_, info = env.step(BUY)
            self.assertEqual(info["volume"] == 0, refused, market)
            self.assertEqual("BELOW_MIN_ORDER" in env.position.refused, refused, market)

    def test_sell_closes_the_whole_position_and_hold_does_nothing(self):
        env = TradingEnv([random_tape(20, seed=2)], SPEC_RULES, episode_steps=20)
        env.reset(options={"tape": 0, "start": 0})
        *_, info = env.step(BUY)
        held = info["volume"]
        *_, info = env.step(HOLD)
        self.assertEqual(info["volume"], held)
        *_, info = env.step(SELL)
        self.assertEqual(info["volume"], 0)
        self.assertEqual(info["trades"], 1)


class NoLookaheadTest(unittest.TestCase):
    def test_observation_at_t_is_export_row_t(self):
        tape = random_tape(50, seed=4)
        env = TradingEnv([tape], SPEC_RULES, episode_steps=50)
        obs, _ = env.reset(options={"tape": 0, "start": 0})
        for t in range(10):
            np.testing.assert_array_equal(obs, tape.features[t])
            obs, *_ = env.step(HOLD)

    def test_rows_and_prices_after_t_change_nothing_up_to_t(self):
        a = random_tape(200, seed=6)
        future = 120
        features = a.features.copy()
        features[future:] += 1000.0
        close = a.close.copy()
        close[future:] *= 3
        nxt_open = a.next_open.copy()
        nxt_open[future:] *= 3
        nxt_close = a.next_close.copy()
        nxt_close[future:] *= 3
        open_ = a.open.copy()
        open_[future:] *= 3
        b = Tape(a.market, a.open_time, features, open_, close, nxt_open, nxt_close, a.contiguous)

        def trace(tape):
            env = TradingEnv([tape], SPEC_RULES, episode_steps=len(tape))
            obs, _ = env.reset(options={"tape": 0, "start": 0})
            rng = np.random.default_rng(9)
            seen = []
            for _ in range(future):
                obs, rew, *_ = env.step(int(rng.integers(3)))
                seen.append((obs.copy(), rew))
            return seen

        # Through step `future - 1` (decided on row future-1, filled and marked at candle `future`
        # whose prices belong to row future-1's next_*), nothing depends on rows >= future.
        for (oa, ra), (ob, rb) in zip(trace(a)[:-1], trace(b)[:-1]):
            np.testing.assert_array_equal(oa, ob)
            self.assertEqual(ra, rb)

    def test_orders_fill_at_the_next_candles_open_not_the_decision_close(self):
        tape = random_tape(10, seed=8)
        self.assertTrue(np.all(tape.next_open[:-1] != tape.close[:-1]))
        env = TradingEnv([tape], replace(SPEC_RULES, slippage_pct=0.0, fee_pct=0.0), episode_steps=10)
        env.reset(options={"tape": 0, "start": 0})
        *_, info = env.step(BUY)
        quote = round_cash("USDT-BTC", SPEC_RULES.capital * SPEC_RULES.max_position_pct / 100, "down")
        self.assertAlmostEqual(info["volume"], quote / tape.next_open[0], places=12)

    def test_an_episode_never_steps_across_a_gap_in_the_candles(self):
        t = T0 + FIVE_MIN_MS * np.array([0, 1, 2, 10, 11, 12], dtype=np.int64)
        p = np.linspace(100, 110, len(t))
        tape = make_tape("USDT-BTC", t[:5], np.zeros((5, 16), np.float32), (t, p, p))
        # Row 2 has no next candle to fill at (dropped); row 1's next row would be 10 candles later.
        self.assertEqual(((tape.open_time - T0) // FIVE_MIN_MS).tolist(), [0, 1, 10, 11])
        self.assertEqual(tape.contiguous.tolist(), [True, False, True, False])
        env = TradingEnv([tape], SPEC_RULES, episode_steps=10)
        env.reset(options={"tape": 0, "start": 0})
        ends = [env.step(HOLD)[2] for _ in range(2)]
        self.assertEqual(ends, [False, True])


class SpecRulesTest(unittest.TestCase):
    def test_rules_come_from_the_resolved_spec_and_the_rl_arms_capital(self):
        spec = resolve_spec(str(REPO / "examples" / "rl" / "tradingbot.yaml"))
        r = rules_from_spec(spec)
        arm = next(a for a in spec["capital"]["split"] if "rl" in a["layers"])
        self.assertEqual(r.capital, spec["capital"]["totalKRW"] * arm["weight"] / 100)
        self.assertEqual(r.fee_pct, spec["risk"]["feePct"])
        self.assertEqual(r.max_position_pct, spec["risk"]["maxPositionPct"])
        self.assertEqual(r.min_confidence, spec["engine"]["combine"]["minConfidence"])


if __name__ == "__main__":
    unittest.main()
