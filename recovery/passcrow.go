package recovery

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// PasscrowLocation keeps a fragment on a Passcrow server, released to
// whoever proves the identity with a code.
type PasscrowLocation struct {
	client   *Client
	identity string // "email:alice@example.org"
	kind     string // "email"
	address  string // "alice@example.org"
	// CodeTimeout is how long each verification code works; 0 means
	// DefaultCodeTimeout.
	CodeTimeout time.Duration
}

var (
	_ Location   = (*PasscrowLocation)(nil)
	_ CodeKeeper = (*PasscrowKeeper)(nil)
	_ Identifier = (*PasscrowLocation)(nil)
)

// NewPasscrowLocation makes the location for identity (see ParseIdentity)
// on the server c talks to.
func NewPasscrowLocation(c *Client, identity string) (*PasscrowLocation, error) {
	if c == nil {
		return nil, errors.New("passcrow location: no client")
	}
	kind, address, err := ParseIdentity(identity)
	if err != nil {
		return nil, err
	}
	return &PasscrowLocation{client: c, identity: identity, kind: kind, address: address}, nil
}

// Kind is KindPasscrow.
func (l *PasscrowLocation) Kind() string { return KindPasscrow }

// Identity is the identity and the server, unmasked: the same address on
// another server is another location.
func (l *PasscrowLocation) Identity() string {
	return strings.ToLower(l.identity) + " via " + l.client.Server()
}

// Describe says "e-mail a*@e*ple.org via passcrow.example.org".
func (l *PasscrowLocation) Describe() string {
	return describeIdentity(l.kind, l.address) + " via " + l.client.Host()
}

// referenceShare is how the reference client writes a prime-field share.
var referenceShare = regexp.MustCompile(`^[0-9a-f]+-[0-9a-f]+$`)

// Place escrows f until o.Expires. Our fragments travel as base64; a
// reference "x-y" share travels as the text it is, so the reference
// client could use it too. A server that keeps the fragment for less
// time than asked is reported through o.Progress (Stage "warning") and
// shows in the Record's Expires.
func (l *PasscrowLocation) Place(ctx context.Context, f Fragment, o PlaceOptions) (Record, error) {
	if len(f) == 0 {
		return Record{}, errors.New("passcrow location: empty fragment")
	}
	data := PasscrowRecordData{Server: l.client.Server(), Kind: l.kind}
	secret := base64.StdEncoding.EncodeToString(f)
	if referenceShare.Match(f) {
		secret, data.Encoding = string(f), FragmentEncodingText
	}
	where := l.Describe()
	report := func(stage string, fraction float64) {
		if o.Progress != nil {
			o.Progress(Progress{Location: where, Stage: stage, Fraction: fraction})
		}
	}
	in := EscrowInput{
		Identity:    l.identity,
		Kind:        l.kind,
		Secret:      secret,
		Description: o.Description,
		Expires:     o.Expires,
		Timeout:     l.CodeTimeout,
	}
	if o.Progress != nil {
		in.Progress = func(tries, expected uint64) {
			// The chance of having found a stamp by now: rises steadily
			// and never reaches 1 before the stamp is found.
			report("paying", 1-math.Exp(-float64(tries)/float64(expected)))
		}
	}
	report("sending", -1)
	res, err := l.client.Escrow(ctx, in)
	if err != nil {
		return Record{}, err // Protect says where
	}
	data.EscrowDataID, data.EscrowKey = res.ID, wire.EncodeKey(res.Key)
	raw, err := json.Marshal(data)
	if err != nil {
		_ = l.client.Delete(context.WithoutCancel(ctx), res.ID, res.Key)
		return Record{}, err
	}
	if res.Warning != nil {
		report("warning: "+res.Warning.Error(), -1)
	}
	report("done", 1)
	return Record{
		Kind:    KindPasscrow,
		Prefix:  o.Prefix,
		Hint:    identityHint(l.kind, l.address) + " at " + l.client.Host(),
		Expires: res.Expires.Unix(),
		Data:    raw,
	}, nil
}

// PasscrowKeeper uses the records Passcrow locations made.
type PasscrowKeeper struct {
	// Client returns the client for a record's server name; nil makes
	// NewClient(server) clients with their defaults, one per server.
	Client func(server string) (*Client, error)

	mu      sync.Mutex
	clients map[string]*Client
}

// Kind is KindPasscrow.
func (k *PasscrowKeeper) Kind() string { return KindPasscrow }

func (k *PasscrowKeeper) open(r Record) (*Client, PasscrowRecordData, []byte, error) {
	var d PasscrowRecordData
	if r.Kind != KindPasscrow {
		return nil, d, nil, fmt.Errorf("passcrow keeper: record of kind %q", r.Kind)
	}
	if err := json.Unmarshal(r.Data, &d); err != nil {
		return nil, d, nil, fmt.Errorf("passcrow record: %w", err)
	}
	key, err := wire.DecodeKey(d.EscrowKey)
	if err != nil {
		return nil, d, nil, fmt.Errorf("passcrow record: escrow-key: %w", err)
	}
	if d.EscrowDataID == "" {
		return nil, d, nil, errors.New("passcrow record: no escrow-data-id")
	}
	c, err := k.client(d.Server)
	if err != nil {
		return nil, d, nil, err
	}
	return c, d, key, nil
}

func (k *PasscrowKeeper) client(server string) (*Client, error) {
	if k.Client != nil {
		return k.Client(server)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if c := k.clients[server]; c != nil {
		return c, nil
	}
	c, err := NewClient(server)
	if err != nil {
		return nil, err
	}
	if k.clients == nil {
		k.clients = map[string]*Client{}
	}
	k.clients[server] = c
	return c, nil
}

// Challenge asks the server to send the code, starting with r.Prefix.
func (k *PasscrowKeeper) Challenge(ctx context.Context, r Record, language string) (Challenge, error) {
	c, d, key, err := k.open(r)
	if err != nil {
		return Challenge{}, err
	}
	v, err := c.Verify(ctx, d.EscrowDataID, key, r.Prefix, language)
	if err != nil {
		return Challenge{}, err
	}
	return Challenge{Prefix: r.Prefix, Hint: v.Hint, ActionURL: v.ActionURL, ActionURLRefused: v.ActionURLRefused, Expires: v.Expires}, nil
}

// Fetch trades code for the fragment.
func (k *PasscrowKeeper) Fetch(ctx context.Context, r Record, code string) (Fragment, error) {
	c, d, key, err := k.open(r)
	if err != nil {
		return nil, err
	}
	secret, err := c.Recover(ctx, d.EscrowDataID, key, code)
	if err != nil {
		return nil, err
	}
	switch d.Encoding {
	case FragmentEncodingText:
		return Fragment(secret), nil
	case "":
		f, err := base64.StdEncoding.DecodeString(secret)
		if err != nil {
			return nil, fmt.Errorf("passcrow server %s: %w: the fragment is not base64", c.Server(), ErrBadResponse)
		}
		return Fragment(f), nil
	}
	return nil, fmt.Errorf("passcrow record: unknown fragment encoding %q", d.Encoding)
}

// Delete asks the server to forget the fragment.
func (k *PasscrowKeeper) Delete(ctx context.Context, r Record) error {
	c, d, key, err := k.open(r)
	if err != nil {
		return err
	}
	return c.Delete(ctx, d.EscrowDataID, key)
}
