package cli

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/passcrow/passcrow-desktop/internal/termtext"
)

func writeJSON(w io.Writer, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		fmt.Fprintf(w, "{\"error\": %q}\n", err.Error())
		return
	}
	fmt.Fprintf(w, "%s\n", b)
}

// result prints v as JSON when asked, else the text lines. Text is
// cleaned for the terminal as a whole (termtext.CleanLines), a last line
// of defence: each field from a server or a pack should already have
// been through termtext.Clean, so it cannot start a line of its own.
func (e *env) result(c *commonFlags, v any, text string) {
	if c.json {
		writeJSON(e.stdout, v)
		return
	}
	fmt.Fprint(e.stdout, termtext.CleanLines(text))
}

// notice tells the person something on stderr, never on stdout, so the
// JSON on stdout stays machine-readable. Its arguments often carry what
// a server or a pack said, so the line is cleaned for the terminal.
func (e *env) notice(format string, a ...any) {
	fmt.Fprint(e.stderr, termtext.CleanLines(fmt.Sprintf(format, a...))+"\n")
}

// jsonFielder is an error that adds fields to the JSON error object.
type jsonFielder interface {
	error
	jsonFields() map[string]any
}

// reportedError is a failure a command has already put, with "error" and
// "exit", into its one JSON object on stdout; Main only returns its code.
type reportedError struct{ error }

func (r reportedError) Unwrap() error { return r.error }
