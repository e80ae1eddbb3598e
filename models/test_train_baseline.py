"""Checks of the trainer's walk-forward splits (run: python3 -m unittest discover -s models)."""

import unittest

import numpy as np

from train_baseline import FIVE_MIN_MS, FOLDS, walk_forward_splits


class WalkForwardSplits(unittest.TestCase):
    def setUp(self):
        # Four markets sharing one 5m clock, as in the export (rows sorted by open time).
        t = np.arange(10_000, dtype=np.int64) * FIVE_MIN_MS
        self.open_time = np.sort(np.concatenate([t, t, t, t]))
        self.horizon = 12

    def test_no_training_label_reaches_the_test_block(self):
        for _, train, test, test_start, _ in walk_forward_splits(self.open_time, self.horizon):
            last_label_time = self.open_time[train].max() + self.horizon * FIVE_MIN_MS
            self.assertLess(last_label_time, test_start)
            self.assertEqual(self.open_time[test].min(), test_start)

    def test_folds_expand_and_test_blocks_tile_the_tail(self):
        splits = list(walk_forward_splits(self.open_time, self.horizon))
        self.assertEqual(len(splits), FOLDS)
        tested = np.zeros(len(self.open_time), dtype=np.int64)
        previous_train = 0
        for _, train, test, _, _ in splits:
            self.assertGreater(train.sum(), previous_train)
            previous_train = train.sum()
            self.assertFalse((train & test).any())
            tested += test
        self.assertLessEqual(tested.max(), 1)
        # Everything after the first block is tested exactly once.
        first_test = splits[0][3]
        self.assertTrue((tested[self.open_time >= first_test] == 1).all())


if __name__ == "__main__":
    unittest.main()
