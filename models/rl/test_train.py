"""The trainer end to end at a small size (the runtime's export of six weeks of ../shared/data, a few
PPO updates): an ONNX policy honouring the contract, its card, parity rows, a hold-out evaluation
against the baselines -- and PPO is deterministic for a seed."""

from __future__ import annotations

import json
import tempfile
import unittest
from pathlib import Path

import numpy as np

from .data import DATA_DIR
from .onnx_export import OnnxPolicy, metadata_of
from .ppo import PpoConfig, train
from .env import TradingEnv
from .test_env import SPEC_RULES, random_tape
from .train import main


class TrainerSmallRunTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        out = Path(cls.tmp.name)
        cls.out = out
        cls.features_csv = out / "features.csv"
        # Two markets keep the run short; the candle files are linked, never copied.
        data = out / "candles"
        data.mkdir()
        for market in ("BTC", "ETH"):
            for tf in ("5m", "15m", "1h", "1d"):
                (data / f"{market}_USDT-{tf}.csv").symlink_to(DATA_DIR / f"{market}_USDT-{tf}.csv")
        cls.metrics = main([
            "--export-out", str(cls.features_csv), "--data", str(data),
            "--export-from", "2025-03-01", "--export-to", "2025-04-15",
            "--validation-from", "2025-03-25", "--holdout-from", "2025-04-01",
            "--steps", "4096", "--episode-steps", "288",
            "--out-dir", str(out), "--name", "rl-small",
        ])

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_writes_policy_card_metrics_and_parity(self):
        for name in ("rl-small.onnx", "rl-small.MODEL_CARD.md", "rl-small.metrics.json", "rl-small.parity.json"):
            self.assertTrue((self.out / name).stat().st_size > 0, name)
        card = (self.out / "rl-small.MODEL_CARD.md").read_text()
        self.assertIn("Hold-out results", card)
        self.assertIn(self.metrics["model_version"], card)

    def test_onnx_metadata_follows_the_contract(self):
        meta = metadata_of(self.out / "rl-small.onnx")
        self.assertEqual(meta["kubetrade.kind"], "policy")
        with self.features_csv.open() as f:
            header = f.readline().strip().split(",")
        self.assertEqual(json.loads(meta["kubetrade.features"]), header[2:-1])
        self.assertEqual(meta["kubetrade.model_version"], self.metrics["model_version"])
        self.assertRegex(meta["kubetrade.trained_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

    def test_policy_outputs_probabilities_over_three_actions(self):
        parity = json.loads((self.out / "rl-small.parity.json").read_text())
        p = OnnxPolicy(self.out / "rl-small.onnx").probabilities(np.array(parity["rows"], np.float32))
        self.assertEqual(p.shape, (len(parity["rows"]), 3))
        np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-6)
        np.testing.assert_allclose(p, np.array(parity["onnxruntime_python"]), atol=1e-7)
        self.assertLess(self.metrics["parity"]["jax_vs_onnx_max_abs_diff"], 1e-5)

    def test_holdout_is_after_training_and_reports_the_baselines(self):
        ho = self.metrics["holdout"]
        self.assertEqual([m["market"] for m in ho["markets"]], ["USDT-BTC", "USDT-ETH"])
        cut = 1743465600000  # 2025-04-01T00:00Z, the --holdout-from above
        for m in ho["markets"]:
            self.assertGreaterEqual(m["from"], cut)
            self.assertIn("return_pct", m["buy_and_hold"])
            self.assertEqual(m["flat"]["return_pct"], 0.0)
            self.assertNotEqual(m["buy_and_hold"]["return_pct"], 0.0)
        self.assertTrue(np.isfinite(ho["mean"]["policy_return_pct"]))


class PpoDeterminismTest(unittest.TestCase):
    def test_same_seed_same_policy(self):
        tapes = [random_tape(600, seed=11), random_tape(600, seed=12, market="USDT-ETH")]
        x = np.concatenate([t.features for t in tapes])
        cfg = PpoConfig(total_steps=1024, n_envs=2, n_steps=256, minibatch=256, episode_steps=200, seed=3)

        def run():
            def make(i):
                env = TradingEnv(tapes, SPEC_RULES, cfg.episode_steps)
                env.reset(seed=100 + i)
                return env

            params, mean, std, _ = train(make, x, cfg, progress=lambda _: None)
            return params["pi_out"]["w"], mean

        (w1, m1), (w2, m2) = run(), run()
        np.testing.assert_array_equal(w1, w2)
        np.testing.assert_array_equal(m1, m2)
        self.assertGreater(float(np.abs(w1).sum()), 0)


if __name__ == "__main__":
    unittest.main()
