// Package media keeps a fragment in a file on external media: a folder
// the user chooses, usually on a USB stick kept apart from the computer
// (Mailpile's recovery proposal, "The user's external media").
//
// Place writes the sealed fragment as a small text file (mode 0600,
// atomically: a full stick or a pulled plug leaves no half-written file)
// with a README.txt beside it that says in plain words what the file is.
// It never overwrites a file that is already there. The pack's record
// keeps the seal key, the file's name and where it was written; on a
// fresh computer the stick may mount elsewhere, so recovery asks the
// user to open the file (recovery.AskFile) and only the key decides
// whether it is this location's.
//
// The file is sealed (recovery.SealFragment): a finder of the stick
// learns nothing from it without the owner's pack. Forgetting the pack
// destroys the seal key, which makes the file unreadable for good
// ("crypto-shredding"), so a lost stick is harmless once the pack is
// forgotten; Delete also removes the file when the stick is attached.
package media
