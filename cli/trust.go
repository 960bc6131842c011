package cli

import (
	"flag"
	"fmt"
	"strings"

	"github.com/passcrow/passcrow-desktop/internal/packstore"
	"github.com/passcrow/passcrow-desktop/platform"
	"github.com/passcrow/passcrow-desktop/recovery"
)

// A pack names the servers that verify, recover and recover-ephemeral
// send escrow keys and the user's codes to. A pack made by someone else
// (a file sent "from support", a recovery name in a phishing mail) can
// name servers they run, and collect the codes the user types. So the
// servers are always shown, and a server the user never chose is used
// only with --trust-servers.

// publicServers are the servers anyone may use without having chosen them
// here: the public server the reference client and the app's setup offer
// (app/state.KnownServers; not imported, so the CLI stays free of the GUI).
var publicServers = []string{"passcrow.mailpile.is"}

const trustUsage = "contact servers the pack names that you have not used before, and remember them as yours"

func trustFlag(fs *flag.FlagSet) *bool {
	return fs.Bool("trust-servers", false, trustUsage)
}

// untrustedError refuses servers the user has not chosen (exit 2: the
// command needs --trust-servers to go on).
type untrustedError struct {
	cmd     string
	what    string   // "this pack", "this recovery name"
	sends   string   // "your codes" when empty
	servers []string // all the pack names
	unknown []string
}

func (u *untrustedError) Error() string {
	sends := u.sends
	if sends == "" {
		sends = "your codes"
	}
	return fmt.Sprintf("%s: stopped before sending anything: %s would send %s to %s, not used here before "+
		"(not a server you protected something with, nor the public %s). Someone else's pack or recovery name can point "+
		"at servers they run, to collect %s. If it is yours, or you trust where it came from, run again with --trust-servers",
		u.cmd, u.what, sends, strings.Join(quoteAll(u.unknown), ", "), publicServers[0], sends)
}

func (u *untrustedError) jsonFields() map[string]any {
	return map[string]any{"servers": u.servers, "untrusted_servers": u.unknown}
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range cleanAll(ss) {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// checkServers says which servers p will contact and refuses, unless
// trust, when one of them is neither chosen nor public. With trust, the
// new servers are remembered as chosen.
func (e *env) checkServers(cmd string, st platform.Store, p *recovery.Pack, trust bool) error {
	servers := recovery.PackServers(p)
	if len(servers) > 0 {
		e.notice("  this pack contacts: %s", strings.Join(cleanAll(servers), ", "))
	}
	return e.trustServers(cmd, "this pack", st, servers, recovery.UnknownServers(p, e.knownServers(st)), trust)
}

// knownServers are the chosen servers and the public ones.
func (e *env) knownServers(st platform.Store) []string {
	chosen, err := packstore.ChosenServers(st)
	if err != nil {
		e.notice("passcrow: %v", err)
	}
	return append(chosen, publicServers...)
}

func (e *env) trustServers(cmd, what string, st platform.Store, servers, unknown []string, trust bool) error {
	if len(unknown) == 0 {
		return nil
	}
	if !trust {
		return &untrustedError{cmd: cmd, what: what, servers: servers, unknown: unknown}
	}
	e.notice("  --trust-servers: using %s, and remembering them as yours", strings.Join(cleanAll(unknown), ", "))
	if err := packstore.AddChosenServers(st, unknown...); err != nil {
		e.notice("passcrow: could not remember the servers (you will be asked again): %v", err)
	}
	return nil
}

// warnUnknownServers tells, after a pack from elsewhere is stored, that
// verify and recover will want --trust-servers for it.
func (e *env) warnUnknownServers(st platform.Store, p *recovery.Pack) {
	if unknown := recovery.UnknownServers(p, e.knownServers(st)); len(unknown) > 0 {
		e.notice("  this pack names servers you have not used before: %s; verify and recover will ask you to confirm them with --trust-servers",
			strings.Join(cleanAll(unknown), ", "))
	}
}
