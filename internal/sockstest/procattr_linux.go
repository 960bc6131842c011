package sockstest

import "syscall"

// procAttr takes the proxy down with the test binary, should that die
// before its clean-up runs.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
