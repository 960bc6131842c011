//go:build !unix

package server

import "time"

// cpuTime: unknown here (the benchmarks that report it run on unix).
func cpuTime() time.Duration { return 0 }
