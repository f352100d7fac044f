#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server on a loopback port, exported to the command
# as DOJO_TEST_POSTGRES_URL. Without PostgreSQL binaries the command runs alone and the
# Postgres tests skip with a reason. Tests run it with fsync off (fast, nothing to keep);
# DOJO_PG_DURABLE=1 keeps PostgreSQL's durable defaults, as benchmarks need to be realistic.
set -euo pipefail

# Where initdb lives: on PATH (Homebrew, Nix, Fedora, a conda env), then where pg_config says,
# then Debian's versioned layout (the newest wins). A symlink is followed, so pg_ctl beside the
# real initdb is the one used.
bindir=""
if command -v initdb >/dev/null 2>&1 && [ -x "$(dirname "$(readlink -f "$(command -v initdb)")")/pg_ctl" ]; then
  bindir="$(dirname "$(readlink -f "$(command -v initdb)")")"
elif command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
  bindir="$(pg_config --bindir)"
else
  for candidate in /usr/lib/postgresql/*/bin; do
    [ -x "$candidate/initdb" ] && bindir="$candidate"
  done
fi
if [ -z "$bindir" ] || [ -n "${DOJO_TEST_POSTGRES_URL:-}" ]; then
  [ -z "$bindir" ] && echo "with-postgres: no PostgreSQL binaries found; Postgres tests will skip" >&2
  exec "$@"
fi

port="${DOJO_TEST_PG_PORT:-$(( 20000 + RANDOM % 20000 ))}"
dir="$(mktemp -d /tmp/dojo-pg.XXXXXX)"
as_pg() { "$@"; }
# PostgreSQL refuses to run as root: as root, run it as a `postgres` system user, created if missing.
if [ "$(id -u)" = "0" ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$dir"
  as_pg() { runuser -u postgres -- "$@"; }
fi
cleanup() { as_pg "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT

as_pg "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >/dev/null
speed="-c fsync=off -c full_page_writes=off"
[ -n "${DOJO_PG_DURABLE:-}" ] && speed=""
as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir $speed -c max_connections=200" \
  start >/dev/null
export DOJO_TEST_POSTGRES_URL="postgresql+asyncpg://postgres@127.0.0.1:$port/postgres"
"$@"
