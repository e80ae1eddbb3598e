"""Writes the trained policy as ONNX: features [N, F] -> (x - mean) / std -> MLP (tanh) -> softmax
= probabilities [N, 3] over [HOLD, BUY, SELL] (bot-runtime/src/engines/rl.ts). The scaling is part
of the graph (no scaler file to keep in step). The graph is written op by op with onnx.helper: the
network is five kinds of node, and writing them directly keeps the served graph byte-for-byte what
policy.py computes (jax2onnx would trace the same function; it stays available for the LSTM).

Metadata (the model contract shared with the ML loader, engines/onnx-model.ts):
  kubetrade.features       JSON array of the feature names in input order (FEATURE_NAMES)
  kubetrade.model_version  string
  kubetrade.trained_at     ISO-8601 UTC
  kubetrade.kind           "policy"
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # models/, like models/retrain.py
import onnx_contract  # noqa: E402  (models/onnx_contract.py: the one writer of the contract keys)

OPSET = 17
IR_VERSION = 8  # what onnxruntime 1.30 (Python and Node) loads; the test fixtures use the same
INPUT, OUTPUT = "features", "probabilities"


def policy_to_onnx(params: dict, mean: np.ndarray, std: np.ndarray, feature_names: list[str], version: str, trained_at: str) -> onnx.ModelProto:
    inits = [numpy_helper.from_array(np.asarray(mean, np.float32), "scale_mean"), numpy_helper.from_array(np.asarray(std, np.float32), "scale_std")]
    nodes = [helper.make_node("Sub", [INPUT, "scale_mean"], ["centred"]), helper.make_node("Div", ["centred", "scale_std"], ["z0"])]
    z = "z0"
    for i, layer in enumerate(params["pi"]):
        inits += [numpy_helper.from_array(np.asarray(layer["w"], np.float32), f"w{i}"), numpy_helper.from_array(np.asarray(layer["b"], np.float32), f"b{i}")]
        nodes += [
            helper.make_node("MatMul", [z, f"w{i}"], [f"m{i}"]),
            helper.make_node("Add", [f"m{i}", f"b{i}"], [f"a{i}"]),
            helper.make_node("Tanh", [f"a{i}"], [f"z{i + 1}"]),
        ]
        z = f"z{i + 1}"
    head = params["pi_out"]
    inits += [numpy_helper.from_array(np.asarray(head["w"], np.float32), "w_out"), numpy_helper.from_array(np.asarray(head["b"], np.float32), "b_out")]
    nodes += [
        helper.make_node("MatMul", [z, "w_out"], ["m_out"]),
        helper.make_node("Add", ["m_out", "b_out"], ["logits"]),
        helper.make_node("Softmax", ["logits"], [OUTPUT], axis=-1),
    ]
    n_out = np.asarray(head["b"]).shape[0]
    graph = helper.make_graph(
        nodes,
        "kubetrade_rl_policy",
        [helper.make_tensor_value_info(INPUT, TensorProto.FLOAT, ["N", len(feature_names)])],
        [helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, ["N", n_out])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="kubetrade-models-rl")
    model.ir_version = IR_VERSION
    onnx_contract.stamp(model, feature_names, version, "policy", trained_at)
    onnx.checker.check_model(model)
    return model


def metadata_of(path) -> dict[str, str]:
    return onnx_contract.read(onnx.load(str(path)))


class OnnxPolicy:
    """The exported file run by onnxruntime (one thread, like the runtime)."""

    def __init__(self, path):
        import onnxruntime as ort

        so = ort.SessionOptions()
        so.intra_op_num_threads = 1
        so.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        return self.session.run([OUTPUT], {INPUT: np.ascontiguousarray(rows, np.float32)})[0]
