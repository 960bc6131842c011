#!/usr/bin/env bash
# sign.sh FILE [NAME]: Authenticode-signs FILE in place with osslsigncode
# (SHA-256). scripts/release.sh runs it on the app, and makensis on the
# installer and the uninstaller it writes (!finalize, !uninstfinalize in
# passcrow.nsi). From the environment, so no secret is ever on argv:
#   PASSCROW_SIGN_PKCS12           certificate and key (.p12 / .pfx)
#   PASSCROW_SIGN_PASSWORD_FILE    a file holding its password (optional)
#   PASSCROW_SIGN_TIMESTAMP_URL    an RFC 3161 time-stamping server (optional)
#   PASSCROW_SIGN_COPIES           a directory: keep a copy there as NAME
set -euo pipefail
file=$1 name=${2:-}
: "${PASSCROW_SIGN_PKCS12:?sign.sh: PASSCROW_SIGN_PKCS12 is not set}"
args=(-pkcs12 "$PASSCROW_SIGN_PKCS12" -h sha256 -n Passcrow -i https://passcrow.is)
if [ -n "${PASSCROW_SIGN_PASSWORD_FILE:-}" ]; then
  args+=(-readpass "$PASSCROW_SIGN_PASSWORD_FILE")
fi
if [ -n "${PASSCROW_SIGN_TIMESTAMP_URL:-}" ]; then
  args+=(-ts "$PASSCROW_SIGN_TIMESTAMP_URL")
fi
tmp=$file.signing
rm -f "$tmp"
if ! osslsigncode sign "${args[@]}" -in "$file" -out "$tmp" >"$tmp.log" 2>&1; then
  cat "$tmp.log" >&2
  rm -f "$tmp" "$tmp.log"
  echo "sign.sh: could not sign $file" >&2
  exit 1
fi
rm -f "$tmp.log"
mv "$tmp" "$file"
if [ -n "$name" ] && [ -n "${PASSCROW_SIGN_COPIES:-}" ]; then
  cp "$file" "$PASSCROW_SIGN_COPIES/$name"
fi
