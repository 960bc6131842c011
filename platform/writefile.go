package platform

// WriteFile writes v to path the way the file store does: 0600, through a
// temporary file in the same directory, synced and renamed into place, so
// a crash or a full disk never leaves a half-written file (the CLI and app
// use it for --out and "save to file").
func WriteFile(path string, v []byte) error { return writeFileAtomic(path, v) }
