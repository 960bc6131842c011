#!/usr/bin/env bash
# Runs the real passcrow binary under Xvfb inside dbus-run-session and
# walks it through the newcomer's tour (screens.Tour: demo server, setup
# with 2 of 3 codes, overview, recovery with codes from the demo mailbox,
# settings), then the same profile 340 days later (the renewal banner and
# renewal), then a session with no keychain (the question whether to keep
# packs as files). The app's own test hook (PASSCROW_SCRIPT) drives the
# UI, so no pixel coordinates are involved.
#
# Each at two window sizes (1280x800, 1024x768), in English and
# Icelandic (the locale, as a user's system would say it), light and
# dark: ci-artifacts/screenshots/<size>/<lang>/<theme>/. The edges of
# issue 8 (screens.TourRestart: the app started again after the demo, a
# wrong code, a stale pack brought back, forget with the server gone;
# screens.TourOffline: the welcome's other ways in, the servers step
# with no network) run in light at both sizes and both languages, and
# in dark at 1280x800 only, to keep the run to a few minutes.
#
# PASSCROW_HOME, XDG_CONFIG_HOME and XDG_CACHE_HOME are temp dirs: the
# user's keychain and settings are never touched. The log says when a
# screen made the window grow past its size ("the window grew").
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
# accepts connections, so we wait on that instead of sleeping. The
# screen is wide enough for the demo mailbox beside the largest window.
exec {xfd}< <(Xvfb -displayfd 1 -screen 0 2400x1600x24 -nolisten tcp 2>"$work/xvfb.log" & echo "pid $!"; wait)
read -r _ xpid <&"$xfd"
if ! read -r -t 30 display <&"$xfd"; then
  echo "screenshots: Xvfb did not start:"; cat "$work/xvfb.log"; exit 1
fi
echo "screenshots: Xvfb :$display (pid $xpid)"
export DISPLAY=":$display"

status=0
# run NAME SCRIPT [ENV=VALUE...]: one start of the app with its own
# session bus and keychain; fails the whole run when it fails.
run() {
  local what=$1; shift
  # timeout inside the session: it stops the app itself, which then
  # lets go of its files (dbus-run-session would not pass a TERM on).
  # With SIGQUIT, so an app that hangs writes every goroutine's stack
  # into its log. (Fyne's own hang at quit, once in about ten CI runs,
  # is stopped by the app's quit guard instead: quit_guard below.)
  if ! env "$@" dbus-run-session -- timeout -s QUIT -k 10 300 "$work/passcrow" >>"$applog" 2>&1; then
    echo "screenshots: $what failed ($combo); the app said:"
    sed '/^SIGQUIT/q' "$applog" | tail -n 20
    # A hang's stacks (SIGQUIT above), then again the main goroutine's
    # and those in our own code, last, where the tail of a CI log that
    # keeps only its end still shows them.
    if grep -q '^goroutine ' "$applog"; then
      sed -n '/^SIGQUIT/,$p' "$applog" | head -n 400
      echo "screenshots: $what hung ($combo); the stacks that say where (goroutine 1, and ours):"
      sed -n '/^SIGQUIT/,$p' "$applog" |
        awk 'BEGIN { RS = ""; ORS = "\n\n" } /^goroutine 1 |passcrow-desktop\/(app|screens)/' | head -n 200
    fi
    status=1
    return 1
  fi
}

