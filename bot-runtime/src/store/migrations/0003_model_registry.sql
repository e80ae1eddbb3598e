-- The model registry (issue 9): every retrained model, versioned, with its ONNX bytes, hash and
-- metrics, readable by every replica of the runtime. A model is `promoted` (served), `candidate`
-- (kept with the reason it was not promoted) or `retired` (served before a newer promotion).
-- model-registry/registry.ts is the only writer; the runtime reads the promoted version each cycle.
CREATE TABLE model_versions (
  name text NOT NULL,
  version text NOT NULL,
  -- lgbm | lstm: what trained it (the ONNX metadata's kubetrade.kind says how it is served).
  kind text NOT NULL,
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  onnx bytea NOT NULL,
  -- The promotion score (hold-out AUC on the latest window) and everything the trainer measured.
  score double precision NOT NULL,
  metrics jsonb NOT NULL,
  state text NOT NULL CHECK (state IN ('promoted', 'candidate', 'retired')),
  reason text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  promoted_at timestamptz,
  retired_at timestamptz,
  PRIMARY KEY (name, version)
);

-- At most one served version per model name: the runtime's cheap per-cycle check reads this row.
CREATE UNIQUE INDEX model_versions_one_promoted ON model_versions (name) WHERE state = 'promoted';
