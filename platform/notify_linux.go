package platform

import (
	"context"
	"fmt"
	"time"

	"github.com/godbus/dbus/v5"
)

const (
	notifyService = "org.freedesktop.Notifications"
	notifyPath    = "/org/freedesktop/Notifications"
	notifyTimeout = 5 * time.Second
)

// Notify shows a desktop notification through the freedesktop
// Notifications D-Bus API. Without a notification daemon it returns an
// error wrapping ErrNoNotifier.
func Notify(title, body string) error {
	ctx, cancel := context.WithTimeout(context.Background(), notifyTimeout)
	defer cancel()
	conn, err := sessionBus(ctx)
	if err != nil {
		return fmt.Errorf("notify: %w: %w", ErrNoNotifier, err)
	}
	defer conn.Close()
	ok, err := serviceReachable(ctx, conn, notifyService)
	if err != nil {
		return fmt.Errorf("notify: asking the session bus for %s: %w", notifyService, err)
	}
	if !ok {
		return fmt.Errorf("notify: %w: nothing provides %s on the session bus", ErrNoNotifier, notifyService)
	}
	var id uint32
	err = conn.Object(notifyService, notifyPath).CallWithContext(ctx, notifyService+".Notify", 0,
		appName, uint32(0), "", title, body, []string{}, map[string]dbus.Variant{}, int32(-1)).Store(&id)
	if err != nil {
		return fmt.Errorf("notify: %w", busErr(ctx, err))
	}
	return nil
}
