# syntax=docker/dockerfile:1.7
# kubetrade images, one multi-stage file. Targets:
#   operator  — the controller              (ghcr.io/kubetrade/operator)
#   runtime   — the trading process + CLI   (ghcr.io/kubetrade/bot-runtime)
#   trainer   — the nightly retrain job     (ghcr.io/kubetrade/trainer)
# Node 24 LTS runs the TypeScript sources directly (type stripping): there is no build step, only
# production dependencies. Every target runs as the non-root user 65532, which the operator's
# Pod specs (runAsNonRoot, readOnlyRootFilesystem) expect.
# hack/image-smoke.ts replays these steps in a temporary folder and starts each entry point, so
# the file is tested on machines without a Docker engine.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY crds/package.json crds/package.json
COPY operator/package.json operator/package.json
COPY bot-runtime/package.json bot-runtime/package.json

# Production dependencies of one workspace each, so the operator image carries no ONNX runtime.
# --omit=optional: the image has Node 24 already, so the node-linux-* packages are not needed.
# --ignore-scripts: onnxruntime-node ships its CPU binaries; its install script only fetches CUDA.
FROM manifests AS operator-deps
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund -w operator -w crds

FROM manifests AS runtime-deps
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund -w bot-runtime -w crds && \
    arch=$(uname -m | sed 's/x86_64/x64/;s/aarch64/arm64/') && \
    find node_modules/onnxruntime-node/bin -mindepth 3 -maxdepth 3 -type d ! -path "*/linux/${arch}" -exec rm -rf {} +

FROM ${NODE_IMAGE} AS base
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package.json
COPY crds/package.json crds/package.json
COPY crds/src crds/src

FROM base AS operator
COPY --from=operator-deps /app/node_modules node_modules
COPY operator/package.json operator/package.json
COPY operator/bin operator/bin
COPY operator/src operator/src
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["node", "operator/src/main.ts"]

FROM base AS runtime
COPY --from=runtime-deps /app/node_modules node_modules
COPY bot-runtime/package.json bot-runtime/package.json
COPY bot-runtime/bin bot-runtime/bin
COPY bot-runtime/src bot-runtime/src
COPY models/baseline models/baseline
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["node", "bot-runtime/src/cli/main.ts"]

FROM runtime AS trainer
USER root
RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-venv && rm -rf /var/lib/apt/lists/*
COPY models/requirements.txt models/requirements.txt
# ~1.1 GB installed (JAX + jaxlib ~650 MB, scipy, onnxruntime, LightGBM): CPU wheels only, no torch
# and no CUDA (docs/decisions/0003-ml-stack.md). hack/image-smoke.ts runs this step once per
# requirements hash into a cached venv and verifies the pins.
RUN python3 -m venv .venv && .venv/bin/pip install --no-cache-dir -r models/requirements.txt
# `kubetrade retrain` runs models/retrain.py (LightGBM + LSTM) with these modules.
COPY models/retrain.py models/lstm_model.py models/onnx_contract.py models/retrain_card.py models/model_card.py models/train_baseline.py models/
# `python -m models.rl.train` (the RL policy's trainer, models/rl/README.md): its modules only — no
# tests, no fixtures and no models/rl/build export (~100 MB), which the trainer rewrites when run.
COPY models/rl/__init__.py models/rl/card.py models/rl/data.py models/rl/env.py models/rl/evaluate.py models/rl/onnx_export.py models/rl/policy.py models/rl/ppo.py models/rl/rules.py models/rl/train.py models/rl/
ENV PATH=/app/.venv/bin:$PATH KUBETRADE_PYTHON=/app/.venv/bin/python
USER 65532:65532
ENTRYPOINT ["node", "bot-runtime/src/cli/main.ts"]
