#!/usr/bin/env bash
# Installs everything building and testing Passcrow needs on Debian/Ubuntu:
# the C libraries Fyne's cgo build links, and the real services the tests
# start themselves (Dovecot, OpenSMTPD, gnome-keyring, Xvfb). Safe to re-run.
set -euo pipefail

packages=(
  # Fyne (OpenGL + X11 headers for the cgo build)
  gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev
  libxinerama-dev libxi-dev libxxf86vm-dev
  # a real window for screenshot tests
  xvfb imagemagick x11-apps xdotool
  # the OS keychain: a real Secret Service on D-Bus
  gnome-keyring dbus-x11 dbus
  # real mail: SMTP into IMAP mailboxes
  dovecot-imapd dovecot-lmtpd dovecot-submissiond opensmtpd
  # load generator for the server benchmark
  wrk
  # hard copies: render PDF pages to PNG, decode their QR codes
  poppler-utils zbar-tools
  # a real SOCKS5 proxy for the client's proxy tests
  microsocks
  # the server's PostgreSQL store (tests run initdb and postgres themselves)
  postgresql
  # systemd-analyze checks the server's systemd unit (nothing is started)
  systemd
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  # Apt must not start the services it installs (mail, PostgreSQL): tests
  # start their own. A policy-rc.d that says "no" is put in place for the
  # install unless the machine has one already (containers usually do).
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# scripts/deps.sh: no service starts during the install\nexit 101\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod 755 "$policy"
    trap '$sudo rm -f "$policy"' EXIT
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

command -v go >/dev/null || { echo "deps: Go 1.26 or later is needed (https://go.dev/dl/)" >&2; exit 1; }
go mod download
