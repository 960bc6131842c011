package platform

import "errors"

// ErrNoNotifier means the system has no notification service to show a
// notification with (on Linux: nothing owns org.freedesktop.Notifications).
// Callers fall back to showing the message some other way.
var ErrNoNotifier = errors.New("no notification service")

// appName is how notifications are signed.
const appName = "Passcrow"

// Notify (notify_<os>.go) shows title and body as a system notification.
