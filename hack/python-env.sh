#!/usr/bin/env bash
# The Python environment tests and the model pipeline use: one venv outside the clone, keyed by the
# hash of every requirements file, so a second run on the same machine installs nothing.
#
#   hack/python-env.sh        create/refresh it; prints `export PATH=...` and `export KUBETRADE_PYTHON=...`
# Use:  eval "$(hack/python-env.sh)"
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
say() { printf '[python-env] %s\n' "$*" >&2; }

mapfile -t reqs < <(cd "$root" && git ls-files -co --exclude-standard -- '*requirements*.txt' | sort)
key=$(cd "$root" && cat "${reqs[@]}" /dev/null | sha256sum | cut -c1-12)
venv="${XDG_CACHE_HOME:-$HOME/.cache}/kubetrade/venv"
python=${PYTHON:-python3}
command -v "$python" >/dev/null 2>&1 || { say "error: no python3 on PATH; install Python 3.10+"; exit 1; }

if [[ ! -x "$venv/bin/python" ]]; then
  say "creating ${venv}"
  "$python" -m venv "$venv"
fi
if [[ "$(cat "$venv/.kubetrade-key" 2>/dev/null)" != "$key" ]]; then
  for r in "${reqs[@]}"; do
    say "pip install -r ${r}"
    "$venv/bin/pip" install --disable-pip-version-check -q -r "$root/$r" >&2
  done
  echo "$key" >"$venv/.kubetrade-key"
else
  say "up to date (${venv}, requirements ${key})"
fi
echo "export PATH='${venv}/bin':\"\$PATH\""
echo "export KUBETRADE_PYTHON='${venv}/bin/python'"
