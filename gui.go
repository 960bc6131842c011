//go:build !headless

package main

import (
	"fmt"
	"os"

	"github.com/passcrow/passcrow-desktop/app"
	"github.com/passcrow/passcrow-desktop/cli"
)

// runApp opens the desktop app; args are empty or --home DIR.
func runApp(args []string) int {
	opts := app.OptionsFromEnv()
	if len(args) == 2 && (args[0] == "--home" || args[0] == "-home") {
		opts.Home = args[1]
	} else if len(args) > 0 {
		fmt.Fprintf(os.Stderr, "passcrow: unknown command %q (see passcrow help)\n", args[0])
		return cli.ExitUsage
	}
	if err := app.Run(opts); err != nil {
		fmt.Fprintf(os.Stderr, "passcrow: %v\n", err)
		return cli.ExitFailure
	}
	return cli.ExitOK
}
