#!/usr/bin/env bash
# Installs PostgreSQL from Debian packages (time-boxed) and starts a throwaway cluster on a free
# loopback port, owned by the postgres user, in a temp dir. Prints `TEST_POSTGRES_URL=…` on
# success; prints why and exits non-zero when it cannot (the PostgreSQL tests then skip).
# Usage: bash .ci/postgres.sh start   → writes the data dir to /tmp/facet-pt-cds-pg.dir
#        bash .ci/postgres.sh stop
set -uo pipefail
STATE=/tmp/facet-pt-cds-pg.dir

bindir () { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

if [ "${1:-}" = stop ] || { [ "${1:-}" = start ] && [ -f "$STATE" ]; }; then
  [ -f "$STATE" ] || exit 0
  dir=$(cat "$STATE")
  su postgres -s /bin/sh -c "cd /tmp && $(bindir)/pg_ctl -D '$dir/data' -m fast -w stop" >/dev/null 2>&1 || true
  rm -rf "$dir" "$STATE"
  [ "${1:-}" = stop ] && exit 0
fi

if [ -z "$(bindir)" ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "== installing postgresql (apt, time-boxed)" >&2
    timeout 300 apt-get update -qq >&2 || echo "apt-get update failed or timed out" >&2
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq --no-install-recommends postgresql >&2 \
      || echo "apt-get install postgresql failed or timed out" >&2
  fi
fi
BIN=$(bindir)
if [ -z "$BIN" ]; then echo "PostgreSQL is not installed and could not be installed" >&2; exit 1; fi
if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then echo "no postgres user" >&2; exit 1; fi
run () { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "cd /tmp && $1"; else sh -c "$1"; fi; }

dir=$(mktemp -d /tmp/facet-pt-cds-pg.XXXXXX)
chmod 755 "$dir"
[ "$(id -u)" = 0 ] && chown postgres "$dir"
port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
run "$BIN/initdb -D '$dir/data' -U postgres -A trust -E UTF8 --no-sync >'$dir/initdb.log' 2>&1" || { cat "$dir/initdb.log" >&2; exit 1; }
run "$BIN/pg_ctl -D '$dir/data' -l '$dir/server.log' -w -t 60 -o \"-p $port -k '$dir' -c listen_addresses=127.0.0.1 -c fsync=off\" start >/dev/null" \
  || { cat "$dir/server.log" >&2; exit 1; }
echo "$dir" > "$STATE"
run "$BIN/createdb -h 127.0.0.1 -p $port -U postgres facet_pt_cds_test" || { echo "createdb failed" >&2; exit 1; }
echo "TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:$port/facet_pt_cds_test"
