#!/usr/bin/env bash
# Measures the figures the issues ask for; run on a quiet machine:
#   hashcash: median solve time over 20 runs at 11/12/13 bits, one core vs all
#   server:   req/s per endpoint at concurrency 1 and 16 over loopback, with
#             p50/p99 and ratios against issue 9's targets (bench-server.sh;
#             PASSCROW_BENCH_DB=postgres adds PostgreSQL)
#   app:      cold start to first frame and RSS vs a Fyne hello-world
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
echo "load average: $(cat /proc/loadavg)"

echo "== hashcash"
go test ./internal/hashcash/ -run '^$' -bench 'Scrypt|Digest' -benchtime 2000x
PASSCROW_BENCH=1 go test ./internal/hashcash/ -run TestSolveMedian -v -timeout 30m | grep -v '^=== RUN'

echo "== server (Go client, keep-alive, loopback)"
go test ./server/ -run '^$' -bench . -benchtime 5000x
# wrk, p50/p99, the fdatasync baseline and issue 9's ratios; add --db
# postgres to measure PostgreSQL too (scripts/bench-server.sh).
scripts/bench-server.sh ${PASSCROW_BENCH_DB:+--db "$PASSCROW_BENCH_DB"}

echo "== app startup"
[ -x scripts/bench-startup.sh ] && scripts/bench-startup.sh
