#!/usr/bin/env bash
# `npm run demo`: kubetrade end to end on one machine, with its embedded defaults.
#   1. a real control plane (hack/control-plane.sh; built once, cached)
#   2. the TradingBot CRD, the operator, and examples/tradingbot.yaml
#   3. `kubectl get tradingbots` and the children the operator made
#   4. the bot runtime, started exactly as its Pod would be (the rendered RuntimeConfig from the
#      bot's ConfigMap), paper-trading the synthetic market on a sped-up clock
# There is no kubelet here, so step 4 runs the runtime as a local process instead of in the Pod.
# Environment: KUBETRADE_DEMO_CYCLES (default 30), KUBETRADE_DEMO_SPEED (default 300),
# KUBETRADE_DEMO_KEEP=1 keeps the control plane and operator running afterwards.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
k() { kubectl -n "$ns" "$@"; }
say() { printf '\n\033[1m[demo] %s\033[0m\n' "$*" >&2; }

cycles="${KUBETRADE_DEMO_CYCLES:-30}"
ns="${KUBETRADE_DEMO_NAMESPACE:-kubetrade-demo}"
speed="${KUBETRADE_DEMO_SPEED:-300}"
work=$(mktemp -d "${TMPDIR:-/tmp}/kubetrade-demo.XXXXXX")
operator_pid=""
started_cp=0

cleanup() {
  if [[ "${KUBETRADE_DEMO_KEEP:-0}" == "1" ]]; then
    say "left running (KUBETRADE_DEMO_KEEP=1): operator pid ${operator_pid}; stop with: kill ${operator_pid}; hack/control-plane.sh down"
    return
  fi
  [[ -n "$operator_pid" ]] && kill "$operator_pid" 2>/dev/null && wait "$operator_pid" 2>/dev/null || true
  if [[ $started_cp -eq 1 ]]; then
    bash hack/control-plane.sh down >/dev/null 2>&1 || true
  else
    kubectl delete namespace "$ns" --wait=false >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

say "1/4 control plane"
bash hack/control-plane.sh status >/dev/null 2>&1 || started_cp=1
eval "$(bash hack/control-plane.sh up)"
kubectl version 2>/dev/null | sed 's/^/  /'

say "2/4 CRD, operator, examples/tradingbot.yaml"
kubectl apply --server-side --force-conflicts -f crds/tradingbot.yaml
kubectl wait --for=condition=Established --timeout=30s crd/tradingbots.kubetrade.io >/dev/null
kubectl create namespace "$ns" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
node operator/src/main.ts --leader-elect=false --metrics-bind-address=127.0.0.1:0 --watch-namespace="$ns" \
  >"$work/operator.log" 2>&1 &
operator_pid=$!
echo "  operator pid ${operator_pid}, logs: ${work}/operator.log"
k apply -f examples/tradingbot.yaml
bot=$(kubectl create --dry-run=client -o jsonpath='{.metadata.name}' -f examples/tradingbot.yaml)

say "3/4 what the operator made of it"
for _ in $(seq 1 100); do
  [[ -n "$(k get tradingbot "$bot" -o jsonpath='{.status.observedGeneration}' 2>/dev/null)" ]] && break
  sleep 0.3
done
k get tradingbots
echo
k get deployments,cronjobs,services,configmaps,serviceaccounts,roles,rolebindings -l "kubetrade.io/bot=${bot}"
echo
k get tradingbot "$bot" -o jsonpath='{range .status.conditions[*]}  {.type}={.status} ({.reason}): {.message}{"\n"}{end}'

say "4/4 the bot runtime, as its Pod runs it (${cycles} cycles, clock x${speed})"
cm=$(k get configmaps -l "kubetrade.io/bot=${bot}" -o jsonpath='{.items[0].metadata.name}')
k get configmap "$cm" -o jsonpath='{.data.runtime-config\.json}' >"$work/runtime-config.json"
echo "  RuntimeConfig from ConfigMap ${cm}: $(wc -c <"$work/runtime-config.json") bytes"
node bot-runtime/src/cli/main.ts run --config "$work/runtime-config.json" --speed "$speed" --cycles "$cycles" --listen 127.0.0.1:0

say "done. Next: npm run kubetrade -- backtest -f examples/tradingbot.yaml --data ../shared/data/binance --html report.html"
