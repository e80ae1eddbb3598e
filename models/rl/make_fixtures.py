"""Broken RL policies for the runtime's refusal tests (bot-runtime/src/engines/rl-policy.test.ts).
Each file fails exactly one check (the loader's shape/contract checks or rl-checks.ts's probe):

  fixtures/policy-logits.onnx          no Softmax: raw scores that do not sum to 1
  fixtures/policy-nan.onnx             an output of NaN on every row
  fixtures/policy-width-2.onnx         2 outputs per row (an ML classifier's width)
  fixtures/policy-kind-classifier.onnx the contract says kind "classifier"
  fixtures/policy-wrong-features.onnx  the contract lists two features swapped

Usage: python -m models.rl.make_fixtures   (numpy + onnx; deterministic bytes)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from .onnx_export import IR_VERSION, OPSET, onnx_contract

OUT = Path(__file__).resolve().parent / "fixtures"
WHEN = "2026-11-25T00:00:00Z"
# make_test_fixtures.py (the loader fixtures) keeps the one list of FEATURE_NAMES the fixtures use.
from make_test_fixtures import FEATURES  # noqa: E402


def graph(n_out: int, softmax: bool = True, nan: bool = False) -> onnx.ModelProto:
    w = np.zeros((len(FEATURES), n_out), np.float32)
    w[0, 1 % n_out] = 4.0
    b = np.full(n_out, np.nan if nan else 0.5, np.float32)
    nodes = [helper.make_node("MatMul", ["features", "W"], ["m"]), helper.make_node("Add", ["m", "b"], ["logits" if softmax else "probabilities"])]
    if softmax:
        nodes.append(helper.make_node("Softmax", ["logits"], ["probabilities"], axis=-1))
    g = helper.make_graph(
        nodes,
        "fixture_policy",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", len(FEATURES)])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", n_out])],
        [numpy_helper.from_array(w, "W"), numpy_helper.from_array(b, "b")],
    )
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="kubetrade-rl-fixtures")
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model)
    return model


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    swapped = FEATURES.copy()
    swapped[0], swapped[1] = swapped[1], swapped[0]
    files = {
        "policy-logits": (graph(3, softmax=False), FEATURES, "policy"),
        "policy-nan": (graph(3, nan=True), FEATURES, "policy"),
        "policy-width-2": (graph(2), FEATURES, "policy"),
        "policy-kind-classifier": (graph(3), FEATURES, "classifier"),
        "policy-wrong-features": (graph(3), swapped, "policy"),
    }
    for name, (model, features, kind) in files.items():
        onnx.save(onnx_contract.stamp(model, features, f"fixture-{name}", kind, WHEN), OUT / f"{name}.onnx")


if __name__ == "__main__":
    main()
