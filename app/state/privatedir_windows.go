package state

import "io/fs"

// onlyMine accepts every folder: on Windows the demo's folder is under
// the user's own %LocalAppData%, which other users cannot open, and
// mode bits say nothing about who may.
func onlyMine(string, fs.FileInfo) error { return nil }
