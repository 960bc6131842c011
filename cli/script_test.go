package cli_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/passcrow/passcrow-desktop/cli"
	"github.com/passcrow/passcrow-desktop/server"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// TestMain lets scripts run "passcrow": testscript re-executes this test
// binary, which then runs cli.Main, so no GUI build is involved and every
// command is a process of its own, as a user's would be.
//
// "exitcode N passcrow ARGS..." runs the same and succeeds only when the
// exit code is N, since testscript itself tells only zero from non-zero.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"passcrow": func() { os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
		"exitcode": exitCodeMain,
	})
}

func exitCodeMain() {
	if len(os.Args) < 3 || os.Args[2] != "passcrow" {
		fmt.Fprintln(os.Stderr, "usage: exitcode N passcrow ARGS...")
		os.Exit(100)
	}
	want, err := strconv.Atoi(os.Args[1])
	if err != nil {
		fmt.Fprintf(os.Stderr, "exitcode: %v\n", err)
		os.Exit(100)
	}
	if got := cli.Main(os.Args[3:], os.Stdin, os.Stdout, os.Stderr); got != want {
		fmt.Fprintf(os.Stderr, "exitcode: passcrow exited %d, want %d\n", got, want)
		os.Exit(100)
	}
	os.Exit(0)
}

// TestScripts runs testdata/script/*.txtar. Each script gets PASSCROW_HOME
// in its work directory (the OS keychain is never touched) and VECTORS,
// the reference vectors' directory.
func TestScripts(t *testing.T) {
	t.Parallel()
	testscript.Run(t, scriptParams(t, "script", nil))
}

// scriptParams runs the scripts in testdata/DIR; setup, when set, adds
// to each script's environment.
func scriptParams(t *testing.T, dir string, setup func(*testscript.Env) error) testscript.Params {
	vectors, err := filepath.Abs(filepath.Join("..", "..", "shared", "vectors"))
	if err != nil {
		t.Fatal(err)
	}
	dns := startDNS(t)
	return testscript.Params{
		Dir:                 filepath.Join("testdata", dir),
		RequireExplicitExec: true,
		Setup: func(e *testscript.Env) error {
			e.Setenv("PASSCROW_HOME", filepath.Join(e.WorkDir, "home"))
			e.Setenv("VECTORS", vectors)
			e.Setenv("PASSCROW_TEST_DNS", dns)
			// A race-enabled binary sleeps a second before exiting, to
			// let reports out; scripts run dozens of them.
			e.Setenv("GORACE", strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
			if setup != nil {
				return setup(e)
			}
			return nil
		},
		Cmds: scriptCmds,
		Condition: func(cond string) (bool, error) {
			if cond == "race" {
				return raceDetector, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
	}
}

var scriptCmds = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	"startserver": cmdStartServer,
	"outboxcode":  cmdOutboxCode,
	"filemode":    cmdFileMode,
	"checkhome":   cmdCheckHome,
	"onejson":     cmdOneJSON,
	// script_cmds_test.go
	"startstandin": cmdStartStandin,
	"editpack":     cmdEditPack,
	"writefile":    cmdWriteFile,
	"kept":         cmdKept,
	"agepartial":   cmdAgePartial,
	"outgone":      cmdOutGone,
	// script_files_test.go
	"glob":   cmdGlob,
	"typo":   cmdTypo,
	"retype": cmdRetype,
}

// testMaxExpiration is what script servers grant at most. Under the
// free tier's 25 hours, so protect --days 1 pays nothing and no hashcash
// is solved.
const testMaxExpiration = 24 * time.Hour

// cmdStartServer starts our Passcrow server on a free loopback port with
// the outbox verifier, sets VAR to its http URL and stops it when the
// script ends.
//
// MAX_EXPIRATION (a Go duration) overrides testMaxExpiration.
//
//	startserver VAR OUTBOX_DIR [MAX_EXPIRATION]
func cmdStartServer(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! startserver")
	}
	if len(args) != 2 && len(args) != 3 {
		ts.Fatalf("usage: startserver VAR OUTBOX_DIR [MAX_EXPIRATION]")
	}
	name, outbox := args[0], ts.MkAbs(args[1])
	maxExp := testMaxExpiration
	if len(args) == 3 {
		var err error
		maxExp, err = time.ParseDuration(args[2])
		ts.Check(err)
	}
	logf, err := os.Create(ts.MkAbs(name + ".log"))
	ts.Check(err)
	srv, err := server.New(server.Config{
		Verifiers:     map[string]verify.Verifier{"email": &verify.Outbox{Dir: outbox}},
		AboutURL:      "https://passcrow.example.org/",
		MaxExpiration: maxExp,
		Logger:        slog.New(slog.NewTextHandler(logf, nil)),
		// The scripts ask for codes again within a minute on purpose
		// (server tests cover the wait between codes).
		ResendInterval: -1,
	})
	ts.Check(err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- server.Serve(ctx, ln, srv) }()
	ts.Setenv(name, "http://"+ln.Addr().String())
	ts.Defer(func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			ts.Logf("server %s: %v", name, err)
		}
		srv.Close()
		logf.Close()
	})
}

