#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests: `scripts/pg-tmp.sh start` prints the URL to use as
# TATARA_DATABASE_URL; `scripts/pg-tmp.sh stop` removes it. Needs PostgreSQL server binaries
# (Debian: postgresql); initdb refuses root, so as root the cluster runs as user postgres.
set -euo pipefail
PORT="${TATARA_PG_PORT:-5433}"
DATA="${TATARA_PG_DIR:-/tmp/tatara-pgdata-$PORT}"
BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
  echo "no PostgreSQL server binaries found (install the Debian package postgresql)" >&2
  exit 3
fi
as_pg() {
  if [ "$(id -u)" = "0" ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}
case "${1:-}" in
  start)
    if [ ! -f "$DATA/PG_VERSION" ]; then
      mkdir -p "$DATA"
      [ "$(id -u)" = "0" ] && chown postgres:postgres "$DATA"
      as_pg "'$BIN/initdb' -D '$DATA' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
    fi
    if ! as_pg "'$BIN/pg_ctl' -D '$DATA' status" >/dev/null 2>&1; then
      as_pg "'$BIN/pg_ctl' -D '$DATA' -o '-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off' -l '$DATA/log.txt' -w start" >/dev/null
    fi
    echo "postgres://postgres@127.0.0.1:$PORT/tatara"
    ;;
  stop)
    as_pg "'$BIN/pg_ctl' -D '$DATA' -m fast stop" >/dev/null 2>&1 || true
    rm -rf "$DATA"
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
