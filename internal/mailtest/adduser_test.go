//go:build linux

package mailtest_test

import (
	"fmt"
	"testing"

	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/passcrow/passcrow-desktop/internal/mailtest"
)

// TestAddUserRightAfterLogin: a user added just after another logged in
// can log in at once. With one passwd-file for all, Dovecot (which looks
// at it at most once a second) did not know the new user yet.
func TestAddUserRightAfterLogin(t *testing.T) {
	m := mailtest.Start(t)
	for i := range 4 {
		name := fmt.Sprintf("user%d", i)
		m.AddUser(name, name+"-pw")
		c, err := imapclient.DialInsecure(m.IMAPAddr(), nil)
		if err != nil {
			t.Fatal(err)
		}
		err = c.Login(name, name+"-pw").Wait()
		c.Close()
		if err != nil {
			t.Fatalf("login as %s right after adding it: %v", name, err)
		}
	}
}
