package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
)

// event is one line of `go test -json` (cmd/test2json's TestEvent, and
// the go command's build events).
type event struct {
	Action      string
	Package     string
	ImportPath  string // build-output, build-fail
	Test        string
	Output      string
	FailedBuild string
}

// fileWriter writes to f when there is one.
type fileWriter struct{ f *os.File }

func (w fileWriter) WriteString(s string) {
	if w.f != nil {
		w.f.WriteString(s)
	}
}

type counts struct{ passed, failed, skipped int }

type summary struct {
	ci      bool
	allow   *regexp.Regexp
	require []string // tests that must pass
	module  string
	out     io.Writer
	log     fileWriter
	raw     fileWriter

	output       map[string][]string // test key -> its output so far
	failed       []string            // test keys, and packages that failed without a failed test
	skipped      []string            // "key: reason"
	badSkips     []string            // skips -ci does not allow
	passed       int
	passedNames  map[string]bool
	pkgHasFailed map[string]bool
}

func (s *summary) short(pkg string) string {
	if pkg == s.module {
		return "."
	}
	return strings.TrimPrefix(pkg, s.module+"/")
}

func (s *summary) key(e event) string { return s.short(e.Package) + "." + e.Test }

// read consumes the stream; lines that are not JSON events (the go
// command's own errors, a wrapper script's messages) pass through.
func (s *summary) read(r io.Reader) error {
	s.output = map[string][]string{}
	s.pkgHasFailed = map[string]bool{}
	s.passedNames = map[string]bool{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Text()
		var e event
		if !strings.HasPrefix(line, "{") || json.Unmarshal([]byte(line), &e) != nil || e.Action == "" {
			fmt.Fprintln(s.out, line)
			s.log.WriteString(line + "\n")
			continue
		}
		s.raw.WriteString(line + "\n")
		s.event(e)
	}
	return sc.Err()
}

func (s *summary) event(e event) {
	switch e.Action {
	case "build-output":
		fmt.Fprint(s.out, e.Output)
		s.log.WriteString(e.Output)
	case "output":
		s.log.WriteString(e.Output)
		k := s.key(e) // "pkg." for the package's own output
		s.output[k] = append(s.output[k], e.Output)
		if e.Test == "" && (strings.HasPrefix(e.Output, "ok ") || strings.HasPrefix(e.Output, "FAIL\t")) {
			fmt.Fprint(s.out, e.Output)
		}
	case "pass":
		if e.Test != "" {
			s.passed++
			s.passedNames[s.key(e)] = true
		}
		delete(s.output, s.key(e))
	case "skip":
		if e.Test != "" {
			k := s.key(e)
			why := k + ": " + skipReason(s.output[k])
			delete(s.output, k)
			if s.ci && (s.allow == nil || !s.allow.MatchString(k)) {
				s.badSkips = append(s.badSkips, why)
			} else {
				s.skipped = append(s.skipped, why)
			}
		}
	case "fail":
		if e.Test != "" {
			k := s.key(e)
			s.failed = append(s.failed, k)
			s.pkgHasFailed[e.Package] = true
			fmt.Fprint(s.out, strings.Join(s.output[k], ""))
			delete(s.output, k)
			return
		}
		k := s.key(e)
		if !s.pkgHasFailed[e.Package] {
			why := "the test binary failed outside any test (a crash, a timeout, TestMain)"
			if e.FailedBuild != "" {
				why = "build failed: " + s.short(e.FailedBuild)
			} else {
				fmt.Fprint(s.out, strings.Join(s.output[k], ""))
			}
			s.failed = append(s.failed, s.short(e.Package)+" ("+why+")")
		}
		delete(s.output, k)
	}
}

// skipReason is what the test logged last before its "--- SKIP" line.
func skipReason(out []string) string {
	for i := len(out) - 1; i >= 0; i-- {
		l := strings.TrimSpace(out[i])
		if l == "" || strings.HasPrefix(l, "--- SKIP") || strings.HasPrefix(l, "=== ") {
			continue
		}
		if _, msg, ok := strings.Cut(l, ": "); ok && strings.HasSuffix(strings.Fields(l)[0], ":") {
			return msg // "file.go:12: reason"
		}
		return l
	}
	return "no reason given"
}

// report prints the failures and skips and returns the counts, a skip
// that -ci does not allow, and a required test that did not pass,
// counted as failed.
func (s *summary) report() counts {
	var missing []string
	for _, name := range s.require {
		if !s.passedNames[name] {
			missing = append(missing, name)
		}
	}
	c := counts{passed: s.passed, failed: len(s.failed) + len(s.badSkips) + len(missing), skipped: len(s.skipped)}
	list := func(title string, items []string) {
		if len(items) == 0 {
			return
		}
		sort.Strings(items)
		fmt.Fprintf(s.out, "%s:\n", title)
		for _, it := range items {
			fmt.Fprintf(s.out, "    %s\n", it)
		}
	}
	list("skipped", s.skipped)
	list("skipped, which CI=true does not allow (counted as failed)", s.badSkips)
	list("failed", s.failed)
	list("required to pass, and did not (failed, skipped or never ran)", missing)
	return c
}
