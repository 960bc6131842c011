//go:build !linux

package server

import "os"

// fdatasync is a full sync where Go offers no fdatasync (macOS's is a
// full flush to the medium, F_FULLFSYNC).
func fdatasync(f *os.File) error { return f.Sync() }

// syncDir makes a new file's name in dir durable where a directory can
// be synced; Windows cannot, and keeps a name with the file's metadata,
// so a failure is not an error here.
func syncDir(dir string) error {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
