package recovery

// A recovery drill is a rehearsal: the user asks for the codes, types
// them, and the fragments come back, exactly as in a real recovery; but
// the secret is never handed out. People who test their backups are the
// ones who can restore: the drill shows that the codes still arrive,
// that the locations still hold their fragments, and that enough of them
// rebuild the key, while nothing changes (fetching a fragment deletes
// nothing on a location, and the pack is only read).

// Verify checks that the fragments fetched so far rebuild the pack's
// Recovery Key: the key authenticates only if it opens the sealed
// secret (an AEAD tag, so a wrong or tampered fragment cannot pass).
// The opened secret is wiped before Verify returns and never leaves
// this package. bad names locations whose fragment does not fit, as
// with Secret; it may be non-nil when err is nil.
func (r *Recovery) Verify() (bad *BadFragmentError, err error) {
	secret, bad, err := r.Secret()
	clear(secret)
	return bad, err
}
