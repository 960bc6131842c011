//go:build windows || darwin

package platform

import (
	"context"
	"fmt"
	"time"
)

// probeKeychain asks the keychain for an entry that does not exist; the
// Windows Credential Manager and the macOS keychain are always there, but
// a locked or broken one must not hang the app.
func probeKeychain(service string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return probeRoundTrip(ctx, service, timeout)
}

// roundTripError: these keychains are part of the OS, so an error other
// than a timeout means it cannot be used, as before.
func roundTripError(err error) error {
	return fmt.Errorf("%w: %w", ErrNoKeychain, err)
}
