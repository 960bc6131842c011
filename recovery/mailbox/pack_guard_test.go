package mailbox

import (
	"testing"

	"github.com/passcrow/passcrow-desktop/recovery"
)

// A pack copy may not go into a mailbox that Passcrow servers send
// enough of the pack's codes to: whoever reads that mailbox would have
// the pack and the codes. With two e-mail places and "any one of them"
// (the setup's default for two), each inbox alone would do.
func TestPackCopyRefusedWhereItsCodesArrive(t *testing.T) {
	server := func(hint string) recovery.Record {
		return recovery.Record{Kind: recovery.KindPasscrow, Prefix: "1", Hint: hint}
	}
	anyOneOfTwo := &recovery.Pack{Threshold: 2, Fragments: make([]recovery.Fragment, 1), Records: []recovery.Record{
		server("a*@e*ple.org at passcrow.example.org"), // alice@example.org
		server("c*@e*ple.net at passcrow.example.net"), // carol@example.net
	}}
	bothOfTwo := &recovery.Pack{Threshold: 3, Fragments: make([]recovery.Fragment, 1), Records: anyOneOfTwo.Records}
	for _, tc := range []struct {
		pack     *recovery.Pack
		username string
		refused  bool
	}{
		{anyOneOfTwo, "alice@example.org", true},
		{anyOneOfTwo, "ALICE@Example.ORG", true}, // the same mailbox
		{anyOneOfTwo, "carol@example.net", true},
		{anyOneOfTwo, "dave@example.com", false},
		{anyOneOfTwo, "alice", false}, // a login, not an address: cannot tell
		{bothOfTwo, "alice@example.org", false},
	} {
		a := Account{Host: "imap.example.org", Username: tc.username}
		if got := packBesideFragments(tc.pack, a); got != tc.refused {
			t.Errorf("need %d, mailbox %s: refused %v, want %v", tc.pack.Need(), tc.username, got, tc.refused)
		}
	}
}
