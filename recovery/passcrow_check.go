package recovery

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// Passcrow protocol 1.0 has no request that says whether a server still
// holds an escrow without sending the user a code: a verification
// request mails one, and a recovery request with a made-up code spends
// one of the few guesses a pending code allows. Our own servers answer
// such a question in their release-delay extension (x/release-status,
// which takes any escrow, delayed or not, and tells only the holder of
// its key), so the health check asks servers that advertise it, and of
// the others says it cannot look.

// ErrCannotCheck means the server cannot say whether it still holds the
// fragment without sending the user a code; the record's expiry is all
// that is known.
var ErrCannotCheck = errors.New("this server cannot say whether it still holds the fragment without sending you a code (Passcrow 1.0 has no way to ask)")

var _ Checker = (*PasscrowKeeper)(nil)

// extensionsSeen remembers what each server advertised, so checking a
// pack with several escrows on one server asks it once per run.
var extensionsSeen struct {
	sync.Mutex
	m map[*Client][]string
}

func advertised(ctx context.Context, c *Client) ([]string, error) {
	extensionsSeen.Lock()
	got, ok := extensionsSeen.m[c]
	extensionsSeen.Unlock()
	if ok {
		return got, nil
	}
	ext, err := c.Extensions(ctx)
	if err != nil {
		return nil, err
	}
	extensionsSeen.Lock()
	if extensionsSeen.m == nil {
		extensionsSeen.m = map[*Client][]string{}
	}
	extensionsSeen.m[c] = ext.Extensions
	extensionsSeen.Unlock()
	return ext.Extensions, nil
}

// Check asks the record's server whether it still holds the escrow and
// until when, without sending a code. A server that does not advertise
// the release-delay extension (a reference server, or ours with
// extensions off) gives ErrCannotCheck, with the record's own expiry in
// the Health. Nothing secret beyond what Delete sends (the escrow id and
// key) goes to the server.
func (k *PasscrowKeeper) Check(ctx context.Context, r Record, _ Input) (Health, error) {
	c, d, key, err := k.open(r)
	if err != nil {
		return Health{}, err
	}
	recorded := Health{}
	if r.Expires > 0 {
		recorded.Expires = time.Unix(r.Expires, 0)
	}
	exts, err := advertised(ctx, c)
	if err != nil {
		return recorded, err
	}
	if !slices.Contains(exts, wire.ExtReleaseDelay) {
		return recorded, ErrCannotCheck
	}
	var resp wire.ReleaseStatusResponse
	req := wire.ReleaseStatusRequest{
		Version: wire.ExtVersion,
		Escrows: []wire.EscrowRef{{EscrowDataID: d.EscrowDataID, EscrowDataKey: wire.EncodeKey(key)}},
	}
	if err := c.Extension(ctx, wire.MethodReleaseStatus, req, &resp); err != nil {
		return recorded, err
	}
	if len(resp.Escrows) != 1 || resp.Escrows[0].EscrowDataID != d.EscrowDataID {
		return recorded, fmt.Errorf("passcrow server %s: %w: the status names other escrows", c.Server(), ErrBadResponse)
	}
	st := resp.Escrows[0]
	if !st.Found {
		return Health{Present: false, Detail: "the server no longer holds the fragment: it expired or was deleted"}, nil
	}
	h := Health{Present: true, Detail: "the server holds the fragment"}
	if st.Expiration > 0 {
		h.Expires = time.Unix(st.Expiration, 0)
		h.Detail += " until " + h.Expires.Format(time.DateOnly)
	}
	return h, nil
}
