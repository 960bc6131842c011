package mailbox

import (
	"errors"
	"fmt"

	"github.com/passcrow/passcrow-desktop/recovery"
)

// sealText seals f under key as the text of the attachment: the same
// PC1 text a printed sheet carries, so any kind reads any other's copy.
func sealText(key []byte, f recovery.Fragment) (string, error) {
	return recovery.SealToText(key, f)
}

// openText opens what sealText wrote. In a mailbox nobody types, so a
// damaged text (a checksum error) or none at all means the message was
// changed: every failure wraps recovery.ErrWrongFragment.
func openText(key []byte, text string) (recovery.Fragment, error) {
	f, err := recovery.OpenFromText(key, text)
	if err != nil && !errors.Is(err, recovery.ErrWrongFragment) {
		return nil, fmt.Errorf("%w (%v)", recovery.ErrWrongFragment, err)
	}
	return f, err
}
