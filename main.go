// Command passcrow is the Passcrow desktop app, its command line and its
// server in one binary: with no arguments (or only --home DIR) it opens the
// app; with a subcommand it runs that (see cli).
//
// Built with -tags headless it has no app (gui.go is left out): then it
// needs no cgo, OpenGL or X11 libraries, for servers
// (CGO_ENABLED=0 go build -tags headless; docs/OPERATORS.md).
package main

import (
	"os"

	"github.com/passcrow/passcrow-desktop/cli"
	// Before and after Fyne reads the locale: see localefix.
	_ "github.com/passcrow/passcrow-desktop/internal/localefix"
	_ "github.com/passcrow/passcrow-desktop/internal/localefix/restore"
)

func main() {
	args := os.Args[1:]
	if cli.IsCommand(args) {
		os.Exit(cli.Main(args, os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(runApp(args))
}
