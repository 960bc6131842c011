#!/usr/bin/env bash
# Builds and starts the Passcrow app. With no server configured it offers the
# built-in local demo server, so this works offline on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
source scripts/env.sh
echo "Building Passcrow (the first build compiles Fyne's OpenGL code: about 4 minutes)..."
go build -o passcrow .
exec ./passcrow "$@"
