package screens

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// shippedGuides are the files of docs/ that every installer ships
// (packaging/user-docs.txt, read by scripts/release.sh).
func shippedGuides(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "packaging", "user-docs.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var gs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			gs = append(gs, l)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return gs
}

// TestHelpListsGuidesInstalledByTheDeb: with the guides laid out as the
// .deb and `make install` lay them out (bin/passcrow and
// share/doc/passcrow/ with the copyright file beside the guides), Help,
// looking where it looks beside the executable, lists every shipped
// guide by its title, and nothing else.
func TestHelpListsGuidesInstalledByTheDeb(t *testing.T) {
	root := t.TempDir()
	bin := filepath.Join(root, "usr", "bin")
	doc := filepath.Join(root, "usr", "share", "doc", "passcrow")
	for _, d := range []string{bin, doc} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(bin, "passcrow"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(doc, "copyright"), []byte("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	shipped := shippedGuides(t)
	for _, g := range shipped {
		b, err := os.ReadFile(filepath.Join("..", "docs", g))
		if err != nil {
			t.Fatalf("packaging/user-docs.txt names %s: %v", g, err)
		}
		if err := os.WriteFile(filepath.Join(doc, g), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	defer func(f func() []string) { docsDirs = f }(docsDirs)
	docsDirs = func() []string { return docsDirsBeside(filepath.Join(bin, "passcrow")) }
	u := newTestUI(t)
	look(u, u.ShowOverview)
	var h *Help
	look(u, func() { h = u.ShowHelp() })

	var titles []string
	for _, g := range h.Guides {
		titles = append(titles, g.Text)
		if g.URL.Scheme != "file" || filepath.Dir(g.URL.Path) != doc {
			t.Errorf("guide %q links to %v, not to a file in %s", g.Text, g.URL, doc)
		}
	}
	// The titles a person reads in the list: each guide's first heading,
	// in alphabetical order.
	want := []string{
		"Glossary: the words Passcrow uses with people",
		"Inheritance: an heir, a waiting period, a printed sheet",
		"Locations and policies on the command line",
		"Privacy: what each party learns, and when",
	}
	if !slices.Equal(titles, want) {
		t.Fatalf("Help lists %q\nwant       %q", titles, want)
	}
	if len(shipped) != len(want) {
		t.Fatalf("packaging/user-docs.txt ships %q; this test knows the titles of %d", shipped, len(want))
	}
	shotForReview(t, u, "menu-help-installed")
	escape(u)
}
