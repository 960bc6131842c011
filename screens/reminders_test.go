package screens

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/passcrow/passcrow-desktop/app/state"
	"github.com/passcrow/passcrow-desktop/platform"
)

// testClock is a clock the test moves.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// protectForTest protects name (2 of 2 e-mail addresses) on the demo
// server, as the setup wizard does.
func protectForTest(t *testing.T, u *UI, name string) {
	t.Helper()
	protectPlanForTest(t, u, state.Plan{Name: name, Policy: state.PolicyAll,
		Identities: []string{"email:a@example.org", "email:b@example.org"}})
}

// protectPlanForTest protects p's name with TourSecret on the demo server.
func protectPlanForTest(t *testing.T, u *UI, p state.Plan) {
	t.Helper()
	dir, err := u.demoDir()
	if err != nil {
		t.Fatal(err)
	}
	d, err := u.State.StartDemo(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), TourStepTimeout)
	defer cancel()
	p.Secret, p.Servers = []byte(TourSecret), []string{d.URL}
	if err := u.State.Protect(ctx, p, nil); err != nil {
		t.Fatal(err)
	}
}

// TestRenewalBanner: a year after protecting, the overview says the item
// is due and why, with a Renew button; close to an escrow's expiry it
// names the date; "Not now" hides it for the session only.
func TestRenewalBanner(t *testing.T) {
	clock := &testClock{t: time.Now()}
	u := newTestUIAt(t, clock.now)
	protectForTest(t, u, "Disk")

	u.ShowOverview()
	if r := u.Current().(*Overview).Reminders; r.Due != nil {
		t.Fatalf("a fresh item is due: %q", r.Lines["Disk"].Text)
	}

	items, _ := u.State.Items()
	u.State.SetReminderDays(30)
	clock.set(items[0].Renewed.Add(31 * 24 * time.Hour))
	u.ShowOverview()
	r := u.Current().(*Overview).Reminders
	if r.Due == nil || !strings.Contains(r.Lines["Disk"].Text, "31 days since the last renewal") {
		t.Fatalf("after 31 days of 30 the banner is %q", r.Lines["Disk"].Text)
	}
	u.State.SetReminderDays(state.DefaultReminderDays)
	clock.set(items[0].Renewed.Add(366 * 24 * time.Hour))
	if items[0].Expires.Sub(clock.now()) > state.ExpiryWarning {
		// The escrow outlives a year: the interval is the reason.
		u.ShowOverview()
		if l := u.Current().(*Overview).Reminders.Lines["Disk"]; l == nil || !strings.Contains(l.Text, "a year since the last renewal") {
			t.Fatalf("after a year the banner is %v", l)
		}
	}

	clock.set(items[0].Expires.Add(-20 * 24 * time.Hour))
	u.ShowOverview()
	r = u.Current().(*Overview).Reminders
	want := "its fragments expire on " + date(items[0].Expires)
	if r.Due == nil || !strings.Contains(r.Lines["Disk"].Text, want) {
		t.Fatalf("20 days before expiry the banner is %v, want %q", r.Lines, want)
	}
	test.Tap(r.Renew["Disk"])
	if _, ok := u.Current().(*Renew); !ok {
		t.Fatalf("Renew in the banner opened %T", u.Current())
	}

	u.ShowOverview()
	r = u.Current().(*Overview).Reminders
	test.Tap(r.Dismiss)
	if r.Due.Visible() {
		t.Fatal("Not now left the banner on show")
	}
	u.ShowOverview()
	if r := u.Current().(*Overview).Reminders; r.Due != nil {
		t.Fatal("the dismissed banner came back in the same session")
	}
	if c := u.Current().(*Overview).Cards["Disk"]; c.Subtitle != "Renewal due" {
		t.Fatalf("the card says %q after dismissing the banner", c.Subtitle)
	}
}

// TestLoginReminderOffer: once there is an item, the overview offers the
// login reminder; "Turn on" writes the real autostart entry (under a temp
// XDG_CONFIG_HOME) and the offer never comes back; "No, thanks" is
// remembered too.
func TestLoginReminderOffer(t *testing.T) {
	u := newTestUI(t)
	u.ShowOverview()
	if r := u.Current().(*Overview).Reminders; r.Offer != nil {
		t.Fatal("the reminder is offered with nothing protected")
	}
	protectForTest(t, u, "Disk")
	u.ShowOverview()
	r := u.Current().(*Overview).Reminders
	if r.Offer == nil {
		t.Fatal("no offer to remind at login")
	}
	test.Tap(r.TurnOn)
	if on, err := platform.AutostartEnabled(); err != nil || !on {
		t.Fatalf("Turn on: autostart %v, %v", on, err)
	}
	if r.Offer.Visible() {
		t.Fatal("the offer stays after Turn on")
	}
	if err := platform.DisableAutostart(); err != nil {
		t.Fatal(err)
	}
	u.ShowOverview()
	if r := u.Current().(*Overview).Reminders; r.Offer != nil {
		t.Fatal("the offer came back after it was answered")
	}

	v := newTestUI(t)
	protectForTest(t, v, "Disk")
	v.ShowOverview()
	test.Tap(v.Current().(*Overview).Reminders.NoTo)
	v.ShowOverview()
	if r := v.Current().(*Overview).Reminders; r.Offer != nil {
		t.Fatal("No, thanks was not remembered")
	}
	if on, _ := platform.AutostartEnabled(); on {
		t.Fatal("No, thanks turned the reminder on")
	}
}
