// Package platform is the operating-system glue shared by the Passcrow
// desktop app and CLI: where Recovery Packs and configuration are kept
// (a [Store], backed by the OS keychain or by plain files), starting the
// yearly reminder at login ([EnableAutostart]) and showing a system
// notification ([Notify]).
//
// Platform differences live in files with build tags and identical
// signatures (autostart_linux.go, autostart_windows.go, ...), never in
// runtime.GOOS switches. The package must not import Fyne: the CLI uses it
// too and must build without cgo.
package platform
