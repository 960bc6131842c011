#!/usr/bin/env bash
# Runs the real passcrow binary under Xvfb inside dbus-run-session and
# walks it through the newcomer's tour (screens.Tour: demo server, setup
# with 2 of 3 codes, overview, recovery with codes from the demo mailbox,
# settings), saving a screenshot of each step from the window canvas into
# ci-artifacts/screenshots/{light,dark}/. The app's own test hook
# (PASSCROW_SCRIPT=tour) drives the UI, so no pixel coordinates are
# involved. PASSCROW_HOME is a temp dir: the user's keychain and settings
# are never touched.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

for bin in Xvfb dbus-run-session; do
  if ! command -v "$bin" >/dev/null; then
    echo "screenshots: skipped, $bin is not installed (apt-get install xvfb dbus)"
    exit 0
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

echo "screenshots: building (the first build compiles Fyne's OpenGL code: ~4 minutes)"
go build -o "$work/passcrow" .

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
  if ! DISPLAY=":$display" FYNE_THEME="$theme" PASSCROW_HOME="$work/home-$theme" \
      PASSCROW_SCRIPT=tour PASSCROW_SCREENSHOTS="$out/$theme" \
      timeout 300 dbus-run-session -- "$work/passcrow"; then
    echo "screenshots: the $theme tour failed"
    status=1
  fi
done
ls "$out"/*/
exit $status
