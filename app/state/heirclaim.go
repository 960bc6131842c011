package state

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/packstore"
	"github.com/passcrow/passcrow-desktop/internal/qrscan"
	"github.com/passcrow/passcrow-desktop/platform"
	"github.com/passcrow/passcrow-desktop/recovery/heir"
)

// An heir with an inheritance sheet recovers on a fresh install: the
// sheet's key finds the heir's escrow on the owner's server, a code to
// the heir's address starts the waiting period (the owner is told and
// can stop it), and after it the code gives the owner's pack with the
// heir's fragment; the other places the sheet names do the rest, in the
// normal recovery. The sheet's key is a secret: while the heir waits it
// is kept in the store packs are kept in (the OS keychain), never in
// Preferences.

// claimEntry is the store entry of the claim under way.
const claimEntry = "passcrow-heir-claim"

// ErrReleasePending matches a *heir.ReleasePendingError: come back after
// its Until.
var ErrReleasePending = heir.ErrReleasePending

// An HeirClaim is an heir's recovery from a sheet.
type HeirClaim struct {
	Server string
	// Until, once a code was verified, is when the waiting period ends.
	Until time.Time
	s     *State
	sheet string
	c     *heir.Claimant
}

type keptClaim struct {
	Sheet string `json:"sheet"`
	Until int64  `json:"until,omitempty"`
}

// StartClaim reads a sheet's text (typed, pasted or from its QR code).
// A typo is an error that says where (TypoPlaces).
func (s *State) StartClaim(sheetText string) (*HeirClaim, error) {
	c, err := heir.NewClaimant(sheetText)
	if err != nil {
		return nil, err
	}
	// Through Tor when it is on (tor.go), as every other request.
	if c.Client, err = currentProxy().NewClient(c.Server()); err != nil {
		return nil, err
	}
	if loopback(c.Client.Server()) {
		c.Client.Interval = 0
	}
	c.Client.Now = s.now
	return &HeirClaim{Server: c.Server(), s: s, sheet: sheetText, c: c}, nil
}

// KeptClaim is the claim the heir started earlier, or nil.
func (s *State) KeptClaim() (*HeirClaim, error) {
	b, err := s.packs().Get(claimEntry)
	if errors.Is(err, platform.ErrNotFound) || (err == nil && len(b) == 0) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var k keptClaim
	if err := json.Unmarshal(b, &k); err != nil {
		return nil, fmt.Errorf("the kept recovery sheet is damaged: %w", err)
	}
	h, err := s.StartClaim(k.Sheet)
	if err != nil {
		return nil, err
	}
	if k.Until > 0 {
		h.Until = time.Unix(k.Until, 0)
	}
	return h, nil
}

// Keep keeps the claim in the keychain, so the heir need not type the
// sheet again after the wait.
func (h *HeirClaim) Keep() error {
	k := keptClaim{Sheet: h.sheet}
	if !h.Until.IsZero() {
		k.Until = h.Until.Unix()
	}
	b, err := json.Marshal(k)
	if err != nil {
		return err
	}
	return h.s.packs().Put(claimEntry, b)
}

// Forget removes the kept claim; none is no error.
func (h *HeirClaim) Forget() error {
	err := h.s.packs().Delete(claimEntry)
	if errors.Is(err, platform.ErrNotFound) {
		return nil
	}
	return err
}

// Begin has the server mail the heir a code and returns where it went.
// While the wait is on it sends none: the error is a
// *heir.ReleasePendingError, and the claim is kept with its date.
func (h *HeirClaim) Begin(ctx context.Context) (hint string, err error) {
	lang := h.s.Language()
	if lang == "" {
		lang = "en"
	}
	ch, err := h.c.Begin(ctx, lang)
	if err != nil {
		return "", h.pending(canceled(ctx, err))
	}
	return ch.Hint, nil
}

// Claim trades the code for the owner's pack, which is kept under its
// name (made unique) for the normal recovery to go on with, the heir's
// fragment in it. The first code starts the wait: the error is then a
// *heir.ReleasePendingError and the claim is kept with its date.
func (h *HeirClaim) Claim(ctx context.Context, code string) (name string, err error) {
	got, err := h.c.Claim(ctx, code)
	if err != nil {
		return "", h.pending(canceled(ctx, err))
	}
	b, err := got.Pack.Marshal()
	if err != nil {
		return "", err
	}
	name, err = h.s.Import(b, got.Pack.Name)
	if err != nil {
		return "", err
	}
	// The heir typed this server from the sheet: it is theirs to trust.
	return name, errors.Join(packstore.AddChosenServers(h.s.packs(), h.Server), h.Forget())
}

// pending keeps the claim and its date when err says the wait is on.
func (h *HeirClaim) pending(err error) error {
	if pe, ok := errors.AsType[*heir.ReleasePendingError](err); ok {
		h.Until = pe.Until
		if kerr := h.Keep(); kerr != nil {
			return errors.Join(err, fmt.Errorf("the recovery sheet could not be kept: type it again then: %w", kerr))
		}
	}
	return err
}

// ReadQR reads the text of the QR code in a photo (PNG or JPEG) of a
// sheet, reading at most MaxGatherFile of r, and closes r.
func ReadQR(r io.ReadCloser) (string, error) {
	defer r.Close()
	b, err := io.ReadAll(io.LimitReader(r, MaxGatherFile+1))
	if err != nil {
		return "", err
	}
	if len(b) > MaxGatherFile {
		return "", errors.New("the picture is too large")
	}
	return qrscan.DecodeBytes(b)
}
