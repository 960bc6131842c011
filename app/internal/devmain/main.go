// Command devmain starts the app until the lead's main.go calls app.Run;
// scripts use it only when there is no main package at the module root.
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
