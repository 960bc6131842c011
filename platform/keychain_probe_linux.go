package platform

import (
	"context"
	"fmt"
	"time"
)

const secretServiceName = "org.freedesktop.secrets"

// probeKeychain checks that a Secret Service is on the session bus before
// go-keyring is trusted with it: go-keyring would otherwise autolaunch a
// bus or wait forever on an unlock prompt nobody can answer.
func probeKeychain(service string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	conn, err := sessionBus(ctx)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrNoKeychain, err)
	}
	defer conn.Close()
	ok, err := serviceReachable(ctx, conn, secretServiceName)
	if err != nil {
		return fmt.Errorf("%w: asking the session bus for %s: %w", ErrNoKeychain, secretServiceName, err)
	}
	if !ok {
		return fmt.Errorf("%w: no Secret Service (%s) on the session bus", ErrNoKeychain, secretServiceName)
	}
	return probeRoundTrip(ctx, service, timeout)
}
