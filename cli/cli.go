// Package cli is the passcrow command line: a thin layer of flags and
// output over the recovery library, the server and the platform store.
//
// Output rules, the same for every command:
//   - results go to stdout: plain text for people, or with --json exactly
//     one JSON object (also on failure: {"error": "...", "exit": N});
//   - progress (hashcash, servers contacted) and notices go to stderr;
//   - without --json an error is one line on stderr: "passcrow: ...";
//   - the exit code says what happened (see the Exit constants), so scripts
//     and bundling apps need not parse text.
package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/passcrow/passcrow-desktop/internal/termtext"
)

// Exit codes, documented in README.md and `passcrow help`.
const (
	ExitOK         = 0 // done
	ExitFailure    = 1 // anything not covered below
	ExitUsage      = 2 // bad command line
	ExitNotFound   = 3 // no protected item of that name
	ExitIncomplete = 4 // recovery not possible yet: wrong or too few codes
	ExitServer     = 5 // a server could not be reached or refused the request
)

const usage = `passcrow: recover encrypted data after a lost password

Usage:
  passcrow                         open the desktop app
  passcrow serve [--listen 127.0.0.1:PORT] [--data DIR] [--outbox DIR | --smtp-host H ...]
  passcrow protect NAME --secret-file F --location KIND=VALUE[,OPTION...] [--location ...]
                   [--threshold N | --policy POLICY | --preset mailpile] [--max-hashcash-bits 20]
                                   KIND: server=URL,id=email:ADDR  imap=USER@HOST  friend=ADDR,smtp=HOST,from=ADDR
                                   paper=DIR  media=DIR  heir=email:ADDR,server=URL,notify=email:YOURS,days=N
                                   (passcrow protect --help lists the options);
                                   --id email:ADDR ... --server URL still work for servers
  passcrow list
  passcrow verify NAME             servers send the codes; prints where they went and what else to give
  passcrow recover NAME [--code - | --code C ...] [--sheet-text -] [--file F ...]
                   [--imap-password-file [ACCOUNT=]F] [--out F]
                                   --code - reads the codes from standard input, one per line; --sheet-text -
                                   reads a printed sheet's text; --file takes a photo of a sheet, a friend's
                                   letter (.eml) or a fragment file; at a terminal you are asked for the rest
  passcrow check NAME [--imap-password-file [ACCOUNT=]F]
                                   asks each location whether it still holds its fragment (no code is sent)
  passcrow backup-pack NAME --imap USER@HOST[,...]    keep a copy of the pack in a mailbox of yours
  passcrow restore --imap USER@HOST[,...] [--name NAME] [--list]
                                   bring a pack copy back from the mailbox on a new computer
  passcrow recover-ephemeral SERVER:- [--code -] [--name NAME]
                                   round 1 for a reference client's ephemeral recovery name; SERVER:-
                                   reads the user key from standard input (SERVER:USERKEY works too)
  passcrow protect NAME --ephemeral --secret-file F --id email:ADDR --id ... --server URL
                                   the reference client's ephemeral mode: prints a recovery name to write down
  passcrow heir-sheet NAME --out F.pdf [--owner NAME]   print the inheritance sheet of an heir location
  passcrow heir-status NAME | heir-stop NAME   whether the heir asked; stop the release (the heir's piece stays)
  passcrow claim - | --photo SHEET.png [--code C|-] [--out F]
                                   the heir, with only the sheet: a code is mailed, and after the waiting
                                   period the pack and the heir's piece come back
  passcrow forget NAME             deletes the fragments it can reach, then the pack (which voids the rest)
  passcrow import FILE [--name NAME]   import a pack file (ours or the reference client's .passcrow)
  passcrow export NAME --out F     write a pack to a file (for a backup or another device)
  passcrow remind [--interval-days N] [--lang en|is]   show a notification when renewal is due, then exit
  passcrow --version               the version and the commit it was built from (also: passcrow version)

Codes and user keys given as arguments (--code C, SERVER:USERKEY) can be
read by other programs on this computer while passcrow runs, and stay in
the shell's history: prefer standard input or the prompt. Passwords are
never arguments: password-file=F, --imap-password-file F, or the prompt.

verify, recover, check and recover-ephemeral name the servers they will
contact, and contact a server you have not protected anything with (nor
the public passcrow.mailpile.is) only with --trust-servers: a pack or
recovery name from someone else can point at servers they run, to collect
your codes. restore asks the same of a pack copy naming such servers.

protect, verify, recover, recover-ephemeral, check, forget, claim,
heir-status and heir-stop take --proxy socks5h://127.0.0.1:9050 (Tor;
or $PASSCROW_PROXY): every request to a Passcrow server goes through
that SOCKS5 proxy, names are resolved there, and .onion servers work
only this way. protect and
verify contact different servers in random order with waits of 2 to 20 s
between them, so servers cannot link your requests by their timing;
--quick skips the waits. See docs/PRIVACY.md.

Every command takes --json (one JSON object on stdout) and --home DIR
(keep config and packs as files in DIR instead of the OS keychain; the same
as PASSCROW_HOME=DIR). Run "passcrow COMMAND --help" for a command's flags.

Exit codes: 0 done, 1 failure (check: a location lost its fragment), 2
usage (also: servers not trusted yet, see --trust-servers), 3 no such
item, 4 recovery not possible yet (wrong or too few codes or fragments),
5 server unreachable or refused (also: it asks for more work than
--max-hashcash-bits; a mail server refused the login).
`

