package mailbox

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/passcrow/passcrow-desktop/recovery"
)

// Kind is the location kind of mailboxes in packs.
const Kind = "imap"

// Headers that mark Passcrow's messages.
const (
	// FragmentHeader holds a fragment message's random id, which the
	// record keeps to find the message again.
	FragmentHeader = "X-Passcrow-Fragment"
	// PackHeader holds a hash of the name of the pack a message holds.
	PackHeader = "X-Passcrow-Pack"
	// PackNameHeader holds the pack's name (RFC 2047 encoded), under
	// which the program keeps it.
	PackNameHeader = "X-Passcrow-Pack-Name"
)

// recordData is what a pack remembers about a fragment in a mailbox. The
// password is not in it.
type recordData struct {
	Host     string     `json:"host"`
	Port     int        `json:"port"`
	Security Security   `json:"security"`
	Username string     `json:"username"`
	Folder   string     `json:"folder"`
	Auth     AuthMethod `json:"auth,omitempty"`
	// FragmentID is the message's X-Passcrow-Fragment header.
	FragmentID string `json:"fragment-id"`
	SealKey    string `json:"seal-key"`
}

// fragmentIDLen is the length of a fragment id: 16 random bytes in hex.
const fragmentIDLen = 32

func (d recordData) account() Account {
	return Account{Host: d.Host, Port: d.Port, Security: d.Security, Username: d.Username, Folder: d.Folder, Auth: d.Auth}
}

// readRecord checks a record of this kind and reads its data. Records
// come from packs, which may come from anywhere: every field is checked.
func readRecord(r recovery.Record) (recordData, Account, []byte, error) {
	var d recordData
	if r.Kind != Kind {
		return d, Account{}, nil, fmt.Errorf("mailbox: record of kind %q", r.Kind)
	}
	if err := json.Unmarshal(r.Data, &d); err != nil {
		return d, Account{}, nil, fmt.Errorf("mailbox record: %w", err)
	}
	a, err := d.account().normalized()
	if err != nil {
		return d, a, nil, fmt.Errorf("mailbox record: %w", err)
	}
	if len(d.FragmentID) != fragmentIDLen || oneLine(d.FragmentID) != d.FragmentID {
		return d, a, nil, errors.New("mailbox record: the fragment id is damaged")
	}
	key, err := recovery.DecodeSealKey(d.SealKey)
	if err != nil {
		return d, a, nil, fmt.Errorf("mailbox record: %w", err)
	}
	return d, a, key, nil
}

// RecordAccount is the account a record's fragment is in, for a program
// to show which login to ask for (and to find the password in the
// keychain when the user let it keep one). Its TLSConfig is nil.
func RecordAccount(r recovery.Record) (Account, error) {
	_, a, _, err := readRecord(r)
	return a, err
}
