//go:build !linux

package sockstest

import "syscall"

func procAttr() *syscall.SysProcAttr { return nil }
