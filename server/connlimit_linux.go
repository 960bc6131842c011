//go:build linux

package server

import "syscall"

// defaultMaxConns is Config.MaxConns's default: the open-file limit less
// what the store, mail and logs need (maxConnsFor). Go raises the soft
// limit to the hard one at start, so that is the limit read here.
func defaultMaxConns() int {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return fallbackMaxConns
	}
	return maxConnsFor(rl.Cur)
}
