#!/usr/bin/env bash
# Runs every check and test Passcrow has, the way CI runs them:
# formatting, vet, staticcheck, the Windows and macOS cross-builds, the
# whole Go suite with -race inside a real Secret Service session, the
# tests of ephemeral mode's 1 GiB key derivation without -race, and the
# real app under Xvfb (screenshots, and one round of the startup
# benchmark).
# The tests start and stop their own Dovecot, OpenSMTPD and demo servers.
#
# Every step runs even when an earlier one failed. The last line printed
# is the tally, which the CI runner reads:
#   tests: N passed, N failed, N skipped
# counting every Go test and subtest, and each check of this script. With
# CI=true a skipped test is a failure unless allowed_skips names it, and
# so is a check that cannot run here (a real part is missing).
# The Go test log goes to ci-artifacts/go-test.log (and .json).
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
started=$(date +%s)

ci=false
case "${CI:-}" in true | TRUE | True | 1) ci=true ;; esac

# Tests that derive ephemeral mode's 1 GiB scrypt keys: minutes each
# under -race (which watches every memory access), seconds without. They
# skip under -race and must pass in the pass without it below.
norace_tests=(
  recovery.TestEphemeralKDFVector
  recovery.TestEphemeralRoundTripOurServer
  cli.TestScripts/ephemeral
  cli.TestScripts/protect_ephemeral
)
norace_run='^(TestEphemeralKDFVector|TestEphemeralRoundTripOurServer|TestScripts)$/^(ephemeral|protect_ephemeral)$'

# Tests that skip by design, as "package.Test" (package without the
# module path): benchmarks that run only when asked, the child half of a
# test that re-runs its own binary, and the tests above under -race.
allowed_skips="^(server\\.TestWrk|internal/hashcash\\.TestSolveMedian|internal/localefix/restore\\.TestLocaleVariablesAreBack|$(IFS='|'; echo "${norace_tests[*]}" | sed 's/\./\\./g'))\$"

mkdir -p ci-artifacts
rm -f ci-artifacts/go-test.log ci-artifacts/go-test.json
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

passed=0 failed=0 skipped=0
failures=() skips=()

# check NAME CMD [ARG...]: one check; exit status 77 means it could not
# run here (a missing real part): skipped, or with CI=true failed.
check() {
  local name=$1 status=0 t0=$SECONDS
  shift
  echo "== $name"
  "$@" || status=$?
  echo "   ($((SECONDS - t0)) s)"
  if [ "$status" -eq 0 ]; then
    passed=$((passed + 1))
  elif [ "$status" -eq 77 ] && [ "$ci" = false ]; then
    skipped=$((skipped + 1))
    skips+=("$name")
  else
    failed=$((failed + 1))
    failures+=("$name (exit status $status)")
  fi
}

