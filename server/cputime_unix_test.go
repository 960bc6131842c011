//go:build unix

package server

import (
	"syscall"
	"time"
)

// cpuTime is the user and system time this process has used (0 where
// the OS does not say): benchmarks report it per request.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
