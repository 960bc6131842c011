// Command pecheck tells what scripts/release-test.sh must know of a
// Windows executable without Windows: whether it is a GUI-subsystem
// program (no console window opens when it starts) and which icon,
// manifest and version resources it carries. It prints what it found and
// exits 1 when an expectation fails:
//
//	pecheck -gui -icon -manifest -file-version 0.1.0.148 -string ProductName=Passcrow Passcrow.exe
package main

import (
	"debug/pe"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
)

type stringsFlag []string

func (s *stringsFlag) String() string     { return strings.Join(*s, ",") }
func (s *stringsFlag) Set(v string) error { *s = append(*s, v); return nil }

func main() {
	gui := flag.Bool("gui", false, "require the Windows GUI subsystem")
	icon := flag.Bool("icon", false, "require an icon resource")
	manifest := flag.Bool("manifest", false, "require a manifest resource")
	fileVersion := flag.String("file-version", "", "require this VS_FIXEDFILEINFO file version (a.b.c.d)")
	var want stringsFlag
	flag.Var(&want, "string", "require this `Key=Value` in the version resource's strings (repeatable)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: pecheck [flags] FILE.exe")
		os.Exit(2)
	}
	problems, err := check(flag.Arg(0), *gui, *icon, *manifest, *fileVersion, want, os.Stdout)
	if err != nil {
		fmt.Fprintf(os.Stderr, "pecheck: %v\n", err)
		os.Exit(1)
	}
	for _, p := range problems {
		fmt.Fprintf(os.Stderr, "pecheck: %s: %s\n", flag.Arg(0), p)
	}
	if len(problems) > 0 {
		os.Exit(1)
	}
}

// check reads path, prints what it holds to out and returns the
// expectations it fails.
func check(path string, gui, icon, manifest bool, fileVersion string, want []string, out interface{ Write([]byte) (int, error) }) ([]string, error) {
	f, err := pe.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	sub := "console"
	if info.GUI {
		sub = "GUI"
	}
	keys := make([]string, 0, len(info.Strings))
	for k := range info.Strings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintf(out, "%s: %s subsystem, machine %#x, %d icon(s), manifest %v, file version %q\n", path, sub, info.Machine, info.Icons, info.HasManifest, info.FileVersion)
	for _, k := range keys {
		fmt.Fprintf(out, "    %s = %q\n", k, info.Strings[k])
	}
	var problems []string
	if gui && !info.GUI {
		problems = append(problems, "a console program, not a GUI-subsystem one (a console window would open)")
	}
	if icon && info.Icons == 0 {
		problems = append(problems, "no icon resource")
	}
	if manifest && !info.HasManifest {
		problems = append(problems, "no manifest resource")
	}
	if (fileVersion != "" || len(want) > 0) && !info.HasVersion {
		problems = append(problems, "no version resource")
	} else if fileVersion != "" && info.FileVersion != fileVersion {
		problems = append(problems, fmt.Sprintf("file version %q, want %q", info.FileVersion, fileVersion))
	}
	for _, kv := range want {
		k, v, _ := strings.Cut(kv, "=")
		if got, ok := info.Strings[k]; info.HasVersion && (!ok || got != v) {
			problems = append(problems, fmt.Sprintf("version string %s is %q, want %q", k, got, v))
		}
	}
	return problems, nil
}