# add_counts FILE NAME: adds testsum's "passed failed skipped".
add_counts() {
  local p f s
  if ! read -r p f s <"$1" 2>/dev/null; then
    failed=$((failed + 1))
    failures+=("$2 (no tally: the test stream was not read)")
    return
  fi
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

gofmt_clean() {
  local unformatted
  unformatted=$(gofmt -l $(git ls-files '*.go')) || return 1
  [ -z "$unformatted" ] && return 0
  echo "not gofmt-formatted:"
  echo "$unformatted"
  return 1
}
check gofmt gofmt_clean
check "go vet" go vet ./...
check staticcheck go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

# Windows and macOS code is compiled and vetted here, without cgo: every
# package but the Fyne GUI ones (those that draw with OpenGL, or use
# Fyne's widgets, which need cgo on macOS), found by their dependencies;
# vet also compiles the tests, so a package whose tests use the GUI is
# built but not vetted.
gui='{{range .Deps}}{{if or (eq . "fyne.io/fyne/v2/app") (eq . "fyne.io/fyne/v2/internal/widget") (eq . "github.com/go-gl/gl/v2.1/gl") (eq . "github.com/go-gl/glfw/v3.3/glfw")}} gui{{end}}{{end}}'
cross() {
  local goos=$1 pkgs guitests vetpkgs
  pkgs=$(GOOS=$goos CGO_ENABLED=0 go list -e -f "{{.ImportPath}}$gui" ./... | grep -v ' gui$' | sort) || return 1
  guitests=$(GOOS=$goos CGO_ENABLED=0 go list -e -test -f "{{.ForTest}}$gui" ./... | { grep ' gui$' || true; } | cut -d' ' -f1 | sort -u) || return 1
  vetpkgs=$(comm -23 <(echo "$pkgs") <(echo "$guitests"))
  echo "$goos: building $(echo "$pkgs" | wc -l) packages, vetting $(echo "$vetpkgs" | wc -l) with their tests"
  GOOS=$goos CGO_ENABLED=0 go build $pkgs && GOOS=$goos CGO_ENABLED=0 go vet $vetpkgs
}
check "windows: build and vet without cgo" cross windows
check "darwin: build and vet without cgo" cross darwin

# The Go suite: testsum keeps the log, shows each package's result and
# every failure's output as it comes, and counts.
testsum=$work/testsum
if ! go build -o "$testsum" ./internal/testreal/testsum; then
  failed=$((failed + 1))
  failures+=("building internal/testreal/testsum")
  testsum=cat
fi
ciflag=()
[ "$ci" = true ] && ciflag=(-ci)

# go_tests NAME COUNTS TESTSUM-FLAGS... -- GO-TEST-COMMAND...
go_tests() {
  local name=$1 counts=$2 flags=() status
  shift 2
  while [ "$1" != -- ]; do flags+=("$1"); shift; done
  shift
  echo "== $name"
  if [ "$testsum" = cat ]; then
    "$@" 2>&1 | tee -a ci-artifacts/go-test.log
    return
  fi
  local t0=$SECONDS
  "$@" 2>&1 | "$testsum" -log ci-artifacts/go-test.log -json ci-artifacts/go-test.json -counts "$counts" "${flags[@]}"
  status=("${PIPESTATUS[@]}")
  echo "   ($((SECONDS - t0)) s)"
  add_counts "$counts" "$name"
  if [ -s "$counts" ] && [ "$(cut -d' ' -f2 "$counts")" != 0 ]; then
    failures+=("$name: $(cut -d' ' -f2 "$counts") (listed above, output in ci-artifacts/go-test.log)")
  fi
  # go test failing with no failed test or package to show for it.
  if [ "${status[0]}" -ne 0 ] && [ -s "$counts" ] && [ "$(cut -d' ' -f2 "$counts")" = 0 ]; then
    failed=$((failed + 1))
    failures+=("$name (go test exited ${status[0]})")
  fi
}

go_tests "go test -race (inside a real gnome-keyring session)" "$work/race.counts" \
  "${ciflag[@]}" -allow-skip "$allowed_skips" -- \
  scripts/with-keyring.sh go test -race -json -count=1 -timeout 15m ./...

go_tests "the 1 GiB scrypt tests, without -race" "$work/norace.counts" -ci \
  -require "$(IFS=,; echo "${norace_tests[*]}")" -- \
  go test -json -count=1 -run "$norace_run" ./recovery/ ./cli/

# Two of the eight combinations, between them both sizes, both languages
# and both themes (all eight: scripts/screenshots.sh alone, ~8 minutes).
check "the real app under Xvfb: screenshots into ci-artifacts/screenshots" \
  env COMBOS="1024x768/is/light 1280x800/en/dark" scripts/screenshots.sh
# One round of the startup benchmark, with the -race build the
# screenshots used (no second Fyne compile): it proves the benchmark runs
# to its end; its figures mean nothing under -race.
check "the startup benchmark runs (one round, -race, targets not judged)" \
  env RUNS=1 TARGETS=0 GOFLAGS=-race scripts/bench-startup.sh

echo
echo "took $(($(date +%s) - started)) s"
if ((${#skips[@]})); then
  echo "checks skipped (a real part is missing; with CI=true they fail):"
  printf '    %s\n' "${skips[@]}"
fi
if ((${#failures[@]})); then
  echo "failed:"
  printf '    %s\n' "${failures[@]}"
fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
