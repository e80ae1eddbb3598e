"""A small LSTM classifier in JAX + optax, exported to ONNX with onnx.helper's standard `LSTM` op.

Input: the last SEQ_LEN feature rows of one market (the runtime's own features, oldest first),
shape [N, SEQ_LEN, F]. Output: probabilities [N, 2] = [p(label 0), p(label 1)], the layout the
runtime's ML layer reads (same as the LightGBM export with zipmap off).

Why hand-built ONNX rather than jax2onnx: the cell below is written in ONNX's own gate order
(i, o, f, c) with ONNX's equations, so the exported graph is the standard LSTM op fed the trained
weights verbatim and onnxruntime runs its optimised kernel; the parity check (1e-5) is the judge.
Scaling (mean/std of the training rows) is a Sub/Div at the head of the graph: no scaler file.
"""

from __future__ import annotations

import numpy as np

SEQ_LEN = 12  # one hour of 5m rows: the label horizon (export-features.ts LABEL_HORIZON)
HIDDEN = 16
EPOCHS = 4
BATCH = 512
LEARNING_RATE = 3e-3
SEED = 7
FIVE_MIN_MS = 5 * 60 * 1000


def sequences(markets, open_time, X, seq_len: int = SEQ_LEN):
    """Row indices `idx` whose previous seq_len - 1 rows of the same market are contiguous 5m rows,
    and their sequences [len(idx), seq_len, F] (oldest first). Uses only rows at or before each
    row's own time, so a sequence never looks ahead."""
    idx_out, seq_out = [], []
    for m in np.unique(markets):
        rows = np.flatnonzero(markets == m)
        rows = rows[np.argsort(open_time[rows], kind="stable")]
        t = open_time[rows]
        if len(rows) < seq_len:
            continue
        span_ok = (t[seq_len - 1:] - t[: len(t) - seq_len + 1]) == (seq_len - 1) * FIVE_MIN_MS
        ends = np.flatnonzero(span_ok) + seq_len - 1
        window = ends[:, None] - np.arange(seq_len - 1, -1, -1)[None, :]
        idx_out.append(rows[ends])
        seq_out.append(X[rows[window]])
    if not idx_out:
        return np.zeros(0, np.int64), np.zeros((0, seq_len, X.shape[1]), np.float32)
    idx = np.concatenate(idx_out)
    seq = np.concatenate(seq_out).astype(np.float32)
    order = np.argsort(idx, kind="stable")
    return idx[order], seq[order]


def _forward(params, xs):
    import jax
    import jax.numpy as jnp

    x = (xs - params["mean"]) / params["std"]
    n = x.shape[0]
    h0 = jnp.zeros((n, HIDDEN), x.dtype)

    def cell(carry, xt):
        h, c = carry
        g = xt @ params["W"].T + h @ params["R"].T + params["Wb"] + params["Rb"]
        i, o, f, cc = jnp.split(g, 4, axis=-1)  # ONNX gate order i, o, f, c
        i, o, f, cc = jax.nn.sigmoid(i), jax.nn.sigmoid(o), jax.nn.sigmoid(f), jnp.tanh(cc)
        c = f * c + i * cc
        h = o * jnp.tanh(c)
        return (h, c), None

    (h, _), _ = jax.lax.scan(cell, (h0, h0), jnp.swapaxes(x, 0, 1))
    return (h @ params["head_w"] + params["head_b"])[:, 0]


def predict(params, xs) -> np.ndarray:
    import jax

    logits = _forward({k: jax.numpy.asarray(v) for k, v in params.items()}, jax.numpy.asarray(xs))
    return np.asarray(jax.nn.sigmoid(logits), dtype=np.float32)


