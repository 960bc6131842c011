package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

var errHelpShown = errors.New("help shown")

// usageError marks a bad command line (exit 2).
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// strList is a repeatable flag (--id a --id b).
type strList []string

func (s *strList) String() string     { return strings.Join(*s, ",") }
func (s *strList) Set(v string) error { *s = append(*s, v); return nil }

// commonFlags are taken by every command.
type commonFlags struct {
	json bool
	home string
}

func newFlagSet(e *env, name, synopsis string, c *commonFlags) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.BoolVar(&c.json, "json", false, "print one JSON object on stdout")
	fs.StringVar(&c.home, "home", "", "keep config and packs as files in `DIR` (default: $PASSCROW_HOME, else the OS keychain)")
	e.net = addNetFlags(e, fs) // --proxy and --quick (proxy.go)
	fs.Usage = func() {
		fmt.Fprintf(e.stdout, "Usage: passcrow %s %s\n\nFlags:\n", name, synopsis)
		fs.SetOutput(e.stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// parse parses flags and positional arguments in any order, as people type
// them ("protect NAME --secret-file F" and "protect --secret-file F NAME").
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	// The flag package prints the usage on every parse error too; that
	// would put text before the JSON error on stdout, so it is shown only
	// when asked for with -h.
	usage := fs.Usage
	fs.Usage = func() {}
	defer func() { fs.Usage = usage }()
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				usage()
				return nil, errHelpShown
			}
			return nil, usagef("%s: %v", fs.Name(), err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if rest[0] == "--" {
			return append(positional, rest[1:]...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// oneName checks that exactly one positional argument, the item's name, was given.
func oneName(cmd string, positional []string) (string, error) {
	if len(positional) != 1 {
		return "", usagef("%s: give exactly one NAME (got %d arguments)", cmd, len(positional))
	}
	return positional[0], nil
}

// parseName parses args and checks that they name exactly one item.
func parseName(fs *flag.FlagSet, args []string) (string, error) {
	pos, err := parse(fs, args)
	if err != nil {
		return "", err
	}
	return oneName(fs.Name(), pos)
}
