#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL server on a free loopback port, then stops it.
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PGDIR=$(mktemp -d /tmp/ct-pg.XXXXXX)
PGPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
chown postgres:postgres "$PGDIR"; chmod 700 "$PGDIR"
as_pg() { runuser -u postgres -- "$@"; }
stop() { as_pg "$PGBIN/pg_ctl" -D "$PGDIR" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$PGDIR"; }
trap stop EXIT
as_pg "$PGBIN/initdb" -D "$PGDIR" -A trust -U postgres --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$PGDIR" -l "$PGDIR/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDIR -c fsync=off -c max_connections=200" start >/dev/null
as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" app
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PGPORT"
export DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PGPORT/app"
export PG_BIN="$PGBIN"
"$@"
