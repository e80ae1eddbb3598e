"""Checks of the retrain pipeline's splits and LSTM sequences (run: python3 -m unittest discover -s models)."""

import unittest

import numpy as np

import lstm_model
from retrain import DAY_MS, split_holdout, walk_forward_folds
from train_baseline import FIVE_MIN_MS


class RetrainSplits(unittest.TestCase):
    def setUp(self):
        t = np.arange(20_000, dtype=np.int64) * FIVE_MIN_MS
        self.open_time = np.sort(np.concatenate([t, t]))
        self.horizon = 12

    def test_holdout_is_the_latest_window_and_dev_labels_end_before_it(self):
        dev, hold = split_holdout(self.open_time, 14, self.horizon)
        hold_start = self.open_time[hold].min()
        self.assertEqual(self.open_time.max() - hold_start, 14 * DAY_MS)
        self.assertLess(self.open_time[dev].max() + self.horizon * FIVE_MIN_MS, hold_start)
        self.assertFalse((dev & hold).any())

    def test_walk_forward_purges_one_label_horizon(self):
        folds = list(walk_forward_folds(self.open_time, 3, self.horizon))
        self.assertEqual(len(folds), 3)
        for _, train, test, test_from, _ in folds:
            self.assertLess(self.open_time[train].max() + self.horizon * FIVE_MIN_MS, test_from)
            self.assertEqual(self.open_time[test].min(), test_from)


class LstmSequences(unittest.TestCase):
    def test_sequences_are_contiguous_per_market_and_never_look_ahead(self):
        t = np.arange(40, dtype=np.int64) * FIVE_MIN_MS
        t = np.delete(t, 20)  # a gap in market A
        markets = np.array(["A"] * len(t) + ["B"] * 40)
        open_time = np.concatenate([t, np.arange(40, dtype=np.int64) * FIVE_MIN_MS])
        X = np.stack([open_time.astype(np.float32), (markets == "B").astype(np.float32)], axis=1)
        idx, seq = lstm_model.sequences(markets, open_time, X, seq_len=12)
        for i, s in zip(idx, seq):
            self.assertEqual(s[-1, 0], open_time[i])  # the newest step is the row itself
            self.assertTrue(np.all(np.diff(s[:, 0]) == FIVE_MIN_MS))
            self.assertTrue(np.all(s[:, 1] == s[0, 1]))  # one market
        # A: 20 contiguous rows, a gap, 19 more: 9 + 8 full windows; B: 40 rows, 40 - 11 = 29.
        self.assertEqual(len(idx), 9 + 8 + 29)


if __name__ == "__main__":
    unittest.main()


class LstmExport(unittest.TestCase):
    def test_onnx_graph_gives_the_jax_predictions(self):
        """The hand-built ONNX LSTM (gate order, time-major transpose, scaling) equals the JAX cell."""
        import onnxruntime as ort

        rng = np.random.default_rng(3)
        seqs = rng.normal(size=(600, lstm_model.SEQ_LEN, 16)).astype(np.float32) * 3 + 1
        y = (seqs[:, -1, 0] > 1).astype(np.int64)
        params = lstm_model.train(seqs, y, epochs=1)
        model = lstm_model.to_onnx(params, 16)
        sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
        onnx_p = sess.run(["probabilities"], {"features": seqs[:64]})[0]
        np.testing.assert_allclose(onnx_p[:, 1], lstm_model.predict(params, seqs[:64]), atol=1e-5)
        np.testing.assert_allclose(onnx_p.sum(axis=1), 1.0, atol=1e-6)
