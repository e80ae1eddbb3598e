#!/usr/bin/env bash
# `npm run demo`: kubetrade end to end on one machine.
#   1. a real control plane (hack/control-plane.sh; built once, cached) — or the cluster in
#      KUBETRADE_DEMO_KUBECONFIG (the tests pass theirs, so the demo never starts a second one)
#   2-5. hack/demo/main.ts: the CRD, the operator, examples/tradingbot.yaml paper-trading replayed
#      real candles as its Pod would run, `kubectl get tradingbots` changing, /metrics, and the
#      rollback rule tripping on a real losing streak (examples/rollback/)
# There is no kubelet here: the demo runs each runtime Pod's container as a local process (its
# ConfigMap, env and ServiceAccount) and reports the Pod Ready when the process answers /readyz.
# Environment: KUBETRADE_DEMO_CI=1 (or --ci) bounded non-interactive run with `[demo:check]` lines;
# KUBETRADE_DEMO_NAMESPACE, KUBETRADE_DEMO_DATA, KUBETRADE_DEMO_KEEP=1 (see hack/demo/main.ts).
# Ctrl-C stops everything the demo started: runtimes, operator, namespace, temp files, and the
# control plane if (and only if) the demo started it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
say() { printf '\n\033[1m[demo] %s\033[0m\n' "$*"; }
[[ " $* " == *" --ci "* ]] && export KUBETRADE_DEMO_CI=1

started_cp=0
driver_pid=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "$driver_pid" ]] && kill -0 "$driver_pid" 2>/dev/null; then
    kill -TERM "$driver_pid" 2>/dev/null || true
    wait "$driver_pid" 2>/dev/null || true
  fi
  if [[ $started_cp -eq 1 ]]; then
    echo "[demo] stopping the control plane the demo started"
    bash hack/control-plane.sh down >/dev/null 2>&1 || true
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "1/5 control plane"
if [[ -n "${KUBETRADE_DEMO_KUBECONFIG:-}" ]]; then
  export KUBECONFIG="$KUBETRADE_DEMO_KUBECONFIG"
  PATH="$(bash hack/control-plane.sh bin-dir):$PATH"
  echo "  using the cluster of KUBETRADE_DEMO_KUBECONFIG=${KUBECONFIG}"
else
  bash hack/control-plane.sh status >/dev/null 2>&1 || started_cp=1
  eval "$(bash hack/control-plane.sh up)"
fi
kubectl version 2>/dev/null | sed 's/^/  /'

# The driver runs in the background so this shell receives Ctrl-C at once and hands it on.
node hack/demo/main.ts &
driver_pid=$!
set +e
wait "$driver_pid"
rc=$?
set -e
driver_pid=""
exit "$rc"
