#!/usr/bin/env bash
# Startup benchmark: cold start to the first drawn frame, and resident
# memory (VmRSS) at that moment, for passcrow showing its overview versus
# a minimal Fyne hello-world (bench/hello) built with the same flags. Both
# print a marker line when their first frame is drawn and quit
# (passcrow: PASSCROW_BENCH_EXIT_AFTER_FIRST_FRAME=1). Runs under Xvfb;
# RUNS runs each, interleaved; prints medians and the ratios against the
# targets (<= 1.3x time, <= 1.5x RSS).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
RUNS=${RUNS:-7}
MAIN=${MAIN:-.}

command -v Xvfb >/dev/null || { echo "bench-startup: skipped, Xvfb is not installed"; exit 0; }

work=$(mktemp -d)
xpid=""
cleanup() {
  if [ -n "$xpid" ]; then kill "$xpid" 2>/dev/null || true; wait "$xpid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/passcrow" "$MAIN"
go build -o "$work/hello" ./bench/hello

exec {xfd}< <(Xvfb -displayfd 1 -screen 0 1280x1024x24 -nolisten tcp 2>"$work/xvfb.log" & echo "pid $!"; wait)
read -r _ xpid <&"$xfd"
read -r -t 30 display <&"$xfd" || { cat "$work/xvfb.log"; exit 1; }
export DISPLAY=":$display"

# A profile with one protected item is not needed for the overview's
# cost; an empty PASSCROW_HOME keeps the user's keychain out of it.
mkdir -p "$work/home"

# one BIN: prints "ms rss_kb" for one cold start.
one() {
  local start end line
  start=$(date +%s%N)
  line=$(PASSCROW_HOME="$work/home" PASSCROW_BENCH_EXIT_AFTER_FIRST_FRAME=1 \
    timeout 60 dbus-run-session -- "$1" 2>/dev/null | grep -m1 PASSCROW_FIRST_FRAME)
  end=$(date +%s%N)
  echo "$(( (end - start) / 1000000 )) ${line##*rss_kb=}"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

: >"$work/app.txt"; : >"$work/hello.txt"
# Warm the page cache once each, so "cold" means a new process, not a
# cold disk.
one "$work/hello" >/dev/null; one "$work/passcrow" >/dev/null
for i in $(seq "$RUNS"); do
  one "$work/hello" >>"$work/hello.txt"
  one "$work/passcrow" >>"$work/app.txt"
done

ht=$(cut -d' ' -f1 "$work/hello.txt" | median); hr=$(cut -d' ' -f2 "$work/hello.txt" | median)
at=$(cut -d' ' -f1 "$work/app.txt" | median); ar=$(cut -d' ' -f2 "$work/app.txt" | median)
echo "runs: $RUNS each (time includes dbus-run-session)"
echo "hello-world: first frame ${ht} ms, RSS ${hr} kB"
echo "passcrow:    first frame ${at} ms, RSS ${ar} kB (overview)"
awk -v at="$at" -v ht="$ht" -v ar="$ar" -v hr="$hr" 'BEGIN {
  t = at / ht; r = ar / hr
  printf "ratio: time %.2fx (target <= 1.30), RSS %.2fx (target <= 1.50)\n", t, r
  exit (t <= 1.3 && r <= 1.5) ? 0 : 1
}'
