#!/usr/bin/env bash
# Measures the server with wrk over loopback, in one run: req/s with p50 and
# p99 latency per endpoint (policy, escrow, verification and recovery, the
# last two over many pre-made escrows, one per request) at concurrency 1
# (wrk -t1 -c1) and 16 (-t2 -c16), on the bbolt store, and on PostgreSQL
# too with --db postgres (a throwaway local cluster from Debian's packages);
# beside them, the one-append-and-fdatasync-per-write rate of the same disk,
# and every figure as a ratio against issue 9's targets. Each run starts and
# stops its own server (server/wrk_test.go, TestWrk). The load average
# before and after is printed with the table: run on a quiet machine.
# With --reference FILE the ratios are against the reference server's
# rates in FILE (lines: endpoint connections req/s, e.g. "policy 16 1644"),
# measured with the same wrk settings just before or after this run; the
# reference itself is not part of this project (docs/OPERATORS.md says how
# it was measured).
#   scripts/bench-server.sh [--db postgres] [--reference FILE] [duration per run, default 5s]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
pg=0 reference=""
while [ $# -gt 0 ]; do
  case "$1" in
  --db)
    [ "${2:-}" = "postgres" ] || { echo "usage: $0 [--db postgres] [--reference FILE] [duration]" >&2; exit 2; }
    pg=1
    shift 2 ;;
  --reference)
    [ -r "${2:-}" ] || { echo "$0: --reference needs a readable file" >&2; exit 2; }
    reference=$(realpath "$2")
    shift 2 ;;
  *) break ;;
  esac
done
if ! command -v wrk >/dev/null; then
  echo "wrk is not installed (scripts/deps.sh installs it)" >&2
  exit 1
fi
out=$(mktemp) log=$(mktemp)
trap 'rm -f "$out" "$log"' EXIT
if ! PASSCROW_WRK=1 PASSCROW_WRK_PG=$pg PASSCROW_WRK_REFERENCE="$reference" PASSCROW_WRK_DURATION="${1:-5s}" PASSCROW_WRK_OUT="$out" \
  go test ./server/ -run '^TestWrk$' -count=1 -v -timeout 30m >"$log" 2>&1; then
  cat "$log"
  exit 1
fi
echo "== server with wrk (keep-alive, loopback)"
cat "$out"
