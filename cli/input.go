package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/passcrow/passcrow-desktop/internal/termtext"
	"github.com/passcrow/passcrow-desktop/recovery"
)

// Codes and user keys are secrets: on the command line (--code C) they
// sit in the process's arguments, where other programs of any user can
// read them (ps, /proc) while it runs, and in the shell's history after.
// So they can come from standard input instead ("--code -", one per
// line), and a person at a terminal who gives none is asked for them.

// maxInputLine bounds one line read from standard input: codes and user
// keys are a few characters.
const maxInputLine = 4096

// maxStdinCodes bounds how many codes "--code -" reads.
const maxStdinCodes = 2 * recovery.MaxLocations

// stdinTerminal tells whether stdin is a terminal a person types at, and
// gives a way to read a line there without echo.
func stdinTerminal(stdin io.Reader) (bool, func() (string, error)) {
	f, ok := stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return false, nil
	}
	return true, func() (string, error) {
		b, err := term.ReadPassword(int(f.Fd()))
		return string(b), err
	}
}

// input is standard input read by lines, shared by every read of one
// command so that buffering loses nothing (a user key, then a code).
func (e *env) input() *bufio.Reader {
	if e.in == nil {
		e.in = bufio.NewReaderSize(e.stdin, maxInputLine)
	}
	return e.in
}

// errNoInput means standard input ended before a line was read.
var errNoInput = errors.New("standard input ended")

// readLine reads one line of standard input, without its line end and
// surrounding spaces.
func (e *env) readLine() (string, error) {
	line, err := e.input().ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return "", fmt.Errorf("a line of standard input is longer than %d bytes", maxInputLine)
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("reading standard input: %w", err)
	}
	if errors.Is(err, io.EOF) && len(line) == 0 {
		return "", errNoInput
	}
	return strings.TrimSpace(string(line)), nil
}

// readHiddenLine asks for a secret: at a terminal with prompt on stderr
// and no echo, else as the next line of standard input.
func (e *env) readHiddenLine(prompt string) (string, error) {
	if e.terminal && e.readHidden != nil {
		fmt.Fprint(e.stderr, prompt)
		s, err := e.readHidden()
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", fmt.Errorf("reading from the terminal: %w", err)
		}
		return strings.TrimSpace(s), nil
	}
	return e.readLine()
}

// expandCodes replaces "-" among the --code values with the codes on
// standard input, one per line (blank lines are skipped).
func (e *env) expandCodes(cmd string, codes []string) ([]string, error) {
	dashes := 0
	for _, c := range codes {
		if c == "-" {
			dashes++
		}
	}
	if dashes > 1 {
		return nil, usagef("%s: --code - is given twice; standard input is read once", cmd)
	}
	var out []string
	for _, c := range codes {
		if c != "-" {
			out = append(out, c)
			continue
		}
		if e.terminal {
			fmt.Fprintln(e.stderr, "Type the codes, one per line, then Ctrl-D (or leave out --code to be asked for each).")
		}
		n := 0
		for {
			line, err := e.readLine()
			if errors.Is(err, errNoInput) {
				break
			}
			if err != nil {
				return nil, fmt.Errorf("%s: --code -: %w", cmd, err)
			}
			if line == "" {
				continue
			}
			if n++; n > maxStdinCodes {
				return nil, usagef("%s: --code -: more than %d codes on standard input", cmd, maxStdinCodes)
			}
			out = append(out, line)
		}
		if n == 0 {
			return nil, usagef("%s: --code -: no code on standard input", cmd)
		}
	}
	return out, nil
}

// promptCodes asks a person at the terminal for codes until those typed
// and those accepted earlier cover every location p needs, or an empty
// line. A line that is not a code of this pack is said so and asked
// again: nothing has been sent yet.
func (e *env) promptCodes(p *recovery.Pack, fetched map[string]recovery.Fragment) ([]string, error) {
	need := p.Need() - len(fetched)
	fmt.Fprintf(e.stderr, "Type the codes you received, one per line (%d needed; an empty line when done).\n", need)
	var codes []string
	got := map[int]bool{}
	for len(got) < need {
		fmt.Fprint(e.stderr, "code: ")
		line, err := e.readLine()
		if errors.Is(err, errNoInput) || (err == nil && line == "") {
			break
		}
		if err != nil {
			return nil, err
		}
		i, _, err := recovery.RouteCode(p.Records, line)
		if err != nil {
			// The error never repeats the code; the pack's hints in it
			// are cleaned like all output.
			e.notice("  %v; type it again", err)
			continue
		}
		if _, done := fetched[p.Records[i].Prefix]; done || got[i] {
			e.notice("  a code starting with %s is in already", p.Records[i].Prefix)
			continue
		}
		got[i] = true
		codes = append(codes, line)
	}
	return codes, nil
}

// cleanAll applies termtext.Clean to each of ss.
func cleanAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = termtext.Clean(s)
	}
	return out
}
