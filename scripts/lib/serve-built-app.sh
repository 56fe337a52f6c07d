#!/usr/bin/env bash
# Usage: serve-built-app.sh <log file> <command…>
# Starts the backend, which serves the built frontend from packages/app/dist, waits until
# it answers, runs the command against it, then stops the backend whatever happened.
set -uo pipefail
log="$1"
shift
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

if curl -fsS -o /dev/null http://localhost:7007/api/mesh/health 2>/dev/null; then
  echo "serve-built-app: something already answers on :7007; stop it first" >&2
  exit 1
fi

# setsid: the backend and its children share one process group we can stop as a whole.
setsid yarn workspace backend start \
  --config ../../app-config.yaml --config ../../app-config.e2e.yaml >"$log" 2>&1 &
backend_pid=$!
stop_backend() { kill -TERM -- "-$backend_pid" 2>/dev/null; wait "$backend_pid" 2>/dev/null; }
trap stop_backend EXIT

for _ in $(seq 1 180); do
  if curl -fsS -o /dev/null http://localhost:7007/api/mesh/health 2>/dev/null &&
    curl -fsS -o /dev/null http://localhost:7007/ 2>/dev/null; then
    "$@"
    exit $?
  fi
  if ! kill -0 "$backend_pid" 2>/dev/null; then
    echo "serve-built-app: the backend exited; its log follows" >&2
    tail -50 "$log" >&2
    exit 1
  fi
  sleep 1
done
echo "serve-built-app: the backend did not answer within 180 s; its log follows" >&2
tail -50 "$log" >&2
exit 1
