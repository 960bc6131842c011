//go:build !linux

package server

// defaultMaxConns is Config.MaxConns's default where the open-file limit
// is not read: fallbackMaxConns.
func defaultMaxConns() int { return fallbackMaxConns }
