#!/usr/bin/env bash
# The Helm-installed operator's Pod as a local process, for a cluster without a kubelet (the local
# control plane): hack/demo/operator-pod.sh start|stop [NAMESPACE]. See hack/demo/operator-pod.ts.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# node_modules/.bin first: Node 24 from `npm ci`, whatever node the machine has.
PATH="$root/node_modules/.bin:$PATH" exec node "$root/hack/demo/operator-pod.ts" "$@"
