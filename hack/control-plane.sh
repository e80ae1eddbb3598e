#!/usr/bin/env bash
# A real Kubernetes control plane on one machine, for tests and the demo.
#
#   hack/control-plane.sh build   build pinned kube-apiserver, kube-controller-manager, kubectl,
#                                 etcd and helm from the Go module proxy into a cache OUTSIDE the clone
#   hack/control-plane.sh up      start etcd + kube-apiserver + kube-controller-manager on free
#                                 loopback ports; prints `export KUBECONFIG=... PATH=...` lines
#   hack/control-plane.sh down    stop exactly what `up` started (apiserver before etcd)
#   hack/control-plane.sh status  say whether it runs and where
#   hack/control-plane.sh bin-dir print the directory holding the binaries (building nothing)
#
# Use:  eval "$(hack/control-plane.sh up)"
# Honours KUBEBUILDER_ASSETS (a folder with kube-apiserver, etcd and optionally kubectl,
# kube-controller-manager) when a user already has envtest binaries.
# Everything human-readable goes to stderr; stdout carries only the export lines.
set -euo pipefail

K8S_VERSION="${KUBETRADE_K8S_VERSION:-v1.34.4}"
ETCD_VERSION="${KUBETRADE_ETCD_VERSION:-v3.6.5}"
HELM_VERSION="${KUBETRADE_HELM_VERSION:-v4.3.1}"

CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/kubetrade"
VERSIONS_KEY="k8s-${K8S_VERSION}_etcd-${ETCD_VERSION}_helm-${HELM_VERSION}"
BIN_DIR="${CACHE_ROOT}/${VERSIONS_KEY}/bin"
STATE_DIR="${KUBETRADE_CP_DIR:-${CACHE_ROOT}/run/control-plane}"
GRACE_SECONDS=20

say() { printf '[control-plane] %s\n' "$*" >&2; }
die() { printf '[control-plane] error: %s\n' "$*" >&2; exit 1; }

# --- where the binaries are -------------------------------------------------------------------

assets_dir() {
  if [[ -n "${KUBEBUILDER_ASSETS:-}" ]]; then
    [[ -x "${KUBEBUILDER_ASSETS}/kube-apiserver" && -x "${KUBEBUILDER_ASSETS}/etcd" ]] ||
      die "KUBEBUILDER_ASSETS=${KUBEBUILDER_ASSETS} has no kube-apiserver and etcd executables"
    echo "${KUBEBUILDER_ASSETS}"
  else
    echo "${BIN_DIR}"
  fi
}

have_all() {
  local dir="$1" b
  for b in kube-apiserver kube-controller-manager kubectl etcd helm; do
    [[ -x "${dir}/${b}" ]] || return 1
  done
}

# --- build ------------------------------------------------------------------------------------

# Every staging module that k8s.io/kubernetes replaces with ./staging/src/... must be pinned to
# the matching v0.Y.Z tag in the wrapper module; the list is derived from that version's go.mod.
staging_replaces() {
  local gomod="$1" minor_tag="v0.${K8S_VERSION#v1.}"
  awk '/=> \.\/staging\/src\// { print $1 }' "$gomod" | sort -u |
    while read -r mod; do printf 'replace %s => %s %s\n' "$mod" "$mod" "$minor_tag"; done
}

