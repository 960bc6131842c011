#!/usr/bin/env bash
# Measures the server's req/s per endpoint with wrk (not a Go client) over
# loopback: a real server.Serve on 127.0.0.1, wrk -t1 -c1 and -t2 -c16, the
# memory and the bbolt store, and prints a table. Each run starts and stops
# its own server (server/wrk_test.go, TestWrk). Run on a quiet machine: the
# load average before and after is printed with the table.
#   scripts/bench-server.sh [duration per run, default 5s]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
if ! command -v wrk >/dev/null; then
  echo "wrk is not installed (scripts/deps.sh installs it)" >&2
  exit 1
fi
out=$(mktemp) log=$(mktemp)
trap 'rm -f "$out" "$log"' EXIT
if ! PASSCROW_WRK=1 PASSCROW_WRK_DURATION="${1:-5s}" PASSCROW_WRK_OUT="$out" \
  go test ./server/ -run '^TestWrk$' -count=1 -v -timeout 20m >"$log" 2>&1; then
  cat "$log"
  exit 1
fi
echo "== server with wrk (keep-alive, loopback)"
cat "$out"
