package recovery

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// KindPasscrow is the record kind of fragments escrowed with a Passcrow
// server (protocol 1.0).
const KindPasscrow = "passcrow"

// PasscrowRecordData is Record.Data for records of kind "passcrow": what
// the Passcrow Keeper needs to ask the server for a code, fetch the
// fragment and delete it. Packs imported from the reference client and
// packs of our own both use it.
//
//	{"server": "passcrow.example.org", "escrow-data-id": "6ce5c261-9b78...",
//	 "escrow-key": "f9aCeYKG...=", "kind": "email"}
type PasscrowRecordData struct {
	// Server is the server as the reference names it: a host name,
	// reached at https://<server>/passcrow/<method>, or a full base URL.
	Server string `json:"server"`
	// EscrowDataID is the "escrow-data-id" the server returned.
	EscrowDataID string `json:"escrow-data-id"`
	// EscrowKey is the base64 AES key of the escrowed data, which the
	// server never keeps (the reference pack's "recovery-key").
	EscrowKey string `json:"escrow-key"`
	// Kind is the identity kind the server verifies ("email").
	Kind string `json:"kind"`
	// Encoding says how the escrowed "secret" string holds the fragment:
	// "" (the default) is standard base64 of the fragment bytes, as our
	// client escrows them; "text" means the string is the fragment, as
	// the reference escrows its "x-y" shares.
	Encoding string `json:"encoding,omitempty"`
}

// FragmentEncodingText is PasscrowRecordData.Encoding for reference shares.
const FragmentEncodingText = "text"

// ReferencePack is a .passcrow file of the reference Python client
// (client.py RecoveryPack), as it is on disk.
type ReferencePack struct {
	Name        string            `json:"name"`
	CreatedTS   int64             `json:"created-ts"`
	Description string            `json:"description"`
	Secret      string            `json:"secret"`
	MinShares   int               `json:"min-shares"`
	Shares      []string          `json:"shares"`
	Escrow      []ReferenceEscrow `json:"escrow"`
	IsEphemeral bool              `json:"is-ephemeral,omitempty"`
	EphemeralID string            `json:"ephemeral-id,omitempty"`
}

// ReferenceEscrow is one escrowed share of a ReferencePack.
type ReferenceEscrow struct {
	Kind        string              `json:"kind"`
	Server      string              `json:"server"`
	RecoveryKey string              `json:"recovery-key"`
	Response    wire.EscrowResponse `json:"response"`
}

// ParseReferencePack reads a .passcrow file. Like the reference, it
// refuses keys it does not know.
func ParseReferencePack(data []byte) (*ReferencePack, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var rp ReferencePack
	if err := dec.Decode(&rp); err != nil {
		return nil, fmt.Errorf("reference pack: %w", err)
	}
	if dec.More() {
		return nil, errors.New("reference pack: data after the JSON object")
	}
	return &rp, nil
}

// ImportReferencePack turns a .passcrow file of the reference client into
// a Pack of ours (scheme "p521"), which Recovery, Forget and Renew use
// like any other. Record i gets code prefix CodeAlphabet[i], as in the
// reference; the ephemeral escrow, when the pack has one, is kept apart.
func ImportReferencePack(data []byte) (*Pack, error) {
	rp, err := ParseReferencePack(data)
	if err != nil {
		return nil, err
	}
	escrow := rp.Escrow
	p := &Pack{
		Name:        rp.Name,
		Description: rp.Description,
		Scheme:      SchemeP521,
		Secret:      rp.Secret,
		Threshold:   rp.MinShares + len(rp.Shares),
	}
	if rp.CreatedTS > 0 {
		p.Created = time.Unix(rp.CreatedTS, 0)
	}
	if rp.EphemeralID != "" {
		if len(escrow) == 0 {
			return nil, errors.New("reference pack: \"ephemeral-id\" set but no escrow record")
		}
		eph, err := referenceRecord(escrow[len(escrow)-1], "")
		if err != nil {
			return nil, fmt.Errorf("reference pack: ephemeral escrow: %w", err)
		}
		p.Ephemeral = &eph
		escrow = escrow[:len(escrow)-1]
	}
	for i, e := range escrow {
		prefix, err := Prefix(i)
		if err != nil {
			return nil, fmt.Errorf("reference pack: %w", err)
		}
		r, err := referenceRecord(e, prefix)
		if err != nil {
			return nil, fmt.Errorf("reference pack: escrow[%d]: %w", i, err)
		}
		p.Records = append(p.Records, r)
	}
	for _, s := range rp.Shares {
		p.Fragments = append(p.Fragments, Fragment(s))
	}
	switch {
	case rp.MinShares == len(p.Records) && rp.MinShares > 1:
		p.Policy = All()
	default:
		p.Policy = NofM(rp.MinShares)
	}
	if err := p.validate(); err != nil {
		return nil, fmt.Errorf("reference pack: %w", err)
	}
	return p, nil
}

func referenceRecord(e ReferenceEscrow, prefix string) (Record, error) {
	if e.Response.EscrowDataID == "" {
		return Record{}, errors.New("no escrow-data-id")
	}
	if _, err := wire.DecodeKey(e.RecoveryKey); err != nil {
		return Record{}, fmt.Errorf("recovery-key: %w", err)
	}
	data, err := json.Marshal(PasscrowRecordData{
		Server:       e.Server,
		EscrowDataID: e.Response.EscrowDataID,
		EscrowKey:    e.RecoveryKey,
		Kind:         e.Kind,
		Encoding:     FragmentEncodingText,
	})
	if err != nil {
		return Record{}, err
	}
	return Record{
		Kind:    KindPasscrow,
		Prefix:  prefix,
		Hint:    fmt.Sprintf("%s at %s", e.Kind, e.Server),
		Expires: e.Response.Expiration,
		Data:    data,
	}, nil
}
