package heir

import (
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/passcrow/passcrow-desktop/internal/papercode"
	"github.com/passcrow/passcrow-desktop/recovery"
)

// An heir key is 128 random bits. It is not a password: nothing can
// guess it, so it needs no slow derivation (the reference's ephemeral
// mode stretches its shorter key with 1 GiB of scrypt; an heir on an old
// computer is spared that). On the sheet it is papercode text, whose
// checksum says where a typo is, after a type byte that tells it from a
// sealed fragment.
const (
	heirKeySize = 16
	heirKeyType = 'H'
)

// Generations is how many escrows one heir key can name: a renewal of
// the pack moves the heir's escrow to the next generation (wrapping
// round), and an heir looks at all of them at once.
const Generations = 32

// ErrSheet means a sheet's text is not "<server>:<heir key>".
var ErrSheet = errors.New("this is not the key of an inheritance sheet")

// A Sheet is what an inheritance sheet holds: where the heir's escrow is
// and the key that finds and opens it.
type Sheet struct {
	// Server is the Passcrow server, as packs name it.
	Server string
	key    []byte
}

func newHeirKey() ([]byte, error) {
	k := make([]byte, heirKeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("heir: no randomness for a key: %w", err)
	}
	return k, nil
}

// String is the sheet's text as printed and in its QR code:
// "passcrow.example.org:PC1-ABCD-EFGH-…", the key in groups of four.
func (s Sheet) String() string {
	code := papercode.Group(papercode.Encode(append([]byte{heirKeyType}, s.key...)))
	return s.Server + ":" + strings.ReplaceAll(code, " ", "-")
}

// ParseSheet reads a sheet's text, typed or scanned: the server, a ':',
// and the key in any case, with or without the spaces or dashes between
// its groups. A typo in the key is an error that says in which group it
// is (papercode's errors); it is never corrected. Errors do not repeat
// the key.
func ParseSheet(text string) (Sheet, error) {
	text = strings.TrimSpace(text)
	i := strings.LastIndexByte(text, ':')
	if i < 0 {
		return Sheet{}, fmt.Errorf("%w: no ':' between the server and the key", ErrSheet)
	}
	server := strings.TrimSpace(text[:i])
	if server == "" {
		return Sheet{}, fmt.Errorf("%w: no server before the ':'", ErrSheet)
	}
	c, err := recovery.NewClient(server)
	if err != nil {
		return Sheet{}, fmt.Errorf("%w: %w", ErrSheet, err)
	}
	payload, err := papercode.Decode(text[i+1:])
	if err != nil {
		return Sheet{}, fmt.Errorf("%w: the key after the ':': %w", ErrSheet, err)
	}
	if len(payload) != 1+heirKeySize || payload[0] != heirKeyType {
		return Sheet{}, fmt.Errorf("%w: the code after the ':' is not an heir's key (a piece of a key from a fragment sheet goes elsewhere in the app)", ErrSheet)
	}
	return Sheet{Server: c.Server(), key: payload[1:]}, nil
}

// escrowRef is one generation's escrow: its id, its escrow-data key, and
// the key the pack copy in it is sealed with. The server learns the
// first two when asked for a code, never the third.
type escrowRef struct {
	gen     int
	id      string
	key     []byte
	packKey []byte
}

// derive makes generation gen's escrow from an heir key.
func derive(heirKey []byte, gen int) (escrowRef, error) {
	if len(heirKey) != heirKeySize || gen < 0 || gen >= Generations {
		return escrowRef{}, fmt.Errorf("heir: no escrow for a key of %d bytes, generation %d", len(heirKey), gen)
	}
	one := func(what string, n int) ([]byte, error) {
		return hkdf.Key(sha256.New, heirKey, nil, "passcrow heir "+what+" "+strconv.Itoa(gen), n)
	}
	id, err := one("escrow id", 16)
	if err != nil {
		return escrowRef{}, err
	}
	key, err := one("escrow key", 32)
	if err != nil {
		return escrowRef{}, err
	}
	packKey, err := one("pack key", 32)
	if err != nil {
		return escrowRef{}, err
	}
	return escrowRef{gen: gen, id: hex.EncodeToString(id), key: key, packKey: packKey}, nil
}
