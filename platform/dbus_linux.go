package platform

import (
	"context"
	"fmt"

	"github.com/godbus/dbus/v5"
)

// sessionBus opens a private connection to the user's session bus that
// lives until ctx ends. Unlike dbus.SessionBus it never autolaunches a bus
// (that would leave a stray dbus-daemon behind) and it cannot hang: the
// handshake is bounded by ctx.
func sessionBus(ctx context.Context) (*dbus.Conn, error) {
	conn, err := dbus.SessionBusPrivateNoAutoStartup(dbus.WithContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("no D-Bus session bus: %w", err)
	}
	if err := conn.Auth(nil); err != nil {
		conn.Close()
		return nil, fmt.Errorf("D-Bus session bus: %w", busErr(ctx, err))
	}
	if err := conn.Hello(); err != nil {
		conn.Close()
		return nil, fmt.Errorf("D-Bus session bus: %w", busErr(ctx, err))
	}
	return conn, nil
}

// busErr prefers the deadline over the "connection closed" it causes.
func busErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// serviceReachable reports whether a bus name has an owner now or can be
// started by D-Bus activation.
func serviceReachable(ctx context.Context, conn *dbus.Conn, name string) (bool, error) {
	bus := conn.BusObject()
	var owned bool
	if err := bus.CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, name).Store(&owned); err != nil {
		return false, busErr(ctx, err)
	}
	if owned {
		return true, nil
	}
	var activatable []string
	if err := bus.CallWithContext(ctx, "org.freedesktop.DBus.ListActivatableNames", 0).Store(&activatable); err != nil {
		return false, busErr(ctx, err)
	}
	for _, n := range activatable {
		if n == name {
			return true, nil
		}
	}
	return false, nil
}
