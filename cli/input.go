package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/passcrow/passcrow-desktop/internal/papercode"
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

// prompt asks a person at the terminal for what the recovery still
// needs, until what is in and the codes typed could be enough, or an
// empty line: codes (collected here, sent later, all at once), the text
// of a sheet or the path of a file (gathered at once: that spends
// nothing). A line that is not a code of this pack is said so and asked
// again: nothing has been sent yet.
func (e *env) prompt(g *gathering) ([]string, error) {
	p := g.p
	needs := g.r.Needs()
	onlyCodes := true
	for _, ask := range needs {
		if ask != 0 {
			onlyCodes = false
		}
	}
	ask := "code: "
	if onlyCodes && len(p.Groups) == 0 {
		fmt.Fprintf(e.stderr, "Type the codes you received, one per line (%d needed; an empty line when done).\n", p.Need()-len(g.r.Fetched()))
	} else {
		fmt.Fprintf(e.stderr, "Recovery needs %s (%s so far). Still to come:\n%s", needText(p), progressText(p, g.r.Fetched()), needsLines(p, needs))
		fmt.Fprintln(e.stderr, "Type a code, the text of a sheet (it starts with PC1), or the path of a file (a photo of a sheet, "+
			"a friend's letter, a fragment file), one per line; an empty line when done.")
		ask = "> "
	}
	var codes []string
	got := map[string]bool{}
	for !g.open() {
		with := map[string]bool{}
		for k := range g.r.Fetched() {
			with[k] = true
		}
		for k := range got {
			with[k] = true
		}
		if len(codes) > 0 && enoughFrom(p, with) {
			break
		}
		fmt.Fprint(e.stderr, ask)
		line, err := e.readLine()
		if errors.Is(err, errNoInput) || (err == nil && line == "") {
			break
		}
		if err != nil {
			return nil, err
		}
		if fi, err := os.Stat(line); err == nil && fi.Mode().IsRegular() {
			g.file(line)
			continue
		}
		if strings.Contains(strings.ToUpper(line), papercode.Prefix) {
			if err := e.promptSheet(g, line); err != nil {
				return nil, err
			}
			continue
		}
		i, _, err := recovery.RouteCode(p.Records, line)
		if err != nil {
			// The error never repeats the code; the pack's hints in it
			// are cleaned like all output.
			e.notice("  %v; type it again", err)
			continue
		}
		rec := p.Records[i]
		if _, done := g.r.Fetched()[rec.Prefix]; done || got[rec.Prefix] {
			e.notice("  a code starting with %s is in already", rec.Prefix)
			continue
		}
		if needs[rec.Prefix] != 0 {
			e.notice("  %s sends no code: %s", termtext.Clean(rec.Hint), howToGive(rec))
			continue
		}
		got[rec.Prefix] = true
		codes = append(codes, line)
	}
	return codes, nil
}

// promptSheet gathers a sheet's text typed at the prompt, on one line or
// over several: each line is added and tried, quietly, until the text
// opens a fragment or an empty line ends it; then what was wrong (where
// the typos are) is said.
func (e *env) promptSheet(g *gathering, first string) error {
	text := first
	for {
		n := 0
		for !g.open() {
			rec, err := g.r.GatherAny(g.ctx, recovery.Input{Text: text})
			if err != nil {
				break
			}
			n++ // the lines may hold several sheets
			g.accepted(rec, "accepted from the typed sheet")
		}
		if n > 0 || g.open() {
			return nil
		}
		fmt.Fprint(e.stderr, "  (more of the sheet's text, or an empty line to end it) > ")
		line, rerr := e.readLine()
		if errors.Is(rerr, errNoInput) || (rerr == nil && line == "") {
			g.text("the typed sheet", text)
			return nil
		}
		if rerr != nil {
			return rerr
		}
		text += "\n" + line
	}
}

// cleanAll applies termtext.Clean to each of ss.
func cleanAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = termtext.Clean(s)
	}
	return out
}
