#!/usr/bin/env bash
# Runs every check and test Passcrow has, the way CI runs them:
# formatting, vet, staticcheck, the whole Go suite with -race inside a real
# Secret Service session, and the real app under Xvfb for screenshots.
# The tests start and stop their own Dovecot, OpenSMTPD and demo servers.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go'))
if [ -n "$unformatted" ]; then echo "not gofmt-formatted:"; echo "$unformatted"; exit 1; fi

echo "== go vet"
go vet ./...

echo "== staticcheck"
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

echo "== go test -race (inside a real gnome-keyring session)"
mkdir -p ci-artifacts
scripts/with-keyring.sh go test -race -count=1 -timeout 15m ./... 2>&1 | tee ci-artifacts/go-test.log

if [ -x scripts/screenshots.sh ]; then
  echo "== the real app under Xvfb: screenshots into ci-artifacts/screenshots"
  scripts/screenshots.sh
fi

passed=$(grep -c '^ok ' ci-artifacts/go-test.log || true)
echo "packages: $passed passed, 0 failed"
