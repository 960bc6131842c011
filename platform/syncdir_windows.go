package platform

// syncDir does nothing on Windows: directories cannot be opened for
// syncing there, and NTFS journals the rename itself.
func syncDir(dir string) error { return nil }
