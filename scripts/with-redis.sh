#!/usr/bin/env bash
# Run a command with a throw-away Redis on loopback (no persistence):
#   scripts/with-redis.sh make test
# TEST_REDIS_URL tells the tests where it is; the server stops when the command ends.
set -euo pipefail
if ! command -v redis-server >/dev/null; then
  echo "redis-server is not installed (scripts/system-deps.sh installs it)" >&2
  exit 1
fi
port=${REDIS_PORT_TEST:-56379}
while (echo >/dev/tcp/127.0.0.1/"$port") 2>/dev/null; do port=$((port + 1)); done
dir=$(mktemp -d /tmp/bcd-redis.XXXXXX)
redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no --dir "$dir" \
  --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
cleanup() {
  kill "$(cat "$dir/redis.pid" 2>/dev/null)" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
for _ in $(seq 50); do
  redis-cli -p "$port" ping >/dev/null 2>&1 && break
  sleep 0.1
done
export TEST_REDIS_URL="redis://127.0.0.1:$port/0"
echo "Redis $(redis-server --version | awk '{print $3}' | cut -d= -f2) on 127.0.0.1:$port"
"$@"
