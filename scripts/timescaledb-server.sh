#!/usr/bin/env bash
# A real TimescaleDB server for the test suites, without Docker: Debian
# trixie's postgresql-17 + postgresql-17-timescaledb (TimescaleDB 2.19, apache
# license) in a debootstrap root, one cluster run inside it with
# `chroot --userspec`, listening on 127.0.0.1. Nothing is installed into the
# machine's own PostgreSQL directories.
#
#   scripts/timescaledb-server.sh up       build the root once (about a minute), start the server
#   scripts/timescaledb-server.sh down     stop it (the root and the cluster stay for the next `up`)
#   scripts/timescaledb-server.sh status   exit 0 when it answers
#   scripts/timescaledb-server.sh url      print its admin URL
#
# Idempotent: `up` reuses a root it already built and a cluster it already
# made, and does nothing when the server already answers. Settings come from
# the environment:
#   AG_TIMESCALEDB_HOME   where the root lives (default /var/tmp/ag-storage-timescaledb)
#   AG_TIMESCALEDB_PORT   its port on 127.0.0.1 (default 5433)
#   AG_DEBIAN_MIRROR      the Debian mirror (default: the machine's own, from /etc/apt)
# Needs root (debootstrap and chroot), or sudo without a password.
set -euo pipefail

HOME_DIR="${AG_TIMESCALEDB_HOME:-/var/tmp/ag-storage-timescaledb}"
PORT="${AG_TIMESCALEDB_PORT:-5433}"
ROOT="${HOME_DIR}/root"
READY_MARK="${ROOT}/.ag-storage-root-ready"
PG_VERSION=17
PG_BIN="/usr/lib/postgresql/${PG_VERSION}/bin"
# Inside the root: the cluster this script owns (the package's own 17/main
# cluster, created by its install script, is left alone and never started).
CLUSTER_DIR="/var/lib/ag-storage/cluster-${PORT}"
LOG_FILE="/var/lib/ag-storage/cluster-${PORT}.log"
PACKAGES="postgresql-${PG_VERSION},postgresql-${PG_VERSION}-timescaledb"

log() { printf '[timescaledb-server] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo -n "$@"
  else die "needs root (debootstrap, chroot); run as root or allow sudo without a password"
  fi
}

url() { printf 'postgres://postgres@127.0.0.1:%s/postgres\n' "$PORT"; }

answers() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -h 127.0.0.1 -p "$PORT" -q 2>/dev/null
  else
    as_root chroot "$ROOT" "${PG_BIN}/pg_isready" -h 127.0.0.1 -p "$PORT" -q 2>/dev/null
  fi
}

debian_mirror() {
  if [ -n "${AG_DEBIAN_MIRROR:-}" ]; then echo "$AG_DEBIAN_MIRROR"; return; fi
  local found
  found="$(grep -h -E '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
    | grep -v -- '-security' | sed -E 's/^URIs:[[:space:]]*//; s/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?//' \
    | awk '{print $1}' | grep -E '^https?://' | head -n 1 || true)"
  echo "${found:-http://deb.debian.org/debian}"
}

ensure_debootstrap() {
  command -v debootstrap >/dev/null 2>&1 && return
  log "installing debootstrap (Debian package)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null
}

build_root() {
  if [ -f "$READY_MARK" ]; then return; fi
  ensure_debootstrap
  local mirror partial
  mirror="$(debian_mirror)"
  partial="${HOME_DIR}/root.partial"
  log "building a Debian trixie root with ${PACKAGES} from ${mirror} (about a minute, ~700 MB)"
  as_root mkdir -p "$HOME_DIR"
  as_root rm -rf "$partial"
  local attempt
  for attempt in 1 2 3; do
    if as_root debootstrap --variant=minbase --include="$PACKAGES" trixie "$partial" "$mirror" >"${HOME_DIR}/debootstrap.log" 2>&1; then
      break
    fi
    log "debootstrap attempt ${attempt} failed (log: ${HOME_DIR}/debootstrap.log)"
    tail -n 5 "${HOME_DIR}/debootstrap.log" >&2 || true
    as_root rm -rf "$partial"
    [ "$attempt" -eq 3 ] && die "could not build the root"
    sleep 5
  done
  [ -x "${partial}${PG_BIN}/postgres" ] || die "the root has no ${PG_BIN}/postgres"
  ls "${partial}/usr/lib/postgresql/${PG_VERSION}/lib/" | grep -q '^timescaledb' || die "the root has no timescaledb library"
  as_root rm -rf "$ROOT"
  as_root mv "$partial" "$ROOT"
  as_root touch "$READY_MARK"
}

in_root_as_postgres() { as_root chroot --userspec=postgres:postgres "$ROOT" "$@"; }

ensure_cluster() {
  if [ -f "${ROOT}${CLUSTER_DIR}/PG_VERSION" ]; then return; fi
  log "creating cluster ${CLUSTER_DIR} (inside the root)"
  as_root rm -rf "${ROOT}${CLUSTER_DIR}"
  as_root chroot "$ROOT" install -d -o postgres -g postgres /var/lib/ag-storage
  in_root_as_postgres "${PG_BIN}/initdb" -D "$CLUSTER_DIR" -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
  as_root tee -a "${ROOT}${CLUSTER_DIR}/postgresql.auto.conf" >/dev/null <<EOF
# written by scripts/timescaledb-server.sh
shared_preload_libraries = 'timescaledb'
listen_addresses = '127.0.0.1'
port = ${PORT}
unix_socket_directories = '/tmp'
max_connections = 200
timescaledb.telemetry_level = off
timescaledb.max_background_workers = 8
max_worker_processes = 16
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
}

start() {
  if answers; then log "already answers on 127.0.0.1:${PORT}"; return; fi
  in_root_as_postgres "${PG_BIN}/pg_ctl" -D "$CLUSTER_DIR" -l "$LOG_FILE" -w -t 60 start >/dev/null \
    || { tail -n 20 "${ROOT}${LOG_FILE}" >&2 || true; die "the server did not start"; }
  local _
  for _ in $(seq 1 30); do answers && break; sleep 1; done
  answers || die "the server started but does not answer on 127.0.0.1:${PORT}"
}

stop() {
  [ -f "${ROOT}${CLUSTER_DIR}/postmaster.pid" ] || { log "not running"; return; }
  in_root_as_postgres "${PG_BIN}/pg_ctl" -D "$CLUSTER_DIR" -m fast -w -t 60 stop >/dev/null || true
}

case "${1:-}" in
  up)
    build_root
    ensure_cluster
    start
    log "TimescaleDB server up: $(url)"
    url
    ;;
  down) stop ;;
  status) answers ;;
  url) url ;;
  *)
    sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
