// Package paper keeps a fragment on a printed sheet: a PDF the user
// prints and keeps somewhere safe (kind "paper"). The fragment is sealed
// under a key kept in the pack (recovery.SealToText), so a finder of the
// sheet learns nothing without the pack; it is printed as a QR code and
// as text in groups of four with a checksum that points at typos
// (internal/papercode). Recovery takes the typed text or a photo or scan
// of the QR code.
//
// A printed sheet cannot be deleted from afar. Forgetting the pack
// destroys the seal key, which makes every sheet of it unreadable for
// good; Delete removes the PDF file if it is still where it was written,
// unchanged (its hash is in the record): a pack from elsewhere cannot
// make Forget delete any other file.
package paper
