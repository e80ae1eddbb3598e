"""The policy network: feature scaling -> MLP (tanh) -> logits over [HOLD, BUY, SELL], plus a value
head for PPO. Plain JAX on purpose: the ONNX export (./onnx_export.py) writes the same few ops, so
the served graph is this function and nothing else."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np


def init_params(key, n_features: int, hidden: tuple[int, ...], n_actions: int = 3) -> dict:
    """Orthogonal init (the PPO default: sqrt(2) gain in the trunk, 0.01 on the policy head so the
    first policy is near uniform, 1.0 on the value head)."""
    def dense(k, n_in, n_out, gain):
        w = jax.nn.initializers.orthogonal(gain)(k, (n_in, n_out), jnp.float32)
        return {"w": w, "b": jnp.zeros((n_out,), jnp.float32)}

    keys = jax.random.split(key, 2 * len(hidden) + 2)
    sizes = (n_features, *hidden)
    trunk = lambda off: [dense(keys[off + i], sizes[i], sizes[i + 1], float(np.sqrt(2))) for i in range(len(hidden))]
    return {
        "pi": trunk(0),
        "pi_out": dense(keys[-2], sizes[-1], n_actions, 0.01),
        "v": trunk(len(hidden)),
        "v_out": dense(keys[-1], sizes[-1], 1, 1.0),
    }


def scale(x, mean, std):
    return (x - mean) / std


def _mlp(layers, head, z):
    for layer in layers:
        z = jnp.tanh(z @ layer["w"] + layer["b"])
    return z @ head["w"] + head["b"]


def logits(params, mean, std, x):
    return _mlp(params["pi"], params["pi_out"], scale(x, mean, std))


def value(params, mean, std, x):
    return _mlp(params["v"], params["v_out"], scale(x, mean, std))[..., 0]


def probabilities(params, mean, std, x):
    """What the ONNX graph outputs: softmax over [HOLD, BUY, SELL]."""
    return jax.nn.softmax(logits(params, mean, std, x), axis=-1)


def feature_scaler(features: np.ndarray, min_std: float) -> tuple[np.ndarray, np.ndarray]:
    """Mean and std of the training rows; a constant feature gets `min_std` so scaling stays finite."""
    mean = features.mean(axis=0, dtype=np.float64)
    std = features.std(axis=0, dtype=np.float64)
    return mean.astype(np.float32), np.maximum(std, min_std).astype(np.float32)
