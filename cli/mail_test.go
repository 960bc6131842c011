//go:build linux

package cli_test

import (
	"context"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/passcrow/passcrow-desktop/internal/mailtest"
)

// TestMailScripts runs testdata/mail/*.txtar against real mail servers:
// Dovecot (IMAP with STARTTLS, its submission service with AUTH) and
// OpenSMTPD, from internal/mailtest, with their own CA in $CA_FILE. The
// users and their passwords are made here, before the scripts run in
// parallel; each script uses users of its own:
//
//	mail.txtar: owner, owner2, friend, backup
func TestMailScripts(t *testing.T) {
	t.Parallel()
	m := mailtest.Start(t)
	m.NeedSubmission(t)
	users := []string{"owner", "owner2", "friend", "backup"}
	for _, u := range users {
		m.AddUser(u, u+"-pw")
	}
	_, imapPort, err := net.SplitHostPort(m.IMAPAddr())
	if err != nil {
		t.Fatal(err)
	}
	_, subPort, err := net.SplitHostPort(m.SubmissionAddr())
	if err != nil {
		t.Fatal(err)
	}
	p := scriptParams(t, "mail", func(e *testscript.Env) error {
		e.Setenv("IMAP_PORT", imapPort)
		e.Setenv("SUBMISSION_PORT", subPort)
		e.Setenv("CA_FILE", m.CertFile())
		for _, u := range users {
			if err := os.WriteFile(e.WorkDir+"/"+u+".pw", []byte(u+"-pw\n"), 0o600); err != nil {
				return err
			}
		}
		return nil
	})
	p.Cmds = map[string]func(*testscript.TestScript, bool, []string){}
	for k, v := range scriptCmds {
		p.Cmds[k] = v
	}
	// waitmail USER TEXT FILE waits for a mail to USER that contains
	// TEXT and saves it, as the user's mail program would save it as .eml.
	p.Cmds["waitmail"] = func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 3 {
			ts.Fatalf("usage: waitmail USER TEXT FILE")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		text, err := m.WaitForMail(ctx, args[0], args[0]+"-pw", func(s string) bool { return strings.Contains(s, args[1]) })
		ts.Check(err)
		ts.Check(os.WriteFile(ts.MkAbs(args[2]), []byte(text), 0o600))
	}
	testscript.Run(t, p)
}
