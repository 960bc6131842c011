package cli_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/passcrow/passcrow-desktop/cli"
	"github.com/passcrow/passcrow-desktop/internal/packstore"
	"github.com/passcrow/passcrow-desktop/platform"
)

// Script commands for what a user's machine or a hostile party does to
// the CLI's inputs: hostile server answers, edited packs, kept state
// that has aged, a disk that goes away mid-command.

// cmdStartStandin starts a STAND-IN for a hostile Passcrow server on
// loopback: our real server cannot send escape sequences, a link to a
// file share or an error of its own choosing, which is what is tested
// here. In mode "verify" it answers every verification request with the
// hint TEXT and the action link URL; in mode "error" every request with
// the error message TEXT. TEXT and URL are Go-quoted strings, so they can
// hold escapes. Each request's path is appended to the file VAR.requests,
// so a script can tell that nothing was sent.
//
//	startstandin VAR verify|error TEXT [URL]
func cmdStartStandin(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 3 || len(args) > 4 {
		ts.Fatalf("usage: startstandin VAR verify|error TEXT [URL]")
	}
	name, mode := args[0], args[1]
	text := unquoteArg(ts, args[2])
	var body map[string]any
	switch mode {
	case "verify":
		body = map[string]any{"passcrow-verification-response": "1.0", "hint": text, "expiration": time.Now().Add(time.Hour).Unix()}
		if len(args) == 4 {
			body["action-url"] = unquoteArg(ts, args[3])
		}
	case "error":
		body = map[string]any{"error": text}
	default:
		ts.Fatalf("startstandin: unknown mode %q", mode)
	}
	answer, err := json.Marshal(body)
	ts.Check(err)
	logPath := ts.MkAbs(name + ".requests")
	ts.Check(os.WriteFile(logPath, nil, 0o600))
	var mu sync.Mutex
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if f, err := os.OpenFile(logPath, os.O_APPEND|os.O_WRONLY, 0); err == nil {
			fmt.Fprintln(f, r.URL.Path)
			f.Close()
		}
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write(answer)
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	go srv.Serve(ln)
	ts.Setenv(name, "http://"+ln.Addr().String())
	ts.Defer(func() { srv.Close() })
}

// unquoteArg reads a Go-quoted script argument ("\x1b[31m").
func unquoteArg(ts *testscript.TestScript, s string) string {
	u, err := strconv.Unquote(s)
	if err != nil {
		ts.Fatalf("%s is not a Go-quoted string: %v", s, err)
	}
	return u
}

// cmdEditPack sets one field of a pack file, as someone handing over a
// doctored pack would. PATH is dot-separated ("records.0.hint",
// "records.1.data.server"); VALUE is a Go-quoted string or raw JSON.
//
//	editpack FILE PATH VALUE
func cmdEditPack(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: editpack FILE PATH VALUE")
	}
	file := ts.MkAbs(args[0])
	b, err := os.ReadFile(file)
	ts.Check(err)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var root any
	ts.Check(dec.Decode(&root))
	var value any
	if strings.HasPrefix(args[2], `"`) {
		value = unquoteArg(ts, args[2])
	} else if err := json.Unmarshal([]byte(args[2]), &value); err != nil {
		ts.Fatalf("editpack: VALUE %s: %v", args[2], err)
	}
	keys := strings.Split(args[1], ".")
	node := root
	for i, k := range keys {
		last := i == len(keys)-1
		switch n := node.(type) {
		case map[string]any:
			if last {
				n[k] = value
			} else {
				node = n[k]
			}
		case []any:
			j, err := strconv.Atoi(k)
			if err != nil || j < 0 || j >= len(n) {
				ts.Fatalf("editpack: %q: no element %s", args[1], k)
			}
			if last {
				n[j] = value
			} else {
				node = n[j]
			}
		default:
			ts.Fatalf("editpack: %q: %s is not in an object or array", args[1], k)
		}
	}
	out, err := json.MarshalIndent(root, "", "  ")
	ts.Check(err)
	ts.Check(os.WriteFile(file, out, 0o600))
}

// cmdWriteFile writes its arguments as lines into FILE (for stdin): the
// codes are in variables, which a txtar file cannot hold.
//
//	writefile FILE LINE...
func cmdWriteFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: writefile FILE LINE...")
	}
	var b strings.Builder
	for _, l := range args[1:] {
		b.WriteString(l + "\n")
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(b.String()), 0o600))
}

// partialIn reads the recovery state kept for NAME in a file store.
func partialIn(ts *testscript.TestScript, dir, name string) (map[string]any, bool) {
	st, err := platform.NewFileStore(ts.MkAbs(dir))
	ts.Check(err)
	b, err := st.Get(packstore.PartialPrefix + name)
	if err != nil {
		return nil, false
	}
	var pr map[string]any
	ts.Check(json.Unmarshal(b, &pr))
	return pr, true
}

// cmdKept checks how many fetched fragments the store DIR keeps for the
// item NAME (0: none, no state at all).
//
//	kept DIR NAME N
func cmdKept(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: kept DIR NAME N")
	}
	want, err := strconv.Atoi(args[2])
	ts.Check(err)
	pr, ok := partialIn(ts, args[0], args[1])
	got := 0
	if ok {
		frags, _ := pr["fragments"].(map[string]any)
		got = len(frags)
		if got == 0 {
			ts.Fatalf("state kept for %q holds no fragment", args[1])
		}
	}
	if got != want {
		ts.Fatalf("the store keeps %d fragments for %q, want %d", got, args[1], want)
	}
}

// cmdAgePartial makes the state kept for NAME expire, as a day passing
// would: it moves its expiry to the past.
//
//	agepartial DIR NAME
func cmdAgePartial(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: agepartial DIR NAME")
	}
	pr, ok := partialIn(ts, args[0], args[1])
	if !ok {
		ts.Fatalf("no state is kept for %q", args[1])
	}
	pr["expires"] = time.Now().Add(-time.Minute).Unix()
	b, err := json.Marshal(pr)
	ts.Check(err)
	st, err := platform.NewFileStore(ts.MkAbs(args[0]))
	ts.Check(err)
	ts.Check(st.Put(packstore.PartialPrefix+args[1], b))
}

// cmdOutGone runs passcrow in this process (cli.MainOutGone) so that the
// directory of --out disappears after it was checked and before the
// secret is written; it succeeds when the exit code is N. Paths in ARGS
// must be absolute ($WORK/...): this process does not run in $WORK.
//
//	outgone N passcrow ARGS...
func cmdOutGone(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 || args[1] != "passcrow" {
		ts.Fatalf("usage: outgone N passcrow ARGS...")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	if got := cli.MainOutGone(args[2:], strings.NewReader(""), ts.Stdout(), ts.Stderr(), ts.Getenv); got != want {
		ts.Fatalf("passcrow exited %d, want %d", got, want)
	}
}
