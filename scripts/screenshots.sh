#!/usr/bin/env bash
# Runs the real passcrow binary under Xvfb inside dbus-run-session and
# walks it through the newcomer's tour (screens.Tour: demo server, setup
# with 2 of 3 codes, overview, recovery with codes from the demo mailbox,
# settings), then the same profile 340 days later (the renewal banner and
# renewal), then a session with no keychain (the question whether to keep
# packs as files), saving a screenshot of each step into
# ci-artifacts/screenshots/{light,dark}/. The app's own test hook
# (PASSCROW_SCRIPT) drives the UI, so no pixel coordinates are involved.
# PASSCROW_HOME, XDG_CONFIG_HOME and XDG_CACHE_HOME are temp dirs: the
# user's keychain and settings are never touched.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

# 77: could not run here (scripts/test.sh counts it as skipped, or with
# CI=true as failed).
for bin in Xvfb dbus-run-session; do
  if ! command -v "$bin" >/dev/null; then
    echo "screenshots: not run, $bin is not installed (scripts/deps.sh installs it)" >&2
    exit 77
  fi
done

out=ci-artifacts/screenshots
rm -rf "$out"
mkdir -p "$out"
work=$(mktemp -d)
xpid=""
cleanup() {
  if [ -n "$xpid" ]; then kill "$xpid" 2>/dev/null || true; wait "$xpid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# -race, as `go test -race` in CI builds Fyne: its cgo (OpenGL) objects
# then come from the build cache instead of a second ~4-minute compile,
# and a data race in the real app fails the run.
echo "screenshots: building with -race (the first build compiles Fyne's OpenGL code: ~4 minutes)"
go build -race -o "$work/passcrow" .

# -displayfd: Xvfb picks a free display and writes its number once it
# accepts connections, so we wait on that instead of sleeping.
exec {xfd}< <(Xvfb -displayfd 1 -screen 0 1440x1024x24 -nolisten tcp 2>"$work/xvfb.log" & echo "pid $!"; wait)
read -r _ xpid <&"$xfd"
if ! read -r -t 30 display <&"$xfd"; then
  echo "screenshots: Xvfb did not start:"; cat "$work/xvfb.log"; exit 1
fi
echo "screenshots: Xvfb :$display (pid $xpid)"

status=0
for theme in light dark; do
  mkdir -p "$out/$theme"
  export DISPLAY=":$display" FYNE_THEME="$theme" PASSCROW_SCREENSHOTS="$out/$theme"
  export XDG_CACHE_HOME="$work/cache-$theme"
  if ! PASSCROW_HOME="$work/home-$theme" PASSCROW_SCRIPT=tour \
      timeout 300 dbus-run-session -- "$work/passcrow"; then
    echo "screenshots: the $theme tour failed"
    status=1
  # The same profile 340 days on: the escrows expire within 60 days.
  elif ! PASSCROW_HOME="$work/home-$theme" PASSCROW_SCRIPT=due PASSCROW_SCRIPT_DAYS_AHEAD=340 \
      timeout 300 dbus-run-session -- "$work/passcrow"; then
    echo "screenshots: the $theme renewal reminder failed"
    status=1
  fi
  # No PASSCROW_HOME and a session bus that is not there: no keychain.
  # The app must ask, and write nothing, before keeping packs as files.
  if ! XDG_CONFIG_HOME="$work/config-$theme" DBUS_SESSION_BUS_ADDRESS="unix:path=$work/no-bus" \
      PASSCROW_SCRIPT=consent timeout 300 "$work/passcrow"; then
    echo "screenshots: the $theme no-keychain question failed"
    status=1
  elif [ -e "$work/config-$theme/passcrow" ]; then
    echo "screenshots: packs were written before the user agreed to files"
    status=1
  fi
done
ls "$out"/*/
exit $status
