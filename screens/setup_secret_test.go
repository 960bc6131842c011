package screens

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/passcrow/passcrow-desktop/app/state"
)

// TestSetupSecretTypedTwice: a typo in the secret could never be fixed,
// so setup asks for it twice, says when the two differ, and takes the
// error back as soon as they match, before Next is tapped again.
func TestSetupSecretTypedTwice(t *testing.T) {
	u := newTestUI(t)
	var s *Setup
	look(u, func() {
		u.ShowSetup(state.Plan{})
		s = u.Current().(*Setup)
	})
	typeIn(u, s.Name, "Disk")
	typeIn(u, s.Secret, "hunter2")
	tap(u, s.Next)
	var step int
	var msg string
	look(u, func() { step, msg = s.Step, s.Error.Text })
	if step != stepSecret || msg == "" {
		t.Fatalf("the secret typed once went on to step %d (error %q)", step, msg)
	}
	typeIn(u, s.Again, "hunter3")
	tap(u, s.Next)
	look(u, func() { step, msg = s.Step, s.Error.Text })
	if step != stepSecret || msg != "The two secrets you typed are not the same. Type it again in both fields." {
		t.Fatalf("two different secrets: step %d, error %q", step, msg)
	}
	shotForReview(t, u, "setup-secret-mismatch")
	typeIn(u, s.Again, "hunter2")
	look(u, func() { msg = s.Error.Text })
	if msg != "" {
		t.Fatalf("the error stays once the two match: %q", msg)
	}
	tap(u, s.Next)
	look(u, func() { step = s.Step })
	if step != stepIdentities || string(s.Plan.Secret) != "hunter2" {
		t.Fatalf("matching secrets: step %d, secret %q", step, s.Plan.Secret)
	}
}

// TestSetupNameErrorClears: "give it a name" goes as soon as one is
// typed.
func TestSetupNameErrorClears(t *testing.T) {
	u := newTestUI(t)
	var s *Setup
	look(u, func() {
		u.ShowSetup(state.Plan{})
		s = u.Current().(*Setup)
	})
	tap(u, s.Next)
	var msg string
	look(u, func() { msg = s.Error.Text })
	if msg == "" {
		t.Fatal("no error for an empty name")
	}
	look(u, func() { test.Type(s.Name, "D") })
	look(u, func() { msg = s.Error.Text })
	if msg != "Type the secret, or choose a file." {
		t.Fatalf("after typing a name the error says %q, want what is still missing", msg)
	}
}

// TestSetupIdentityErrorClears: the bad-address error goes as soon as
// the entry holds an address, without tapping Add.
func TestSetupIdentityErrorClears(t *testing.T) {
	u := newTestUI(t)
	s := toIdentitiesForTest(t, u)
	typeIn(u, s.Identity, "me@example")
	tap(u, s.AddIdentity)
	var msg string
	look(u, func() { msg = s.IdentityError.Text })
	if msg == "" {
		t.Fatal("no error for me@example")
	}
	look(u, func() { test.Type(s.Identity, ".org") })
	look(u, func() { msg = s.IdentityError.Text })
	if msg != "" {
		t.Fatalf("the error stays once the address is right: %q", msg)
	}
	tap(u, s.Next)
	look(u, func() { msg = s.Error.Text })
	if s.Step != stepPolicy {
		t.Fatalf("Next with a right address: step %d, error %q", s.Step, msg)
	}
}

// TestSetupSameMailbox: ME@EXAMPLE.ORG and me@example.org are one
// mailbox: the second is not counted as another fragment, and the user
// is told; an exact duplicate is told too, not dropped without a word.
func TestSetupSameMailbox(t *testing.T) {
	u := newTestUI(t)
	s := toIdentitiesForTest(t, u)
	add := func(id string) string {
		typeIn(u, s.Identity, id)
		tap(u, s.AddIdentity)
		var msg string
		look(u, func() { msg = s.IdentityError.Text })
		return msg
	}
	if msg := add("me@example.org"); msg != "" {
		t.Fatalf("adding me@example.org: %q", msg)
	}
	msg := add("ME@EXAMPLE.ORG")
	if len(s.Plan.Identities) != 1 || msg != "ME@EXAMPLE.ORG is the same mailbox as me@example.org (capital letters make no difference), so it is not added again. Each address should be a different mailbox." {
		t.Fatalf("ME@EXAMPLE.ORG after me@example.org: %v, %q", s.Plan.Identities, msg)
	}
	shotForReview(t, u, "setup-same-mailbox")
	if msg := add("me@example.org"); len(s.Plan.Identities) != 1 || msg != "me@example.org is already in the list." {
		t.Fatalf("me@example.org twice: %v, %q", s.Plan.Identities, msg)
	}
	// Typed and left in the entry, Next says so too and stays.
	look(u, func() { test.Type(s.Identity, "Me@Example.org") })
	tap(u, s.Next)
	look(u, func() { msg = s.IdentityError.Text })
	if s.Step != stepIdentities || msg == "" {
		t.Fatalf("Next with a duplicate in the entry: step %d, note %q", s.Step, msg)
	}
	if msg := add("+354 555 1234"); msg != "" || len(s.Plan.Identities) != 2 {
		t.Fatalf("a phone after the note: %v, %q", s.Plan.Identities, msg)
	}
}

// TestSetupDefaultPolicy: two places default to any one of them (one
// lost place must not lock the user out), three or more to a majority;
// a choice the user made is kept when they go back and forth.
func TestSetupDefaultPolicy(t *testing.T) {
	u := newTestUI(t)
	s := toIdentitiesForTest(t, u)
	for _, id := range []string{"a@example.org", "b@example.net"} {
		typeIn(u, s.Identity, id)
		tap(u, s.AddIdentity)
	}
	tap(u, s.Next)
	var need int
	var explain string
	look(u, func() { need, explain = s.Plan.Threshold(), s.Explain.Text })
	if need != 1 || !strings.Contains(explain, "Recommended for two") {
		t.Fatalf("two addresses need %d by default (%q), want 1 and why", need, explain)
	}
	shotForReview(t, u, "setup-policy-two")
	look(u, func() { s.Policy.SetSelected(s.Policy.Options[0]) }) // all of them
	tap(u, s.Back)
	tap(u, s.Next)
	look(u, func() { need = s.Plan.Threshold() })
	if need != 2 {
		t.Fatalf("the user's choice of all of two became %d after Back and Next", need)
	}
	tap(u, s.Back)
	typeIn(u, s.Identity, "c@example.com")
	tap(u, s.AddIdentity)
	tap(u, s.Next)
	look(u, func() { need = s.Plan.Threshold() })
	if need != 2 {
		t.Fatalf("three addresses need %d by default, want 2", need)
	}
}

// toIdentitiesForTest opens the wizard and goes to the addresses step.
func toIdentitiesForTest(t *testing.T, u *UI) *Setup {
	t.Helper()
	var s *Setup
	look(u, func() {
		u.ShowSetup(state.Plan{})
		s = u.Current().(*Setup)
	})
	typeIn(u, s.Name, "Disk")
	typeIn(u, s.Secret, "hunter2")
	typeIn(u, s.Again, "hunter2")
	tap(u, s.Next)
	if s.Step != stepIdentities {
		t.Fatalf("step %d after the first, error %q", s.Step, s.Error.Text)
	}
	return s
}
