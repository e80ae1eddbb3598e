#!/usr/bin/env bash
# promtool (Prometheus' rule checker and rule unit-test runner), pinned and cached beside the
# control plane so `promtool check rules` / `promtool test rules` run the real thing in tests.
#
#   hack/promtool.sh build   go install the pinned promtool into the cache (about 5 minutes the
#                            first time; nothing when it is already there)
#   hack/promtool.sh path    print the promtool executable's path (building nothing); fails with
#                            one clear message when it is not built
#
# Prometheus 3.x is published to the Go module proxy as v0.3XY.Z module versions:
# v0.316.0 is Prometheus 3.16.0 (`go list -m -versions github.com/prometheus/prometheus`).
# Everything human-readable goes to stderr; stdout carries only the path.
set -euo pipefail

PROMETHEUS_MODULE_VERSION="${KUBETRADE_PROMETHEUS_MODULE_VERSION:-v0.316.0}"
CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/kubetrade"
BIN_DIR="${CACHE_ROOT}/promtool-${PROMETHEUS_MODULE_VERSION}"
PROMTOOL="${BIN_DIR}/promtool"

say() { printf '[promtool] %s\n' "$*" >&2; }
die() { printf '[promtool] error: %s\n' "$*" >&2; exit 1; }

build() {
  if [[ -x "$PROMTOOL" ]]; then
    say "cached: $PROMTOOL"
    echo "$PROMTOOL"
    return
  fi
  command -v go >/dev/null 2>&1 ||
    die "promtool ${PROMETHEUS_MODULE_VERSION} is not in ${BIN_DIR} and Go is not installed; install Go >= 1.24 (https://go.dev/dl/) and run hack/promtool.sh build"
  mkdir -p "$BIN_DIR"
  # Install into a scratch folder and move it in last, so an interrupted build never leaves a
  # half-written binary that `path` would hand out.
  BUILD_TMP="$(mktemp -d "${BIN_DIR}/.build.XXXXXX")"
  trap 'rm -rf "${BUILD_TMP:-}"' EXIT
  local tmp="$BUILD_TMP"
  say "building github.com/prometheus/prometheus/cmd/promtool@${PROMETHEUS_MODULE_VERSION} with $(go version | cut -d' ' -f3) (first time: about 5 minutes)"
  local started=$SECONDS
  CGO_ENABLED=0 GOBIN="$tmp" go install -trimpath -ldflags "-s -w" \
    "github.com/prometheus/prometheus/cmd/promtool@${PROMETHEUS_MODULE_VERSION}" 2>&1 |
    grep -v '^go: downloading' >&2 || true
  [[ -x "$tmp/promtool" ]] || die "go install of promtool@${PROMETHEUS_MODULE_VERSION} failed (see the lines above)"
  mv "$tmp/promtool" "$PROMTOOL"
  say "built promtool ${PROMETHEUS_MODULE_VERSION} in $((SECONDS - started)) s: $PROMTOOL"
  echo "$PROMTOOL"
}

path() {
  [[ -x "$PROMTOOL" ]] ||
    die "promtool ${PROMETHEUS_MODULE_VERSION} is not built; run hack/promtool.sh build (needs Go)"
  echo "$PROMTOOL"
}

case "${1:-}" in
  build) build ;;
  path) path ;;
  *) die "usage: hack/promtool.sh build|path" ;;
esac
