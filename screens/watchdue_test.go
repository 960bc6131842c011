package screens

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestDueNotificationWhileRunning: with the app running when an item
// becomes due, a tick of the due watcher (the clock moved, no waiting)
// shows a notification once, and the overview's banner comes back; an
// item already due when the app started is left to the banner.
func TestDueNotificationWhileRunning(t *testing.T) {
	clock := &testClock{t: time.Now()}
	u := newTestUIAt(t, clock.now)
	protectForTest(t, u, "Disk")
	items, err := u.State.Items()
	if err != nil {
		t.Fatal(err)
	}
	look(u, u.ShowOverview)
	look(u, func() { test.Tap(u.Current().(*Overview).Reminders.NoTo) }) // no login offer in the way

	ticks := make(chan time.Time)
	defer close(ticks)
	u.dueChecked = make(chan struct{})
	u.WatchDue(ticks)
	tick := func() {
		ticks <- clock.now()
		<-u.dueChecked
	}
	test.AssertNotificationSent(t, nil, tick)

	clock.set(items[0].Renewed.Add(366 * 24 * time.Hour))
	want := fyne.NewNotification("Passcrow: renewal due", "Renewal is due for “Disk”. Open Passcrow and renew, so recovery keeps working.")
	test.AssertNotificationSent(t, want, tick)
	var banner string
	look(u, func() {
		if l := u.Current().(*Overview).Reminders.Lines["Disk"]; l != nil {
			banner = l.Text
		}
	})
	if !strings.Contains(banner, "Renew “Disk”") {
		t.Fatalf("after the notification the overview's banner is %q", banner)
	}
	test.AssertNotificationSent(t, nil, tick)

	// Started with Disk due: the banner says so, no notification.
	vclock := &testClock{t: time.Now()}
	v := newTestUIAt(t, vclock.now)
	protectForTest(t, v, "Disk")
	vclock.set(clock.now())
	v.dueChecked = make(chan struct{})
	vticks := make(chan time.Time)
	defer close(vticks)
	v.WatchDue(vticks)
	test.AssertNotificationSent(t, nil, func() {
		vticks <- vclock.now()
		<-v.dueChecked
	})
}
