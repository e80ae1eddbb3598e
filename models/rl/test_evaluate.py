"""The hold-out evaluation reads the policy like the runtime (rl.ts rlSignal) and books it by the
runtime's rules; its baselines are what they say."""

from __future__ import annotations

import unittest

import numpy as np

from .env import BUY, HOLD, SELL
from .evaluate import evaluate, rl_signals
from .test_env import SPEC_RULES, random_tape


class RlSignalsTest(unittest.TestCase):
    def test_most_probable_action_at_its_probability_tie_or_hold_means_nothing(self):
        probs = np.array(
            [[0.1, 0.7, 0.2], [0.1, 0.2, 0.7], [0.5, 0.3, 0.2], [0.2, 0.4, 0.4], [0.4, 0.4, 0.2]],
            np.float32,
        )
        actions, confidences = rl_signals(probs)
        self.assertEqual(actions, [BUY, SELL, HOLD, HOLD, HOLD])
        np.testing.assert_allclose(confidences, [0.7, 0.7, 0, 0, 0], atol=1e-7)


class EvaluateTest(unittest.TestCase):
    def setUp(self):
        self.tapes = [random_tape(500, seed=21), random_tape(500, seed=22, market="USDT-ETH")]

    def constant(self, row):
        return lambda x: np.tile(np.array(row, np.float32), (len(x), 1))

    def test_a_policy_that_always_holds_is_the_flat_baseline(self):
        ev = evaluate(self.tapes, SPEC_RULES, self.constant([0.9, 0.05, 0.05]))
        self.assertEqual(ev["mean"]["policy_return_pct"], 0.0)
        self.assertEqual(ev["mean"]["policy_trades"], 0)

    def test_a_policy_that_always_buys_is_buy_and_hold_at_its_confidence(self):
        # BUY at p=1.0 every step: one entry (a second BUY never adds), never sold -> buy-and-hold.
        ev = evaluate(self.tapes, SPEC_RULES, self.constant([0.0, 1.0, 0.0]))
        for m in ev["markets"]:
            self.assertAlmostEqual(m["policy"]["return_pct"], m["buy_and_hold"]["return_pct"], places=9)
            self.assertNotEqual(m["buy_and_hold"]["return_pct"], 0.0)
            self.assertEqual(m["signals"]["buy"], 500)

    def test_below_min_confidence_nothing_trades(self):
        p = SPEC_RULES.min_confidence * 0.9
        ev = evaluate(self.tapes, SPEC_RULES, self.constant([(1 - p) / 2, p, (1 - p) / 2]))
        self.assertEqual(ev["mean"]["policy_trades"], 0)
        self.assertEqual(ev["mean"]["policy_return_pct"], 0.0)


if __name__ == "__main__":
    unittest.main()
