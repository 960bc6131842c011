#!/bin/sh
# with-keyring.sh CMD [ARG...]: run CMD inside a private D-Bus session with
# a real, unlocked gnome-keyring Secret Service, for tests of
# platform.KeychainStore:
#
#	scripts/with-keyring.sh go test ./platform/
#
# The keyring's files go to a temporary XDG_DATA_HOME and its sockets to a
# temporary XDG_RUNTIME_DIR, both removed afterwards. HOME is left alone
# (moving it would move the Go module and build caches), and so is
# XDG_CONFIG_HOME (it holds go env settings). The daemon started here is
# stopped by its PID; dbus-run-session stops the bus. Exits with CMD's status.
set -eu

if [ "${WITH_KEYRING_INNER:-}" != 1 ]; then
	for bin in dbus-run-session dbus-send gnome-keyring-daemon; do
		if ! command -v "$bin" >/dev/null 2>&1; then
			echo "with-keyring.sh: $bin not found (apt-get install gnome-keyring dbus-daemon dbus-bin)" >&2
			exit 127
		fi
	done
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/with-keyring.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	mkdir -m 0700 "$tmp/data" "$tmp/run"
	status=0
	WITH_KEYRING_INNER=1 XDG_DATA_HOME="$tmp/data" XDG_RUNTIME_DIR="$tmp/run" \
		dbus-run-session -- "$0" "$@" || status=$?
	exit "$status"
fi

# Inside the private session. The password only unlocks this throwaway
# keyring; it goes through a pipe, never a file.
# Its chatter ("asked to register item ... already registered" on every
# replace) goes to a log that is shown only if it fails to start.
log="$XDG_RUNTIME_DIR/gnome-keyring.log"
printf %s with-keyring | gnome-keyring-daemon --foreground --unlock --components=secrets >"$log" 2>&1 &
daemon=$!

stop_daemon() {
	kill "$daemon" 2>/dev/null || true
	wait "$daemon" 2>/dev/null || true
}
trap stop_daemon EXIT

# Wait until the Secret Service owns its bus name, up to 10 seconds.
has_secrets() {
	dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
		org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
		grep -q 'boolean true'
}
deadline=$(($(date +%s) + 10))
until has_secrets; do
	if ! kill -0 "$daemon" 2>/dev/null; then
		echo "with-keyring.sh: gnome-keyring-daemon exited before it was ready:" >&2
		cat "$log" >&2
		exit 1
	fi
	if [ "$(date +%s)" -ge "$deadline" ]; then
		echo "with-keyring.sh: gnome-keyring-daemon not on the bus after 10s:" >&2
		cat "$log" >&2
		exit 1
	fi
	sleep 0.05
done

status=0
"$@" || status=$?
exit "$status"