def train(seqs: np.ndarray, y: np.ndarray, epochs: int = EPOCHS, seed: int = SEED) -> dict:
    """Trains on [N, SEQ_LEN, F] sequences with binary labels; returns numpy parameters."""
    import jax
    import jax.numpy as jnp
    import optax

    f = seqs.shape[2]
    flat = seqs.reshape(-1, f)
    mean = flat.mean(axis=0).astype(np.float32)
    std = np.maximum(flat.std(axis=0), 1e-6).astype(np.float32)
    key = jax.random.PRNGKey(seed)
    k1, k2, k3 = jax.random.split(key, 3)
    scale = 1.0 / np.sqrt(HIDDEN)
    params = {
        "mean": jnp.asarray(mean),
        "std": jnp.asarray(std),
        "W": jax.random.uniform(k1, (4 * HIDDEN, f), minval=-scale, maxval=scale),
        "R": jax.random.uniform(k2, (4 * HIDDEN, HIDDEN), minval=-scale, maxval=scale),
        # Forget-gate bias 1 (gate block 2 in i, o, f, c order): the usual start that keeps memory.
        "Wb": jnp.zeros(4 * HIDDEN).at[2 * HIDDEN: 3 * HIDDEN].set(1.0),
        "Rb": jnp.zeros(4 * HIDDEN),
        "head_w": jax.random.uniform(k3, (HIDDEN, 1), minval=-scale, maxval=scale),
        "head_b": jnp.asarray([float(np.log(max(y.mean(), 1e-3) / max(1 - y.mean(), 1e-3)))]),
    }
    frozen = {"mean", "std"}
    opt = optax.adam(LEARNING_RATE)
    trainable = {k: v for k, v in params.items() if k not in frozen}
    state = opt.init(trainable)

    def loss_fn(tp, xb, yb):
        logits = _forward({**tp, "mean": params["mean"], "std": params["std"]}, xb)
        return optax.sigmoid_binary_cross_entropy(logits, yb).mean()

    @jax.jit
    def step(tp, st, xb, yb):
        loss, grads = jax.value_and_grad(loss_fn)(tp, xb, yb)
        updates, st = opt.update(grads, st, tp)
        return optax.apply_updates(tp, updates), st, loss

    rng = np.random.default_rng(seed)
    yf = y.astype(np.float32)
    n = len(y)
    for _ in range(epochs):
        perm = rng.permutation(n)
        for s in range(0, n - BATCH + 1, BATCH):  # full batches only: one compiled shape
            b = perm[s: s + BATCH]
            trainable, state, _ = step(trainable, state, seqs[b], yf[b])
    out = {**trainable, "mean": params["mean"], "std": params["std"]}
    return {k: np.asarray(v, dtype=np.float32) for k, v in out.items()}


def to_onnx(params: dict, n_features: int, seq_len: int = SEQ_LEN):
    """The trained weights as an ONNX graph: Sub/Div scaling -> Transpose -> LSTM -> Gemm -> Sigmoid."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    init = [
        numpy_helper.from_array(params["mean"].reshape(1, 1, -1), "scale_mean"),
        numpy_helper.from_array(params["std"].reshape(1, 1, -1), "scale_std"),
        numpy_helper.from_array(params["W"][None], "lstm_W"),
        numpy_helper.from_array(params["R"][None], "lstm_R"),
        numpy_helper.from_array(np.concatenate([params["Wb"], params["Rb"]])[None], "lstm_B"),
        numpy_helper.from_array(params["head_w"], "head_w"),
        numpy_helper.from_array(params["head_b"], "head_b"),
        numpy_helper.from_array(np.array([-1, HIDDEN], dtype=np.int64), "h_shape"),
        numpy_helper.from_array(np.array([1.0], dtype=np.float32), "one"),
    ]
    nodes = [
        helper.make_node("Sub", ["features", "scale_mean"], ["centred"]),
        helper.make_node("Div", ["centred", "scale_std"], ["scaled"]),
        # onnxruntime's CPU LSTM supports only layout 0 (time-major): [K, N, F].
        helper.make_node("Transpose", ["scaled"], ["time_major"], perm=[1, 0, 2]),
        helper.make_node("LSTM", ["time_major", "lstm_W", "lstm_R", "lstm_B"], ["", "Y_h"], hidden_size=HIDDEN),
        helper.make_node("Reshape", ["Y_h", "h_shape"], ["h_last"]),
        helper.make_node("Gemm", ["h_last", "head_w", "head_b"], ["logit"]),
        helper.make_node("Sigmoid", ["logit"], ["p_up"]),
        helper.make_node("Sub", ["one", "p_up"], ["p_down"]),
        helper.make_node("Concat", ["p_down", "p_up"], ["probabilities"], axis=1),
    ]
    graph = helper.make_graph(
        nodes, "kubetrade_lstm",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", seq_len, n_features])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", 2])],
        init,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="kubetrade-models")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model
