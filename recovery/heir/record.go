package heir

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/passcrow/passcrow-desktop/internal/wire"
	"github.com/passcrow/passcrow-desktop/recovery"
)

// Kind names heir locations in packs.
const Kind = "heir"

// recordData is an heir record's Data, in one of three forms:
//   - the owner's: HeirKey and OwnerToken set, as Place leaves it in the
//     owner's pack (the key reprints the sheet; the token stops a release);
//   - the heir's own, in the copy of the pack the heir receives: Released
//     holds the heir's fragment, and nothing else is secret;
//   - another heir's, in that copy: where it is, but no key and no token.
type recordData struct {
	Server     string `json:"server"`
	Generation int    `json:"generation"`
	Heir       string `json:"heir,omitempty"`   // "email:heir@example.org"
	Notify     string `json:"notify,omitempty"` // the owner's identity
	DelayDays  int    `json:"delay-days"`
	Language   string `json:"language,omitempty"` // of the notices to the owner
	HeirKey    string `json:"heir-key,omitempty"`
	OwnerToken string `json:"owner-token,omitempty"`
	Released   string `json:"released,omitempty"`
}

// ErrRecord means an heir record is damaged or of another kind.
var ErrRecord = errors.New("heir record")

func decodeRecord(r recovery.Record) (recordData, error) {
	var d recordData
	if r.Kind != Kind {
		return d, fmt.Errorf("%w: of kind %q", ErrRecord, r.Kind)
	}
	if err := json.Unmarshal(r.Data, &d); err != nil {
		return d, fmt.Errorf("%w: %w", ErrRecord, err)
	}
	if d.Server == "" || d.Generation < 0 || d.Generation >= Generations {
		return d, fmt.Errorf("%w: no server or a generation out of range", ErrRecord)
	}
	return d, nil
}

// owner returns what an owner's record holds: the heir key and the owner
// token; an error for the heir's copy of a record.
func (d recordData) owner() (heirKey, token []byte, err error) {
	if d.HeirKey == "" || d.OwnerToken == "" {
		return nil, nil, ErrNotOwner
	}
	heirKey, err = base64.StdEncoding.DecodeString(d.HeirKey)
	if err != nil || len(heirKey) != heirKeySize {
		return nil, nil, fmt.Errorf("%w: heir-key", ErrRecord)
	}
	token, err = wire.DecodeKey(d.OwnerToken)
	if err != nil || len(token) != ownerTokenSize {
		return nil, nil, fmt.Errorf("%w: owner-token", ErrRecord)
	}
	return heirKey, token, nil
}

// ErrNotOwner means a record is an heir's copy, which holds no owner
// token: only the owner's pack can stop or delete the release.
var ErrNotOwner = errors.New("heir: this is the heir's copy of the pack, which cannot stop or remove the heir's escrow")

// ownerTokenSize is the size of an owner token.
const ownerTokenSize = 32

func (d recordData) raw() (json.RawMessage, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("heir record: %w", err)
	}
	return b, nil
}

// An heir's record names the server that keeps its escrow; programs list
// it among the servers a pack contacts (recovery.PackServers).
func init() { recovery.RegisterServerKind(Kind) }