build_kubernetes() {
  local work="$1"
  local gomod major minor
  say "fetching k8s.io/kubernetes@${K8S_VERSION} module metadata"
  gomod=$(cd "$work" && go mod download -json "k8s.io/kubernetes@${K8S_VERSION}" |
    sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  [[ -f "$gomod" ]] || die "could not read go.mod of k8s.io/kubernetes@${K8S_VERSION}"
  local gover
  gover=$(awk '/^go / { print $2; exit }' "$gomod")
  mkdir -p "$work/k8s"
  {
    echo "module kubetrade.local/controlplane"
    echo "go ${gover}"
    echo "require k8s.io/kubernetes ${K8S_VERSION}"
    staging_replaces "$gomod"
  } >"$work/k8s/go.mod"
  say "wrapper module pins $(grep -c '^replace' "$work/k8s/go.mod") staging modules"
  major=$(echo "$K8S_VERSION" | sed -E 's/^v([0-9]+)\..*/\1/')
  minor=$(echo "$K8S_VERSION" | sed -E 's/^v[0-9]+\.([0-9]+)\..*/\1/')
  local ldflags="-s -w"
  local pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X ${pkg}.gitVersion=${K8S_VERSION} -X ${pkg}.gitMajor=${major} -X ${pkg}.gitMinor=${minor}"
    ldflags+=" -X ${pkg}.gitTreeState=clean -X ${pkg}.buildDate=1970-01-01T00:00:00Z"
  done
  say "resolving k8s.io/kubernetes@${K8S_VERSION} dependencies"
  (cd "$work/k8s" && GOFLAGS=-mod=mod go get "k8s.io/kubernetes@${K8S_VERSION}" 2>&1 | grep -v '^go: \(downloading\|added\)' >&2 || true)
  local cmd
  for cmd in kube-apiserver kube-controller-manager kubectl; do
    say "building ${cmd} ${K8S_VERSION} (the first build takes minutes)"
    local start=$SECONDS
    (cd "$work/k8s" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "$ldflags" \
      -o "$work/out/${cmd}" "k8s.io/kubernetes/cmd/${cmd}") >&2
    say "built ${cmd} in $((SECONDS - start)) s"
  done
}

build_etcd() {
  local work="$1"
  mkdir -p "$work/etcd"
  cat >"$work/etcd/main.go" <<'EOF'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
EOF
  printf 'module kubetrade.local/etcd\ngo 1.24\n' >"$work/etcd/go.mod"
  say "building etcd ${ETCD_VERSION}"
  local start=$SECONDS
  (cd "$work/etcd" && GOFLAGS=-mod=mod go get "go.etcd.io/etcd/server/v3@${ETCD_VERSION}" 2>&1 | grep -v '^go: \(downloading\|added\)' >&2;
    CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w" -o "$work/out/etcd" .) >&2
  say "built etcd in $((SECONDS - start)) s"
}

build_helm() {
  local work="$1"
  say "building helm ${HELM_VERSION}"
  local start=$SECONDS
  mkdir -p "$work/helm"
  printf 'module kubetrade.local/helm\ngo 1.25\n' >"$work/helm/go.mod"
  (cd "$work/helm" && GOFLAGS=-mod=mod go get "helm.sh/helm/v4@${HELM_VERSION}" 2>&1 | grep -v '^go: \(downloading\|added\)' >&2;
    CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath \
      -ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=${HELM_VERSION}" \
      -o "$work/out/helm" helm.sh/helm/v4/cmd/helm) >&2
  say "built helm in $((SECONDS - start)) s"
}

cmd_build() {
  if [[ -n "${KUBEBUILDER_ASSETS:-}" ]]; then
    assets_dir >/dev/null
    say "using KUBEBUILDER_ASSETS=${KUBEBUILDER_ASSETS}; nothing to build"
    return 0
  fi
  if have_all "$BIN_DIR"; then
    say "cached: ${BIN_DIR} (${VERSIONS_KEY})"
    return 0
  fi
  command -v go >/dev/null 2>&1 || die "no cached binaries in ${BIN_DIR} and no Go toolchain on PATH.
  Either install Go (>= 1.24; https://go.dev/doc/install or your distribution's golang package) and run
  'hack/control-plane.sh build', or point KUBEBUILDER_ASSETS at a folder that holds kube-apiserver and
  etcd (e.g. the output of 'setup-envtest use -p path')."
  BUILD_WORK=$(mktemp -d "${TMPDIR:-/tmp}/kubetrade-cp-build.XXXXXX")
  trap 'rm -rf "${BUILD_WORK:-}"' EXIT
  local work="$BUILD_WORK"
  mkdir -p "$work/out"
  local start=$SECONDS
  say "building ${VERSIONS_KEY} into ${BIN_DIR}"
  build_etcd "$work"
  build_helm "$work"
  build_kubernetes "$work"
  mkdir -p "$BIN_DIR"
  # Install atomically so a cancelled build never leaves a half-filled cache.
  local b
  for b in "$work"/out/*; do
    cp "$b" "${BIN_DIR}/.$(basename "$b").tmp" && mv "${BIN_DIR}/.$(basename "$b").tmp" "${BIN_DIR}/$(basename "$b")"
  done
  say "done in $((SECONDS - start)) s: $(ls "$BIN_DIR" | tr '\n' ' ')"
}

# --- up / down --------------------------------------------------------------------------------

# pick_port NAME PREFERRED: the preferred port when it is free, else one the kernel hands out.
# A port someone else holds is never a failure, only another port (said on stderr).
pick_port() {
  local name="$1" preferred="${2:-}"
  python3 - "$name" "$preferred" <<'PY'
import socket, sys
name, preferred = sys.argv[1], sys.argv[2]
def bind(port):
    s = socket.socket()
    s.bind(("127.0.0.1", port))
    got = s.getsockname()[1]
    s.close()
    return got
if preferred:
    try:
        print(bind(int(preferred)))
        sys.exit(0)
    except OSError:
        port = bind(0)
        print(f"[control-plane] port {preferred} for {name} is taken; using {port}", file=sys.stderr)
        print(port)
        sys.exit(0)
print(bind(0))
PY
}

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

print_exports() {
  local dir
  dir=$(assets_dir)
  echo "export KUBECONFIG='${STATE_DIR}/admin.kubeconfig'"
  echo "export PATH='${dir}':\"\$PATH\""
}

wait_ready() {
  local url="$1" what="$2" tries="${3:-120}" i
  for ((i = 0; i < tries; i++)); do
    if curl -fsk --max-time 2 --cert "${STATE_DIR}/pki/admin.crt" --key "${STATE_DIR}/pki/admin.key" \
      "$url" >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.25
  done
  die "${what} did not become ready at ${url}; see ${STATE_DIR}/logs/"
}

make_pki() {
  local pki="${STATE_DIR}/pki"
  mkdir -p "$pki"
  [[ -f "$pki/ca.crt" ]] && return 0
  say "generating certificates in ${pki}"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=kubetrade-local-ca" \
    -keyout "$pki/ca.key" -out "$pki/ca.crt" 2>/dev/null
  cat >"$pki/san.cnf" <<'EOF'
subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc
EOF
  openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" -keyout "$pki/apiserver.key" \
    -out "$pki/apiserver.csr" 2>/dev/null
  openssl x509 -req -in "$pki/apiserver.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 3650 -extfile "$pki/san.cnf" -out "$pki/apiserver.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/O=system:masters/CN=kubetrade-admin" \
    -keyout "$pki/admin.key" -out "$pki/admin.csr" 2>/dev/null
  openssl x509 -req -in "$pki/admin.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 3650 -out "$pki/admin.crt" 2>/dev/null
  openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
  openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
}

write_kubeconfig() {
  local port="$1" file="$2" pki="${STATE_DIR}/pki"
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: kubetrade-local
  cluster:
    server: https://127.0.0.1:${port}
    certificate-authority: ${pki}/ca.crt
users:
- name: admin
  user:
    client-certificate: ${pki}/admin.crt
    client-key: ${pki}/admin.key
contexts:
- name: kubetrade-local
  context: { cluster: kubetrade-local, user: admin, namespace: default }
current-context: kubetrade-local
EOF
}

cmd_up() {
  local dir
  dir=$(assets_dir)
  if [[ ! -x "${dir}/kube-apiserver" || ! -x "${dir}/etcd" ]]; then
    if command -v go >/dev/null 2>&1 && [[ -z "${KUBEBUILDER_ASSETS:-}" ]]; then
      cmd_build
    else
      die "no control-plane binaries in ${dir} and no Go toolchain to build them.
  Install Go and run 'hack/control-plane.sh build', or set KUBEBUILDER_ASSETS to a folder with
  kube-apiserver and etcd."
    fi
  fi
  if alive "${STATE_DIR}/kube-apiserver.pid" && [[ -f "${STATE_DIR}/admin.kubeconfig" ]]; then
    say "already running ($(cat "${STATE_DIR}/endpoint")); reusing it"
    print_exports
    return 0
  fi
  # A half-started previous run: stop its remains first.
  cmd_down >/dev/null 2>&1 || true
  mkdir -p "${STATE_DIR}/logs"
  make_pki
  local pki="${STATE_DIR}/pki"
  local etcd_port etcd_peer api_port cm_port
  etcd_port=$(pick_port etcd "${KUBETRADE_ETCD_PORT:-}")
  etcd_peer=$(pick_port etcd-peer "")
  api_port=$(pick_port kube-apiserver "${KUBETRADE_APISERVER_PORT:-}")
  cm_port=$(pick_port kube-controller-manager "")
  rm -rf "${STATE_DIR}/etcd-data"

  say "starting etcd on 127.0.0.1:${etcd_port}"
  setsid "${dir}/etcd" --data-dir "${STATE_DIR}/etcd-data" --unsafe-no-fsync \
    --listen-client-urls "http://127.0.0.1:${etcd_port}" --advertise-client-urls "http://127.0.0.1:${etcd_port}" \
    --listen-peer-urls "http://127.0.0.1:${etcd_peer}" --initial-advertise-peer-urls "http://127.0.0.1:${etcd_peer}" \
    --initial-cluster "default=http://127.0.0.1:${etcd_peer}" --log-level warn \
    >"${STATE_DIR}/logs/etcd.log" 2>&1 </dev/null &
  echo $! >"${STATE_DIR}/etcd.pid"

  say "starting kube-apiserver on 127.0.0.1:${api_port}"
  setsid "${dir}/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:${etcd_port}" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "${api_port}" \
    --cert-dir "${STATE_DIR}/pki" \
    --tls-cert-file "${pki}/apiserver.crt" --tls-private-key-file "${pki}/apiserver.key" \
    --client-ca-file "${pki}/ca.crt" \
    --authorization-mode RBAC \
    --service-account-issuer "https://kubernetes.default.svc" \
    --service-account-key-file "${pki}/sa.pub" --service-account-signing-key-file "${pki}/sa.key" \
    --service-cluster-ip-range 10.0.0.0/24 \
    --allow-privileged=true \
    --disable-admission-plugins ServiceAccount \
    >"${STATE_DIR}/logs/kube-apiserver.log" 2>&1 </dev/null &
  echo $! >"${STATE_DIR}/kube-apiserver.pid"
  echo "https://127.0.0.1:${api_port}" >"${STATE_DIR}/endpoint"
  write_kubeconfig "$api_port" "${STATE_DIR}/admin.kubeconfig"
  wait_ready "https://127.0.0.1:${api_port}/readyz" kube-apiserver 240

  if [[ -x "${dir}/kube-controller-manager" ]]; then
    say "starting kube-controller-manager (garbage collector, deployments, replicasets, jobs, cronjobs)"
    setsid "${dir}/kube-controller-manager" \
      --kubeconfig "${STATE_DIR}/admin.kubeconfig" \
      --bind-address 127.0.0.1 --secure-port "${cm_port}" \
      --leader-elect=false --use-service-account-credentials=false \
      --service-account-private-key-file "${pki}/sa.key" --root-ca-file "${pki}/ca.crt" \
      --cluster-signing-cert-file "${pki}/ca.crt" --cluster-signing-key-file "${pki}/ca.key" \
      --controllers '*,-serviceaccount-token' \
      >"${STATE_DIR}/logs/kube-controller-manager.log" 2>&1 </dev/null &
    echo $! >"${STATE_DIR}/kube-controller-manager.pid"
    wait_ready "https://127.0.0.1:${cm_port}/healthz" kube-controller-manager 120
  else
    say "no kube-controller-manager in ${dir}: owner-reference garbage collection will not run"
  fi
  say "ready: https://127.0.0.1:${api_port} (logs in ${STATE_DIR}/logs)"
  print_exports
}

stop_pid_file() {
  local file="$1" name="$2" pid i
  [[ -f "$file" ]] || return 0
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    say "stopping ${name} (pid ${pid})"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < GRACE_SECONDS * 4; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
    if kill -0 "$pid" 2>/dev/null; then
      say "${name} ignored SIGTERM for ${GRACE_SECONDS} s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$file"
}

cmd_down() {
  # Order matters: an apiserver whose etcd is gone ignores SIGTERM for a long time.
  stop_pid_file "${STATE_DIR}/kube-controller-manager.pid" kube-controller-manager
  stop_pid_file "${STATE_DIR}/kube-apiserver.pid" kube-apiserver
  stop_pid_file "${STATE_DIR}/etcd.pid" etcd
  rm -rf "${STATE_DIR}/etcd-data" "${STATE_DIR}/endpoint"
}

cmd_status() {
  if alive "${STATE_DIR}/kube-apiserver.pid"; then
    say "running at $(cat "${STATE_DIR}/endpoint")"
    print_exports
  else
    say "not running"
    return 1
  fi
}

case "${1:-}" in
  build) cmd_build ;;
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  bin-dir) assets_dir ;;
  *) die "usage: hack/control-plane.sh build|up|down|status|bin-dir" ;;
esac
