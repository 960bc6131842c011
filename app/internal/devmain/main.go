// Command devmain starts the app alone, for working on it while the
// command line is being changed.
package main

import (
	"fmt"
	"os"

	"github.com/passcrow/passcrow-desktop/app"
)

func main() {
	if err := app.Run(app.OptionsFromEnv()); err != nil {
		fmt.Fprintln(os.Stderr, "passcrow:", err)
		os.Exit(1)
	}
}
