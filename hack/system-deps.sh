#!/usr/bin/env bash
# Debian packages the tests use besides PostgreSQL and Redis (hack/services.sh installs those):
# chromium renders the backtest's HTML report; lua5.4 runs the Argo CD health check.
# Installs only what is missing; does nothing on a machine that has them.
set -euo pipefail
say() { printf '[system-deps] %s\n' "$*" >&2; }
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v lua5.4 >/dev/null 2>&1 || missing+=(lua5.4)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [[ ${#missing[@]} -eq 0 ]]; then
  say "all present"
  exit 0
fi
command -v apt-get >/dev/null 2>&1 || { say "error: missing ${missing[*]} and no apt-get; install them yourself"; exit 1; }
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
apt=($sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y -qq)
say "installing ${missing[*]}"
"${apt[@]}" install "${missing[@]}" >&2 ||
  { "${apt[@]}" update >&2 && "${apt[@]}" --fix-broken install >&2 && "${apt[@]}" install "${missing[@]}" >&2; }
