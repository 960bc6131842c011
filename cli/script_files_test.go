package cli_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// Script commands for the files the new kinds of location leave: sheets'
// PDFs and fragment files with names of their own, and a person's typos.

// cmdGlob sets VAR to the one file that matches PATTERN (relative to the
// script's work directory); it fails unless exactly one does.
//
//	glob VAR PATTERN
func cmdGlob(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: glob VAR PATTERN")
	}
	m, err := filepath.Glob(ts.MkAbs(args[1]))
	ts.Check(err)
	if len(m) != 1 {
		ts.Fatalf("glob %s: %d matches, want 1: %q", args[1], len(m), m)
	}
	ts.Setenv(args[0], m[0])
}

// codeAlphabet is papercode's, uppercase.
const codeAlphabet = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"

// cmdTypo changes, in FILE, the character at position POS of the first
// sheet code in it (counted from 0 as papercode does: "PC1" included,
// spaces, dashes and line breaks skipped) into another code character,
// as a person copying the sheet might.
//
//	typo FILE POS...
func cmdTypo(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: typo FILE POS...")
	}
	path := ts.MkAbs(args[0])
	b, err := os.ReadFile(path)
	ts.Check(err)
	text := []byte(string(b))
	start := strings.Index(strings.ToUpper(string(text)), "PC1")
	if start < 0 {
		ts.Fatalf("typo: no PC1 in %s", args[0])
	}
	for _, a := range args[1:] {
		pos, err := strconv.Atoi(a)
		ts.Check(err)
		n := 0
		done := false
		for i := start; i < len(text) && !done; i++ {
			c := text[i]
			if c == ' ' || c == '-' || c == '\n' || c == '\r' || c == '\t' {
				continue
			}
			if n == pos {
				k := strings.IndexByte(codeAlphabet, byte(strings.ToUpper(string(c))[0]))
				if k < 0 {
					ts.Fatalf("typo: position %d is %q, not a code character", pos, c)
				}
				text[i] = codeAlphabet[(k+1)%len(codeAlphabet)]
				done = true
			}
			n++
		}
		if !done {
			ts.Fatalf("typo: the code has fewer than %d characters", pos+1)
		}
	}
	ts.Check(os.WriteFile(path, text, 0o600))
}

// cmdRetype copies the sheet code from IN (a sheet's text, as pdftotext
// gives it) into OUT as a person would type it: the groups of four in
// order, separated by single spaces, five groups to a line, and nothing
// else of the sheet; then the LINEs, as more answers at a prompt.
//
//	retype IN OUT [LINE...]
func cmdRetype(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: retype IN OUT [LINE...]")
	}
	words := strings.Fields(ts.ReadFile(args[0]))
	start := -1
	for i, w := range words {
		if w == "PC1" {
			start = i
			break
		}
	}
	if start < 0 {
		ts.Fatalf("retype: no PC1 group in %s", args[0])
	}
	groups := []string{"PC1"}
	for _, w := range words[start+1:] {
		if len(w) > 4 || strings.Trim(w, codeAlphabet) != "" {
			break
		}
		groups = append(groups, w)
	}
	var b strings.Builder
	for i, g := range groups {
		switch {
		case i == 0:
		case i%5 == 0:
			b.WriteString("\n")
		default:
			b.WriteString(" ")
		}
		b.WriteString(g)
	}
	b.WriteString("\n")
	for _, l := range args[2:] {
		b.WriteString(l + "\n")
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(b.String()), 0o600))
}
