#!/usr/bin/env python3
"""Tiny ONNX files for the runtime's loader tests (bot-runtime/src/engines/*.test.ts).

  fixtures/rl-policy-linear.onnx  features[N,16] -> softmax(features @ W + b) = [HOLD, BUY, SELL]
                                  the RL policy contract (bot-runtime/src/engines/rl.ts); W, b fixed
                                  so tests know the answer (all-zero features -> softmax(b)).
  fixtures/wrong-width.onnx       features[N,5] -> [N,2]: a model for another feature vector, which
                                  the loader must refuse (MODEL_INVALID naming spec.ml.modelPath).
  fixtures/classifier-linear.onnx features[N,16] -> softmax = [p(0), p(1)] with the metadata contract
                                  (version fixture-linear-1): a second valid ML model for hot reload.
  fixtures/wrong-features.onnx    the same graph, but its kubetrade.features lists two features
                                  swapped: right shape, wrong meaning — the loader must refuse it.
  fixtures/no-contract.onnx       the same graph without the metadata contract.

Usage: python3 models/make_test_fixtures.py   (needs only numpy and onnx from requirements.txt)
"""

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import onnx_contract

# FEATURE_NAMES of bot-runtime/src/engines/features.ts (the fixtures' contract; the TS tests compare).
FEATURES = ["rsi", "macd_pct", "macd_hist_pct", "bb_percent_b", "bb_width_pct", "volume_ratio_log1p", "body_pct",
            "range_pct", "ret_1_pct", "ret_3_pct", "ret_12_pct", "ret_48_pct", "ret_288_pct", "trend_pct",
            "trend_rsi", "momentum_pct"]

OUT = Path(__file__).resolve().parent / "fixtures"


def linear_softmax(n_in: int, n_out: int, bias: list[float], name: str) -> onnx.ModelProto:
    w = np.zeros((n_in, n_out), dtype=np.float32)
    w[0, 1] = 4.0  # feature 0 (rsi / 100) pushes towards BUY
    w[0, n_out - 1] -= 4.0
    b = np.array(bias, dtype=np.float32)
    graph = helper.make_graph(
        [
            helper.make_node("MatMul", ["features", "W"], ["logits0"]),
            helper.make_node("Add", ["logits0", "b"], ["logits"]),
            helper.make_node("Softmax", ["logits"], ["probabilities"], axis=-1),
        ],
        name,
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", n_in])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", n_out])],
        [numpy_helper.from_array(w, "W"), numpy_helper.from_array(b, "b")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="kubetrade-fixtures")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    when = "2026-11-25T00:00:00Z"
    rl = onnx_contract.stamp(linear_softmax(16, 3, [1.0, 0.0, 0.0], "rl_policy_linear"), FEATURES, "fixture-rl-linear-1",
                             "policy", when)  # the RL loader checks the contract too (engines/rl.ts)
    onnx.save(rl, OUT / "rl-policy-linear.onnx")
    onnx.save(linear_softmax(5, 2, [0.0, 0.0], "wrong_width"), OUT / "wrong-width.onnx")
    ok = onnx_contract.stamp(linear_softmax(16, 2, [0.0, 0.0], "classifier_linear"), FEATURES, "fixture-linear-1",
                             "classifier", when)
    onnx.save(ok, OUT / "classifier-linear.onnx")
    swapped = FEATURES.copy()
    swapped[0], swapped[1] = swapped[1], swapped[0]
    bad = onnx_contract.stamp(linear_softmax(16, 2, [0.0, 0.0], "classifier_linear"), swapped, "fixture-swapped-1",
                              "classifier", when)
    onnx.save(bad, OUT / "wrong-features.onnx")
    onnx.save(linear_softmax(16, 2, [0.0, 0.0], "classifier_linear"), OUT / "no-contract.onnx")


if __name__ == "__main__":
    main()
