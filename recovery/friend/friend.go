package friend

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/emersion/go-message/mail"

	"github.com/passcrow/passcrow-desktop/internal/hint"
	"github.com/passcrow/passcrow-desktop/recovery"
)

// Kind names friend records in packs.
const Kind = "friend"

// A Location is one friend's inbox. Its fields are used only while
// placing: the pack keeps none of them.
type Location struct {
	// Account is the user's own mail account the letter is sent through.
	Account *Account
	// To is the friend's address, with or without a name:
	// "Bob <bob@example.net>". The name, if any, greets the friend.
	To string
	// Owner is how the friend knows the user ("Alice"); "" takes the
	// name in Account.From, else its address.
	Owner string
	// Language of the letter: "en" (the default) or "is".
	Language string
	// Number and Count make the record's hint "a friend (fragment 2 of
	// 3)", so the user can count the friends at recovery without the pack
	// naming any. Zero leaves them out.
	Number, Count int
}

var (
	_ recovery.Location   = (*Location)(nil)
	_ recovery.Identifier = (*Location)(nil)
	_ recovery.Keeper     = (*Location)(nil)
	_ recovery.Gatherer   = Keeper{}
)

// Kind is Kind.
func (l *Location) Kind() string { return Kind }

// Describe says "a friend, b*@e*ple.net", for progress while placing.
func (l *Location) Describe() string {
	if a, err := mail.ParseAddress(l.To); err == nil {
		return "a friend, " + hint.Mask("email", a.Address)
	}
	return "a friend"
}

// Identity is the friend's address: the same friend twice is one place.
func (l *Location) Identity() string {
	if a, err := mail.ParseAddress(l.To); err == nil {
		return strings.ToLower(a.Address)
	}
	return l.To
}

// Delete does what Keeper.Delete does (nothing), so Protect can roll
// back a friend without a Keepers entry.
func (l *Location) Delete(ctx context.Context, r recovery.Record) error {
	return Keeper{}.Delete(ctx, r)
}

// recordData is all a pack keeps of a friend: the key that opens what
// the friend sends back. Nothing names the friend.
type recordData struct {
	SealKey string `json:"seal-key"`
}

// Place seals f under a fresh key and mails it to the friend as an
// attachment. When Place returns an error the mail server has not taken
// the message (or, if the connection broke just as it did, the key that
// opens it was never kept, so that copy is unreadable for good); once it
// has, the record is returned.
func (l *Location) Place(ctx context.Context, f recovery.Fragment, o recovery.PlaceOptions) (recovery.Record, error) {
	if len(f) == 0 {
		return recovery.Record{}, errors.New("friend: empty fragment")
	}
	if l.Account == nil {
		return recovery.Record{}, errors.New("friend: no mail account to send from")
	}
	from, to, owner, err := l.addresses()
	if err != nil {
		return recovery.Record{}, err
	}
	key, err := recovery.NewSealKey()
	if err != nil {
		return recovery.Record{}, err
	}
	sealed, err := sealText(key, f)
	if err != nil {
		return recovery.Record{}, err
	}
	file := "passcrow-fragment-" + fileID(key) + ".txt"
	let, err := letterFor(l.Language, owner, from.Address, to.Name, file)
	if err != nil {
		return recovery.Record{}, fmt.Errorf("friend: %w", err)
	}
	msg, err := compose(from, to, let, file, printed(sealed), l.Account.now())
	if err != nil {
		return recovery.Record{}, fmt.Errorf("friend: composing the mail: %w", err)
	}
	data, err := json.Marshal(recordData{SealKey: recovery.EncodeSealKey(key)})
	if err != nil {
		return recovery.Record{}, err
	}
	where := l.Describe()
	if o.Progress != nil {
		o.Progress(recovery.Progress{Location: where, Stage: "sending", Fraction: -1})
	}
	if err := l.Account.send(ctx, from.Address, to.Address, bytes.NewReader(msg)); err != nil {
		return recovery.Record{}, fmt.Errorf("friend: %w", err)
	}
	if o.Progress != nil {
		o.Progress(recovery.Progress{Location: where, Stage: "done", Fraction: 1})
	}
	return recovery.Record{Kind: Kind, Prefix: o.Prefix, Hint: l.hint(), Data: data}, nil
}

func (l *Location) hint() string {
	if l.Number > 0 && l.Count >= l.Number {
		return fmt.Sprintf("a friend (fragment %d of %d)", l.Number, l.Count)
	}
	return "a friend"
}

// addresses checks the addresses and names that go into the mail.
func (l *Location) addresses() (from, to *mail.Address, owner string, err error) {
	from, err = mail.ParseAddress(l.Account.From)
	if err != nil {
		return nil, nil, "", fmt.Errorf("friend: the account's address %q: %w", l.Account.From, err)
	}
	to, err = mail.ParseAddress(l.To)
	if err != nil {
		return nil, nil, "", fmt.Errorf("friend: the friend's address %q: %w", l.To, err)
	}
	owner = l.Owner
	if owner == "" {
		owner = from.Name
	}
	if owner == "" {
		owner = from.Address
	}
	for _, s := range []string{from.Address, from.Name, to.Address, to.Name, owner} {
		if strings.ContainsFunc(s, unicode.IsControl) {
			return nil, nil, "", fmt.Errorf("friend: %q has a control character", s)
		}
	}
	return from, to, owner, nil
}