# quit_guard: when Fyne did not finish quitting and the app's quit guard
# stopped it (app/quitguard.go), say so. That is Fyne 2.7.1's known race
# only when the main goroutine waits in Lifecycle.WaitForEvents; stuck
# anywhere else (our own code holding the main loop, say), the guard
# would hide a hang of ours, so that fails the run.
quit_guard() {
  local n
  n=$(grep -c "did not finish quitting" "$applog" || true)
  [ "$n" -gt 0 ] || return 0
  local mains
  mains=$(sed -n '/did not finish quitting/,$p' "$applog" | awk 'BEGIN { RS = "" } /^goroutine 1 /')
  echo "screenshots: $combo: Fyne did not finish quitting $n time(s); the app's quit guard stopped it. Where the main goroutine waited:"
  echo "$mains" | head -n 12
  if [ "$(echo "$mains" | grep -c '^goroutine 1 ')" -ne "$(echo "$mains" | grep -c 'Lifecycle).WaitForEvents')" ]; then
    echo "screenshots: $combo: the main goroutine was stuck somewhere other than Fyne's last lifecycle event: a hang of ours"
    status=1
  fi
}

declare -A locale=([en]=en_US.UTF-8 [is]=is_IS.UTF-8)
started=$(date +%s)
# shoot SIZE LANG THEME: every script in one combination.
shoot() {
  local size=$1 lng=$2 theme=$3
  local combo="$size/$lng/$theme"
  local dir="$out/$combo"
  mkdir -p "$dir"
  local home="$work/home-${size}-$lng-$theme"
  common=(FYNE_THEME="$theme" PASSCROW_SCREENSHOTS="$dir" PASSCROW_WINDOW_SIZE="$size"
    LANG="${locale[$lng]}" LC_ALL= LC_MESSAGES= XDG_CACHE_HOME="$work/cache-$theme")
  # What the app printed, kept beside the screenshots.
  applog="$dir/app.log"
  # The same profile 340 days on: the escrows expire within 60 days.
  run "the tour" "${common[@]}" PASSCROW_HOME="$home" PASSCROW_SCRIPT=tour &&
    run "the renewal reminder" "${common[@]}" PASSCROW_HOME="$home" \
      PASSCROW_SCRIPT=due PASSCROW_SCRIPT_DAYS_AHEAD=340 || true
  if [ "$theme" = light ] || [ "$size" = 1280x800 ]; then
    # The app started again on the tour's home (the clock back to
    # today: nothing renewed is due), then a fresh home with no
    # network.
    [ -d "$home" ] && run "the restart after the demo" "${common[@]}" PASSCROW_HOME="$home" PASSCROW_SCRIPT=restart || true
    run "the offline setup" "${common[@]}" PASSCROW_HOME="$home-offline" PASSCROW_SCRIPT=offline || true
  fi
  # No PASSCROW_HOME and a session bus that is not there: no keychain.
  # The app must ask, and write nothing, before keeping packs as files.
  if ! env "${common[@]}" XDG_CONFIG_HOME="$work/config-$combo" DBUS_SESSION_BUS_ADDRESS="unix:path=$work/no-bus" \
      PASSCROW_SCRIPT=consent timeout -s QUIT -k 10 300 "$work/passcrow" >>"$applog" 2>&1; then
    echo "screenshots: the no-keychain question failed ($combo)"; tail -n 20 "$applog"
    status=1
  elif [ -e "$work/config-$combo/passcrow" ]; then
    echo "screenshots: packs were written before the user agreed to files ($combo)"
    status=1
  fi
  grep "the window grew" "$applog" | sed "s|^|screenshots: $combo: |" || true
  quit_guard
  echo "screenshots: $combo: $(find "$dir" -name '*.png' | wc -l) screenshots, $(($(date +%s) - started)) s so far"
}

# COMBOS ("1024x768/is/light 1280x800/en/dark") picks combinations, as
# CI does to stay quick; else SIZES, LANGS and THEMES (default: all 8).
if [ -n "${COMBOS:-}" ]; then
  for c in $COMBOS; do
    IFS=/ read -r size lng theme <<<"$c"
    shoot "$size" "$lng" "$theme"
  done
else
  for size in ${SIZES:-1280x800 1024x768}; do
    for lng in ${LANGS:-en is}; do
      for theme in ${THEMES:-light dark}; do
        shoot "$size" "$lng" "$theme"
      done
    done
  done
fi
exit $status
