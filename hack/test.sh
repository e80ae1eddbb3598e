#!/usr/bin/env bash
# The test command (README: `npm test`): type-check, lint, then every Vitest test — unit tests and
# integration tests against a real kube-apiserver + etcd + kube-controller-manager, PostgreSQL and
# Redis (started by test/global-setup.ts, reused when already up). The last line is the summary
# `tests: N passed, N failed`, where the type-check, the lint and the
# Python unit tests of models/ count as one check each.
# Extra arguments go to Vitest (e.g. `npm test -- operator/` or `npm test -- --project unit`).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
results="$root/.test-results"
mkdir -p "$results"

echo "[test] node $(node --version) ($(command -v node)), npm $(npm --version)"
case "$(node --version)" in
  v2[4-9].* | v[3-9][0-9].*) ;;
  *) echo "[test] error: the tests need Node >= 24; run them through npm (npm test) so node_modules/.bin/node is used" >&2; exit 1 ;;
esac

eval "$(bash hack/python-env.sh)"

checks_failed=0
checks_passed=0
step() {
  local name="$1"; shift
  echo "[test] ${name}: $*"
  if "$@"; then
    checks_passed=$((checks_passed + 1))
  else
    echo "[test] ${name} FAILED" >&2
    checks_failed=$((checks_failed + 1))
  fi
}
step typecheck tsc -p tsconfig.json --noEmit
step lint biome check --diagnostic-level=error .
step python-tests "${KUBETRADE_PYTHON:-python3}" -m unittest discover -s models -p 'test_*.py'

rm -f "$results/vitest.json"
vitest run --reporter=default --reporter=json --outputFile.json="$results/vitest.json" "$@"
vitest_rc=$?

node hack/test-summary.ts "$results/vitest.json" "$checks_passed" "$checks_failed"
summary_rc=$?
if [[ $vitest_rc -ne 0 || $checks_failed -ne 0 || $summary_rc -ne 0 ]]; then
  exit 1
fi
