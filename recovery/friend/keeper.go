package friend

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/passcrow/passcrow-desktop/recovery"
)

// Keeper uses friend records: at recovery it opens what a friend sent
// back. Register it with recovery.NewKeepers.
type Keeper struct{}

// Kind is Kind.
func (Keeper) Kind() string { return Kind }

// Delete does nothing and returns nil: a mail in a friend's inbox cannot
// be deleted from here. Deleting the pack destroys the record's seal key,
// which leaves the friend's copy unreadable for good.
func (Keeper) Delete(context.Context, recovery.Record) error { return nil }

// Asks is a file (the friend's mail saved as .eml, or its attachment)
// or text (pasted from the mail).
func (Keeper) Asks(recovery.Record) recovery.Ask { return recovery.AskFile | recovery.AskText }

// Gather finds the sealed fragment in what the user provided and opens
// it with r's key. Input with no fragment, or with a fragment that does
// not open with this key (another friend's, another pack's, or changed),
// is an error wrapping recovery.ErrNotThisPack, so GatherAny goes on to
// the next friend; the latter also wraps recovery.ErrWrongFragment. A
// damaged fragment is ErrWrongFragment with the checksum's findings.
func (Keeper) Gather(_ context.Context, r recovery.Record, in recovery.Input) (recovery.Fragment, error) {
	key, err := sealKey(r)
	if err != nil {
		return nil, err
	}
	what := "what you gave"
	if in.FileName != "" {
		what = fmt.Sprintf("%q", in.FileName)
	}
	texts, err := places(in)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	var whole bool
	var damaged error
	for _, t := range texts {
		f, err := openText(key, t)
		switch {
		case err == nil:
			return f, nil
		case errors.Is(err, recovery.ErrNoSealedText):
		case errors.Is(err, recovery.ErrWrongFragment):
			whole = true
		case damaged == nil:
			damaged = err
		}
	}
	return nil, refusal(what, whole, damaged)
}

// refusal says why nothing opened. A whole fragment that does not open
// with the key is another location's or another pack's: not this one,
// so GatherAny goes on. A damaged one (a changed character, which the
// checksum finds) is said with where the damage is, and is not "not this
// pack's": the user should hear of it.
func refusal(what string, whole bool, damaged error) error {
	switch {
	case whole:
		return &refused{what + " holds the fragment of another location or another pack", []error{recovery.ErrNotThisPack, recovery.ErrWrongFragment}}
	case damaged != nil:
		return &refused{what + " holds a fragment that was changed or damaged: " + damaged.Error(), []error{recovery.ErrWrongFragment, damaged}}
	}
	return &refused{"there is no Passcrow fragment in " + what, []error{recovery.ErrNotThisPack}}
}

// refused says why in its own words and unwraps to the sentinels, whose
// texts would only repeat it.
type refused struct {
	msg  string
	errs []error
}

func (e *refused) Error() string   { return e.msg }
func (e *refused) Unwrap() []error { return e.errs }

func sealKey(r recovery.Record) ([]byte, error) {
	if r.Kind != Kind {
		return nil, fmt.Errorf("friend: a record of kind %q", r.Kind)
	}
	var d recordData
	if err := json.Unmarshal(r.Data, &d); err != nil {
		return nil, fmt.Errorf("friend record: %w", err)
	}
	return recovery.DecodeSealKey(d.SealKey)
}
