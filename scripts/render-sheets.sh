#!/usr/bin/env bash
# Renders every kind of printed sheet (fragment and inheritance, A4 and
# Letter, English and Icelandic, long names) to PDF and 150 dpi PNG in DIR
# (default ci-artifacts/sheets) for a person to look at, and prints how
# often the QR code reads back from photo-like copies (qrscan and zbarimg).
# Needs poppler-utils, zbar-tools and imagemagick.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
dir=$(realpath -m "${1:-ci-artifacts/sheets}")
mkdir -p "$dir"
SHEETS_OUT="$dir" go test -count=1 -v -run 'TestPrintedSheets|TestPhotographedSheets' ./internal/sheet |
  grep -v '^=== RUN'
echo "sheets in $dir"
