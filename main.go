// Command passcrow is the Passcrow desktop app, its command line and its
// server in one binary: with no arguments (or only --home DIR) it opens the
// app; with a subcommand it runs that (see cli).
package main

import (
	"fmt"
	"os"

	"github.com/passcrow/passcrow-desktop/app"
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
	opts := app.OptionsFromEnv()
	if len(args) == 2 && (args[0] == "--home" || args[0] == "-home") {
		opts.Home = args[1]
	} else if len(args) > 0 {
		fmt.Fprintf(os.Stderr, "passcrow: unknown command %q (see passcrow help)\n", args[0])
		os.Exit(cli.ExitUsage)
	}
	if err := app.Run(opts); err != nil {
		fmt.Fprintf(os.Stderr, "passcrow: %v\n", err)
		os.Exit(cli.ExitFailure)
	}
}
