#!/usr/bin/env bash
# Run a command with a throw-away PostgreSQL server on loopback:
#   scripts/with-postgres.sh make test
# The server lives in a temporary folder owned by the postgres user and is removed afterwards.
# TEST_POSTGRES_URL tells the tests where it is.
set -euo pipefail
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pgbin" ]; then
  echo "PostgreSQL is not installed (scripts/system-deps.sh installs it)" >&2
  exit 1
fi
port=${PGPORT_TEST:-55432}
dir=$(mktemp -d /tmp/bcd-pg.XXXXXX)
chown postgres: "$dir"
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  as_pg "$pgbin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
as_pg "$pgbin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
# a port can still be held by a server that is shutting down (it refuses connections but
# keeps the port): try the next one, and show the log only if every try fails
started=""
for _ in 1 2 3 4 5; do
  while (echo >/dev/tcp/127.0.0.1/"$port") 2>/dev/null; do port=$((port + 1)); done
  if as_pg "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off" \
    start >/dev/null 2>&1; then
    started=1
    break
  fi
  port=$((port + 1))
done
if [ -z "$started" ]; then
  echo "PostgreSQL did not start; its log:" >&2
  cat "$dir/log" >&2 || true
  exit 1
fi
as_pg "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U postgres bcd_test
export TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$port/bcd_test"
echo "PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
"$@"
