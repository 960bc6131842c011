//go:build headless

package main

import (
	"fmt"
	"os"

	"github.com/passcrow/passcrow-desktop/cli"
)

// runApp says that this build has no app: it was built for a server.
func runApp(args []string) int {
	if len(args) > 0 {
		fmt.Fprintf(os.Stderr, "passcrow: unknown command %q (see passcrow help)\n", args[0])
		return cli.ExitUsage
	}
	fmt.Fprintln(os.Stderr, "passcrow: this build has no desktop app (it was built for servers, with -tags headless); it runs commands: see passcrow help")
	return cli.ExitUsage
}
