package cli

import (
	"encoding/json"
	"fmt"
	"io"
)

func writeJSON(w io.Writer, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		fmt.Fprintf(w, "{\"error\": %q}\n", err.Error())
		return
	}
	fmt.Fprintf(w, "%s\n", b)
}

// result prints v as JSON when asked, else the text lines.
func (e *env) result(c *commonFlags, v any, text string) {
	if c.json {
		writeJSON(e.stdout, v)
		return
	}
	fmt.Fprint(e.stdout, text)
}

// notice tells the person something on stderr, never on stdout, so the
// JSON on stdout stays machine-readable.
func (e *env) notice(format string, a ...any) {
	fmt.Fprintf(e.stderr, format+"\n", a...)
}

// reportedError is a failure a command has already put, with "error" and
// "exit", into its one JSON object on stdout; Main only returns its code.
type reportedError struct{ error }

func (r reportedError) Unwrap() error { return r.error }
