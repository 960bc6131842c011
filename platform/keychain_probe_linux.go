package platform

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/godbus/dbus/v5"
)

const secretServiceName = "org.freedesktop.secrets"

// probeKeychain checks that a Secret Service is on the session bus before
// go-keyring is trusted with it: go-keyring would otherwise autolaunch a
// bus or wait forever on an unlock prompt nobody can answer. Only a
// missing bus or Secret Service is ErrNoKeychain; a bus or service that
// does not answer in time is ErrKeychainLocked.
func probeKeychain(service string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	conn, err := sessionBus(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		return probeTimedOut(timeout)
	} else if err != nil {
		return fmt.Errorf("%w: %w", ErrNoKeychain, err)
	}
	defer conn.Close()
	ok, err := serviceReachable(ctx, conn, secretServiceName)
	if errors.Is(err, context.DeadlineExceeded) {
		return probeTimedOut(timeout)
	} else if err != nil {
		return fmt.Errorf("%w: asking the session bus for %s: %w", ErrNoKeychain, secretServiceName, err)
	}
	if !ok {
		return fmt.Errorf("%w: no Secret Service (%s) on the session bus", ErrNoKeychain, secretServiceName)
	}
	return probeRoundTrip(ctx, service, timeout)
}

// roundTripError sorts a failed probe read: the bus saying the Secret
// Service is gone or could not be started means there is none; anything
// else (a dismissed unlock prompt: "failed to unlock correct collection")
// comes from a keychain that is there but would not open.
func roundTripError(err error) error {
	var name string
	if de, ok := errors.AsType[dbus.Error](err); ok {
		name = de.Name
	} else if de, ok := errors.AsType[*dbus.Error](err); ok {
		name = de.Name
	}
	if name == "org.freedesktop.DBus.Error.ServiceUnknown" ||
		name == "org.freedesktop.DBus.Error.NameHasNoOwner" ||
		strings.HasPrefix(name, "org.freedesktop.DBus.Error.Spawn.") {
		return fmt.Errorf("%w: %w", ErrNoKeychain, err)
	}
	return fmt.Errorf("%w: %w", ErrKeychainLocked, err)
}
