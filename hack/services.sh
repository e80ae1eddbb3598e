#!/usr/bin/env bash
# PostgreSQL and Redis for tests and the demo, on 127.0.0.1, with throwaway data directories.
#
#   hack/services.sh up      install Debian's postgresql / redis-server when missing, start both on
#                            free loopback ports, print `export DATABASE_URL=... REDIS_URL=...`
#   hack/services.sh down    stop exactly the servers `up` started (never any other)
#   hack/services.sh status  say whether they run; print the exports when they do
#
# Use:  eval "$(hack/services.sh up)"
# Everything human-readable goes to stderr; stdout carries only the export lines.
set -euo pipefail

STATE_DIR="${KUBETRADE_SERVICES_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kubetrade/run/services}"
# PostgreSQL runs as the unprivileged postgres user when we are root, and that user cannot enter
# /root: its data directory lives under /tmp then.
if [[ $(id -u) -eq 0 ]]; then
  PG_DIR="${KUBETRADE_PG_DIR:-${TMPDIR:-/tmp}/kubetrade-pg-$(echo "$STATE_DIR" | md5sum | cut -c1-8)}"
else
  PG_DIR="${KUBETRADE_PG_DIR:-${STATE_DIR}/pg}"
fi
GRACE_SECONDS=15

say() { printf '[services] %s\n' "$*" >&2; }
die() { printf '[services] error: %s\n' "$*" >&2; exit 1; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

pg_bin_dir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [[ -x "$d/initdb" && -x "$d/pg_ctl" ]] && { echo "$d"; return 0; }
  done
  return 1
}

apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "$1 is missing and this is not a Debian/Ubuntu machine; install it yourself"
  local sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  say "installing $* from Debian's packages"
  # The service packages start their own system-wide servers; we only want the binaries.
  local apt=($sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y -qq)
  # A stale package list or a half-configured upgrade left by someone else are the usual failures:
  # refresh the lists and let apt finish what it started, then try once more.
  "${apt[@]}" install "$@" >&2 ||
    { "${apt[@]}" update >&2 && "${apt[@]}" --fix-broken install >&2 && "${apt[@]}" install "$@" >&2; } ||
    die "could not install $*; run: apt-get update && apt-get install $*"
}

ensure_installed() {
  pg_bin_dir >/dev/null || apt_install postgresql
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  # Debian starts the packaged servers on their default ports; those are not ours, so leave them.
}

# PostgreSQL refuses to run as root: run it as the postgres system user when we are root.
as_pg() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

alive_pid() { [[ -f "$1" ]] && kill -0 "$(head -n1 "$1")" 2>/dev/null; }

print_exports() {
  echo "export DATABASE_URL='$(cat "${STATE_DIR}/database_url")'"
  echo "export REDIS_URL='$(cat "${STATE_DIR}/redis_url")'"
}

running() {
  alive_pid "${PG_DIR}/data/postmaster.pid" && alive_pid "${STATE_DIR}/redis.pid" &&
    [[ -f "${STATE_DIR}/database_url" && -f "${STATE_DIR}/redis_url" ]]
}

start_postgres() {
  local bin port
  bin=$(pg_bin_dir)
  port=$(free_port)
  rm -rf "${PG_DIR}"
  mkdir -p "${PG_DIR}"
  if [[ $(id -u) -eq 0 ]]; then chown postgres: "${PG_DIR}"; fi
  say "initialising PostgreSQL $("$bin/postgres" --version | awk '{print $3}') in ${PG_DIR}/data"
  as_pg "$bin/initdb" -D "${PG_DIR}/data" -U kubetrade --auth=trust --encoding=UTF8 --no-sync >/dev/null
  say "starting PostgreSQL on 127.0.0.1:${port}"
  as_pg "$bin/pg_ctl" -D "${PG_DIR}/data" -l "${PG_DIR}/postgres.log" -w -t 60 start \
    -o "-p ${port} -k ${PG_DIR} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null
  as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U kubetrade kubetrade
  echo "postgres://kubetrade@127.0.0.1:${port}/kubetrade" >"${STATE_DIR}/database_url"
}

start_redis() {
  local port
  port=$(free_port)
  mkdir -p "${STATE_DIR}/redis"
  say "starting Redis $(redis-server --version | sed -E 's/.*v=([^ ]+).*/\1/') on 127.0.0.1:${port}"
  redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --dir "${STATE_DIR}/redis" \
    --daemonize yes --pidfile "${STATE_DIR}/redis.pid" --logfile "${STATE_DIR}/redis/redis.log" >&2
  local i
  for ((i = 0; i < 40; i++)); do
    redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 && break
    sleep 0.25
  done
  redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 || die "Redis did not answer on port ${port}"
  echo "redis://127.0.0.1:${port}" >"${STATE_DIR}/redis_url"
}

cmd_up() {
  ensure_installed
  if running; then
    say "already running; reusing them"
    print_exports
    return 0
  fi
  cmd_down >/dev/null 2>&1 || true
  mkdir -p "$STATE_DIR"
  start_postgres
  start_redis
  say "ready"
  print_exports
}

stop_pid() {
  local pid="$1" name="$2" i
  kill -0 "$pid" 2>/dev/null || return 0
  say "stopping ${name} (pid ${pid})"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < GRACE_SECONDS * 4; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.25
  done
  kill -KILL "$pid" 2>/dev/null || true
}

cmd_down() {
  if alive_pid "${PG_DIR}/data/postmaster.pid"; then
    # pg_ctl's fast shutdown; fall back to signals if it hangs.
    as_pg "$(pg_bin_dir)/pg_ctl" -D "${PG_DIR}/data" -m fast -w -t "$GRACE_SECONDS" stop >/dev/null 2>&1 ||
      stop_pid "$(head -n1 "${PG_DIR}/data/postmaster.pid")" postgres
    say "stopped PostgreSQL"
  fi
  if alive_pid "${STATE_DIR}/redis.pid"; then
    stop_pid "$(cat "${STATE_DIR}/redis.pid")" redis-server
  fi
  rm -rf "${PG_DIR}" "${STATE_DIR}/redis" "${STATE_DIR}/redis.pid" "${STATE_DIR}/database_url" "${STATE_DIR}/redis_url"
}

cmd_status() {
  if running; then
    say "running"
    print_exports
  else
    say "not running"
    return 1
  fi
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *) die "usage: hack/services.sh up|down|status" ;;
esac