// env is what a command runs with; tests build one without touching the
// process's real streams.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// terminal is set when a person types at stdin: missing codes are
	// then asked for, and readHidden reads a secret there without echo.
	terminal   bool
	readHidden func() (string, error)
	in         *bufio.Reader // see input()
	// net is --proxy and --quick, for commands that talk to servers
	// (proxy.go); nil for the others.
	net *netOptions
	// beforeWrite, when set, runs between the check that --out can be
	// written and the write: tests make the write fail there.
	beforeWrite func(path string)
	// ctx, when set, stops serve when done, as SIGTERM does (tests).
	ctx context.Context
}

// context is e.ctx, or Background.
func (e *env) context() context.Context {
	if e.ctx != nil {
		return e.ctx
	}
	return context.Background()
}

type command struct {
	run func(e *env, args []string) error
}

var commands = map[string]command{
	"serve":             {runServe},
	"protect":           {runProtect},
	"list":              {runList},
	"verify":            {runVerify},
	"recover":           {runRecover},
	"recover-ephemeral": {runRecoverEphemeral},
	"check":             {runCheck},
	"backup-pack":       {runBackupPack},
	"restore":           {runRestore},
	"forget":            {runForget},
	"import":            {runImport},
	"export":            {runExport},
	"remind":            {runRemind},
}

// IsCommand reports whether args start with a CLI subcommand (as opposed to
// no arguments or only global flags, which open the desktop app).
func IsCommand(args []string) bool {
	if len(args) == 0 {
		return false
	}
	_, ok := commands[args[0]]
	return ok || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || isVersionFlag(args[0])
}

// Main runs one command and returns the process exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv}
	e.terminal, e.readHidden = stdinTerminal(stdin)
	return e.main(args)
}

func (e *env) main(args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(e.stdout, usage)
		return ExitOK
	}
	if isVersionFlag(args[0]) { // see version.go
		args = append([]string{"version"}, args[1:]...)
	}
	cmd, ok := commands[args[0]]
	if !ok {
		names := make([]string, 0, len(commands))
		for n := range commands {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintf(e.stderr, "passcrow: unknown command %q (commands: %s)\n", args[0], strings.Join(names, ", "))
		return ExitUsage
	}
	err := cmd.run(e, args[1:])
	if err == nil {
		return ExitOK
	}
	if errors.Is(err, errHelpShown) {
		return ExitOK
	}
	code := exitCode(err)
	if code == ExitNotFound {
		err = fmt.Errorf("%w (see passcrow list)", err)
	}
	if errors.As(err, new(reportedError)) {
		return code
	}
	// Errors carry what servers and packs said: cleaned like all output.
	msg := termtext.CleanLines(err.Error())
	if jsonWanted(args[1:]) {
		obj := map[string]any{"error": msg, "exit": code}
		var extra jsonFielder
		if errors.As(err, &extra) {
			for k, v := range extra.jsonFields() {
				obj[k] = v
			}
		}
		writeJSON(e.stdout, obj)
	} else {
		fmt.Fprintf(e.stderr, "passcrow: %s\n", msg)
	}
	return code
}

// jsonWanted finds --json before the flags are parsed, so that even a
// usage error is reported in the form the caller asked for.
func jsonWanted(args []string) bool {
	for _, a := range args {
		if a == "--json" || a == "-json" || a == "--json=true" || a == "-json=true" {
			return true
		}
	}
	return false
}
