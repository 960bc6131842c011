package recovery_test

import (
	"context"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/recovery"
)

// Our server's lockout after too many wrong codes, and its per-address
// send limit, reach the caller as errors it can match and a time to try
// again, not as a server's raw words.
func TestLockoutAndSendLimitAgainstOurServer(t *testing.T) {
	hs, rec := ourServerResending(t)
	c, err := recovery.NewClient(hs.URL)
	if err != nil {
		t.Fatal(err)
	}
	c.Interval = 0
	ctx := context.Background()
	loc, err := recovery.NewPasscrowLocation(c, "email:mallory-target@example.org")
	if err != nil {
		t.Fatal(err)
	}
	frag := make(recovery.Fragment, 33)
	rand.Read(frag)
	r, err := loc.Place(ctx, frag, recovery.PlaceOptions{Description: "x", Expires: time.Now().Add(20 * time.Hour), Prefix: "1"})
	if err != nil {
		t.Fatal(err)
	}
	keeper := &recovery.PasscrowKeeper{Client: func(string) (*recovery.Client, error) { return c, nil }}

	// Wrong codes until the server locks the escrow: a new code every 5.
	var lockout error
	for i := 0; i < 40 && lockout == nil; i++ {
		if i%5 == 0 {
			if _, err := keeper.Challenge(ctx, r, "en"); err != nil {
				if errors.Is(err, recovery.ErrLockedOut) {
					lockout = err
					break
				}
				t.Fatalf("challenge %d: %v", i, err)
			}
		}
		code := rec.Last(t).Code
		wrong := code[:len(code)-1] + string('0'+(code[len(code)-1]-'0'+1)%10)
		_, err := keeper.Fetch(ctx, r, wrong)
		switch {
		case errors.Is(err, recovery.ErrLockedOut):
			lockout = err
		case !errors.Is(err, recovery.ErrIncorrectCode) && !errors.Is(err, recovery.ErrCodeExpired):
			t.Fatalf("wrong code %d: %v", i, err)
		}
	}
	var later *recovery.LaterError
	if !errors.As(lockout, &later) {
		t.Fatalf("no lockout after 40 wrong codes: %v", lockout)
	}
	if d := time.Until(later.Until); d < 23*time.Hour || d > 25*time.Hour {
		t.Errorf("locked out until %v, want about a day from now", later.Until)
	}
	if !strings.Contains(lockout.Error(), "try again after") {
		t.Errorf("lockout error %q", lockout)
	}
}

func TestSendLimitAgainstOurServer(t *testing.T) {
	hs, _ := ourServer(t)
	c, err := recovery.NewClient(hs.URL)
	if err != nil {
		t.Fatal(err)
	}
	c.Interval = 0
	ctx := context.Background()
	keeper := &recovery.PasscrowKeeper{Client: func(string) (*recovery.Client, error) { return c, nil }}
	// Escrows naming one address (free: under a day), each asking for a code: the server
	// sends 6 an hour to an address, whatever the escrow.
	var limited error
	for i := range 10 {
		loc, err := recovery.NewPasscrowLocation(c, "email:victim@example.org")
		if err != nil {
			t.Fatal(err)
		}
		frag := make(recovery.Fragment, 33)
		rand.Read(frag)
		r, err := loc.Place(ctx, frag, recovery.PlaceOptions{Description: "x", Expires: time.Now().Add(20 * time.Hour), Prefix: "1"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := keeper.Challenge(ctx, r, "en"); err != nil {
			if !errors.Is(err, recovery.ErrSendLimited) {
				t.Fatalf("code %d: %v, want ErrSendLimited or none", i, err)
			}
			limited = err
			break
		}
	}
	var later *recovery.LaterError
	if !errors.As(limited, &later) || later.Until.IsZero() || time.Until(later.Until) > time.Hour+time.Minute {
		t.Fatalf("send limit: %v", limited)
	}
}
