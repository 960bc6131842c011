#!/usr/bin/env bash
# Startup benchmark: cold start to the first drawn frame, and resident
# memory (VmRSS) at that moment, for passcrow showing its overview versus
# a minimal Fyne hello-world (bench/hello) built with the same flags. Both
# print a marker line when their first frame is drawn and quit
# (passcrow: PASSCROW_BENCH_EXIT_AFTER_FIRST_FRAME=1). Runs under Xvfb;
# RUNS runs each, interleaved; prints medians and the ratios against the
# targets (<= 1.3x time, <= 1.5x RSS).
#
# It runs to its end, or says why not and exits non-zero: 1 when a run
# fails or a target is missed, 77 when Xvfb or dbus-run-session is not
# installed. TARGETS=0 prints the figures without judging them (for
# scripts/test.sh, which runs one round of a -race build: GOFLAGS=-race).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
RUNS=${RUNS:-7}
MAIN=${MAIN:-.}
TARGETS=${TARGETS:-1}

die() {
  echo "bench-startup: $*" >&2
  exit 1
}

for bin in Xvfb dbus-run-session; do
  command -v "$bin" >/dev/null || { echo "bench-startup: not run, $bin is not installed (scripts/deps.sh installs it)" >&2; exit 77; }
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS=$RUNS is not a positive number"

work=$(mktemp -d)
xpid=""
cleanup() {
  if [ -n "$xpid" ]; then kill "$xpid" 2>/dev/null || true; wait "$xpid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "bench-startup: building passcrow and bench/hello${GOFLAGS:+ (GOFLAGS=$GOFLAGS)}"
go build -o "$work/passcrow" "$MAIN" || die "building passcrow failed"
go build -o "$work/hello" ./bench/hello || die "building bench/hello failed"

exec {xfd}< <(Xvfb -displayfd 1 -screen 0 1280x1024x24 -nolisten tcp 2>"$work/xvfb.log" & echo "pid $!"; wait)
read -r _ xpid <&"$xfd"
if ! read -r -t 30 display <&"$xfd"; then
  cat "$work/xvfb.log" >&2
  die "Xvfb did not start within 30 s"
fi
export DISPLAY=":$display"

# A profile with one protected item is not needed for the overview's
# cost; an empty PASSCROW_HOME keeps the user's keychain out of it.
mkdir -p "$work/home"

# one NAME: prints "ms rss_kb" for one cold start of $work/NAME. The
# output goes to a file, not through a pipe: a reader that stops at the
# marker (grep -m1) would kill the app with SIGPIPE on its next line, and
# with pipefail end the whole script without a word.
one() {
  local name=$1 out=$work/$1.out err=$work/$1.err start end status=0 line rss
  start=$(date +%s%N)
  PASSCROW_HOME="$work/home" PASSCROW_BENCH_EXIT_AFTER_FIRST_FRAME=1 \
    timeout 60 dbus-run-session -- "$work/$name" >"$out" 2>"$err" || status=$?
  end=$(date +%s%N)
  line=$(grep -m1 '^PASSCROW_FIRST_FRAME ' "$out" || true)
  if [ -z "$line" ] || [ "$status" -ne 0 ]; then
    echo "bench-startup: $name, last lines of its output:" >&2
    tail -n 20 "$out" "$err" >&2
    [ "$status" -eq 124 ] && die "$name drew no first frame within 60 s"
    [ -z "$line" ] && die "$name exited with status $status without drawing a first frame"
    die "$name exited with status $status after its first frame"
  fi
  rss=${line##*rss_kb=}
  [[ $rss =~ ^[1-9][0-9]*$ ]] || die "$name reported no resident memory: $line"
  echo "$(((end - start) / 1000000)) $rss"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

: >"$work/app.txt"
: >"$work/hello.txt"
# Warm the page cache once each, so "cold" means a new process, not a
# cold disk. one runs in this shell (not in $(...)), so its die ends the
# script.
one hello >/dev/null
one passcrow >/dev/null
for i in $(seq "$RUNS"); do
  one hello >>"$work/hello.txt"
  one passcrow >>"$work/app.txt"
  echo "bench-startup: run $i of $RUNS: hello $(tail -n1 "$work/hello.txt"), passcrow $(tail -n1 "$work/app.txt") (ms, kB)"
done

ht=$(cut -d' ' -f1 "$work/hello.txt" | median)
hr=$(cut -d' ' -f2 "$work/hello.txt" | median)
at=$(cut -d' ' -f1 "$work/app.txt" | median)
ar=$(cut -d' ' -f2 "$work/app.txt" | median)
echo "runs: $RUNS each (time includes dbus-run-session)"
echo "hello-world: first frame ${ht} ms, RSS ${hr} kB"
echo "passcrow:    first frame ${at} ms, RSS ${ar} kB (overview)"
awk -v at="$at" -v ht="$ht" -v ar="$ar" -v hr="$hr" -v judge="$TARGETS" 'BEGIN {
  t = at / ht; r = ar / hr
  printf "ratio: time %.2fx (target <= 1.30), RSS %.2fx (target <= 1.50)\n", t, r
  if (judge == "0") { print "targets not judged (TARGETS=0)"; exit 0 }
  if (t > 1.3) print "bench-startup: the start takes longer than the target" > "/dev/stderr"
  if (r > 1.5) print "bench-startup: resident memory is above the target" > "/dev/stderr"
  exit (t <= 1.3 && r <= 1.5) ? 0 : 1
}'
