"""The ONNX model contract between the trainers and the runtime (bot-runtime/src/engines/onnx-model.ts
checks it at start-up and on every hot reload): four `metadata_props` keys.

  kubetrade.features       JSON array of the feature names in input order (== FEATURE_NAMES of
                           bot-runtime/src/engines/features.ts, i.e. the export's header)
  kubetrade.model_version  string
  kubetrade.trained_at     ISO-8601 UTC
  kubetrade.kind           classifier | policy
"""

from __future__ import annotations

import datetime as dt
import json

KINDS = ("classifier", "policy")


def stamp(model, feature_names: list[str], version: str, kind: str, trained_at: str | None = None):
    """Writes the contract keys into `model` (an onnx.ModelProto), replacing earlier values."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    when = trained_at or dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    wanted = {
        "kubetrade.features": json.dumps(list(feature_names)),
        "kubetrade.model_version": version,
        "kubetrade.trained_at": when,
        "kubetrade.kind": kind,
    }
    keep = [p for p in model.metadata_props if p.key not in wanted]
    del model.metadata_props[:]
    for p in keep:
        model.metadata_props.add(key=p.key, value=p.value)
    for k, v in wanted.items():
        model.metadata_props.add(key=k, value=v)
    return model


def read(model) -> dict[str, str]:
    return {p.key: p.value for p in model.metadata_props}
