// Command testsum reads `go test -json` (on standard input, as it runs)
// and turns it into what scripts/test.sh shows and keeps: the plain test
// log, a line per package as it finishes, the output of every failed
// test, and at the end which tests failed and which skipped, and why.
// It writes "PASSED FAILED SKIPPED" to the -counts file; test.sh adds
// its own checks and prints the closing line.
//
// Every test and subtest counts. A package that fails with no failed
// test (a build error, a crash, a timeout) counts as one failure. With
// -ci, a skip whose "package.TestName" does not match -allow-skip counts
// as a failure: in CI a test that needs a real part must not skip. Each
// test named in -require that does not pass (it failed, skipped, or
// never ran: renamed, or -run missed it) counts as a failure too.
//
//	go test -json ./... 2>&1 | testsum -log go-test.log -counts counts.txt -ci -allow-skip '^server\.TestWrk$'
package main

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"
)

func main() {
	logPath := flag.String("log", "", "append the plain test output to this `file`")
	rawPath := flag.String("json", "", "append the JSON events to this `file`")
	countsPath := flag.String("counts", "", "write \"passed failed skipped\" to this `file`")
	ci := flag.Bool("ci", false, "count skips that -allow-skip does not match as failures")
	allow := flag.String("allow-skip", "", "`regexp` of \"package.TestName\" that may skip with -ci (package without the module path)")
	require := flag.String("require", "", "comma-separated \"package.Test/sub\" `names` that must pass")
	module := flag.String("module", "github.com/passcrow/passcrow-desktop", "module `path` trimmed from package names")
	flag.Parse()
	if err := run(*logPath, *rawPath, *countsPath, *ci, *allow, *require, *module); err != nil {
		fmt.Fprintln(os.Stderr, "testsum:", err)
		os.Exit(1)
	}
}

func run(logPath, rawPath, countsPath string, ci bool, allow, require, module string) error {
	s := &summary{ci: ci, module: module, out: os.Stdout}
	if require != "" {
		s.require = strings.Split(require, ",")
	}
	if allow != "" {
		re, err := regexp.Compile(allow)
		if err != nil {
			return fmt.Errorf("-allow-skip: %w", err)
		}
		s.allow = re
	}
	for _, f := range []struct {
		path string
		w    *fileWriter
	}{{logPath, &s.log}, {rawPath, &s.raw}} {
		if f.path == "" {
			continue
		}
		file, err := os.OpenFile(f.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return err
		}
		defer file.Close()
		f.w.f = file
	}
	if err := s.read(os.Stdin); err != nil {
		return err
	}
	c := s.report()
	if countsPath != "" {
		return os.WriteFile(countsPath, fmt.Appendf(nil, "%d %d %d\n", c.passed, c.failed, c.skipped), 0o644)
	}
	return nil
}