// cmdOutboxCode finds the newest message in an outbox whose code starts
// with PREFIX and puts the code into the environment variable VAR, and,
// when WRONGVAR is given, a code that differs from it in the last digit
// (a typo that still routes to the same location).
//
//	outboxcode DIR PREFIX VAR [WRONGVAR]
func cmdOutboxCode(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 && len(args) != 4 {
		ts.Fatalf("usage: outboxcode DIR PREFIX VAR [WRONGVAR]")
	}
	dir, prefix, name := ts.MkAbs(args[0]), args[1], args[2]
	code, err := newestCode(dir, prefix)
	if neg {
		if err == nil {
			ts.Fatalf("found code %q with prefix %q in %s", code, prefix, args[0])
		}
		return
	}
	ts.Check(err)
	ts.Setenv(name, code)
	if len(args) == 4 {
		last := code[len(code)-1]
		wrong := code[:len(code)-1] + string('0'+(last-'0'+1)%10)
		ts.Setenv(args[3], wrong)
	}
}

func newestCode(dir, prefix string) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".eml") {
			names = append(names, e.Name())
		}
	}
	// Outbox file names start with the time sent: newest last.
	sort.Sort(sort.Reverse(sort.StringSlice(names)))
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			return "", err
		}
		if code, ok := verify.ReadCode(string(b)); ok && strings.HasPrefix(code, prefix) {
			return code, nil
		}
	}
	return "", fmt.Errorf("no message with a code starting with %q among %d in %s", prefix, len(names), dir)
}

// cmdFileMode checks a file's permission bits.
//
//	filemode 0600 FILE
func cmdFileMode(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: filemode MODE FILE")
	}
	fi, err := os.Stat(ts.MkAbs(args[1]))
	ts.Check(err)
	got := fmt.Sprintf("%04o", fi.Mode().Perm())
	if (got == args[0]) == neg {
		ts.Fatalf("%s has mode %s, want %s%s", args[1], got, map[bool]string{true: "not "}[neg], args[0])
	}
}

// cmdCheckHome checks that a PASSCROW_HOME is private and keeps no copy of
// the secret: the directory 0700, every file in it 0600 and free of TEXT.
//
//	checkhome DIR TEXT
func cmdCheckHome(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: checkhome DIR TEXT")
	}
	dir := ts.MkAbs(args[0])
	fi, err := os.Stat(dir)
	ts.Check(err)
	if fi.Mode().Perm() != 0o700 {
		ts.Fatalf("%s has mode %04o, want 0700", args[0], fi.Mode().Perm())
	}
	entries, err := os.ReadDir(dir)
	ts.Check(err)
	if len(entries) == 0 {
		ts.Fatalf("%s is empty", args[0])
	}
	for _, e := range entries {
		info, err := e.Info()
		ts.Check(err)
		if info.Mode().Perm() != 0o600 {
			ts.Fatalf("%s has mode %04o, want 0600", e.Name(), info.Mode().Perm())
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		ts.Check(err)
		if strings.Contains(string(b), args[1]) {
			ts.Fatalf("%s holds %q", e.Name(), args[1])
		}
	}
}

// cmdOneJSON checks that the last command's stdout is exactly one JSON
// object and nothing else, as --json promises, also on failure.
//
//	onejson
func cmdOneJSON(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: onejson")
	}
	dec := json.NewDecoder(strings.NewReader(ts.ReadFile("stdout")))
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		ts.Fatalf("stdout is not a JSON object: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		ts.Fatalf("stdout holds more than one JSON object")
	}
}
