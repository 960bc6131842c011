package heir

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/wire"
	"github.com/passcrow/passcrow-desktop/recovery"
)

// Keeper uses heir records. For the owner it is not a CodeKeeper: the
// heir's escrow sends its codes to the heir, so the owner's recoveries
// leave it alone (and never mail the heir). It checks the escrow's
// health, reports a pending release (Status) and stops it (Cancel). In
// the heir's copy of a pack it is a Gatherer whose fragment is already
// there (Claimed.Recovery gathers it).
type Keeper struct {
	// Client returns the client for a record's server; nil makes
	// recovery.NewClient clients with their defaults, one per server.
	Client func(server string) (*recovery.Client, error)

	mu      sync.Mutex
	clients map[string]*recovery.Client
}

var (
	_ recovery.Gatherer = (*Keeper)(nil)
	_ recovery.Checker  = (*Keeper)(nil)
)

// ErrHeirsOnly means the owner asked for the heir's fragment: it is
// released only to the heir, from the sheet, after the waiting period.
var ErrHeirsOnly = errors.New("this piece is released only to the heir, with the inheritance sheet, after the waiting period")

// Kind is "heir".
func (k *Keeper) Kind() string { return Kind }

func (k *Keeper) client(server string) (*recovery.Client, error) {
	if k.Client != nil {
		return k.Client(server)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if c := k.clients[server]; c != nil {
		return c, nil
	}
	c, err := recovery.NewClient(server)
	if err != nil {
		return nil, err
	}
	if k.clients == nil {
		k.clients = map[string]*recovery.Client{}
	}
	k.clients[server] = c
	return c, nil
}

// owned opens an owner's record: its client, escrow and owner token.
func (k *Keeper) owned(r recovery.Record) (*recovery.Client, escrowRef, []byte, error) {
	d, err := decodeRecord(r)
	if err != nil {
		return nil, escrowRef{}, nil, err
	}
	heirKey, token, err := d.owner()
	if err != nil {
		return nil, escrowRef{}, nil, err
	}
	ref, err := derive(heirKey, d.Generation)
	if err != nil {
		return nil, escrowRef{}, nil, err
	}
	c, err := k.client(d.Server)
	if err != nil {
		return nil, escrowRef{}, nil, err
	}
	return c, ref, token, nil
}

// Asks nothing of the user: the owner cannot have this fragment, and in
// the heir's copy it is already there.
func (k *Keeper) Asks(recovery.Record) recovery.Ask { return 0 }

// Gather returns the heir's fragment from the heir's copy of the pack;
// for any other record, ErrHeirsOnly.
func (k *Keeper) Gather(_ context.Context, r recovery.Record, _ recovery.Input) (recovery.Fragment, error) {
	d, err := decodeRecord(r)
	if err != nil {
		return nil, err
	}
	if d.Released == "" {
		return nil, ErrHeirsOnly
	}
	f, err := base64.StdEncoding.DecodeString(d.Released)
	if err != nil || len(f) == 0 {
		return nil, fmt.Errorf("%w: the released fragment is not base64", ErrRecord)
	}
	return f, nil
}

// Delete removes the heir's escrow with the owner token; an escrow that
// is gone already is not an error. The heir's copy of a record has no
// token and nothing to delete: it returns nil, as the escrow is the
// owner's to remove.
func (k *Keeper) Delete(ctx context.Context, r recovery.Record) error {
	c, ref, token, err := k.owned(r)
	if errors.Is(err, ErrNotOwner) {
		return nil
	} else if err != nil {
		return err
	}
	var resp wire.OwnerResponse
	return c.Extension(ctx, wire.MethodReleaseDelete, wire.OwnerRequest{
		Version: wire.ExtVersion, EscrowDataID: ref.id, OwnerToken: wire.EncodeKey(token),
	}, &resp)
}

// Status is where an heir's escrow stands.
type Status struct {
	// Present says the escrow is there, with its waiting period.
	Present   bool
	Expires   time.Time
	DelayDays int
	// Claimed is when the heir's code started the waiting period (zero
	// when nobody has), ReleaseAt when it ends, Reminded when the owner
	// was told again, Released when the escrow was first released.
	Claimed, ReleaseAt, Reminded, Released time.Time
}

// Pending says a release is under way that the owner can still stop.
func (s Status) Pending() bool { return !s.Claimed.IsZero() && s.Released.IsZero() }

func statusOf(st wire.ReleaseStatus) Status {
	t := func(u int64) time.Time {
		if u == 0 {
			return time.Time{}
		}
		return time.Unix(u, 0)
	}
	return Status{
		// An escrow without a waiting period under this id is not ours.
		Present:   st.Found && st.DelayDays > 0,
		Expires:   t(st.Expiration),
		DelayDays: st.DelayDays,
		Claimed:   t(st.ClaimedAt),
		ReleaseAt: t(st.ReleaseAt),
		Reminded:  t(st.RemindedAt),
		Released:  t(st.ReleasedAt),
	}
}

// Status asks the server where the owner's heir escrow stands: the
// app's overview shows a pending release with a button to Cancel it.
func (k *Keeper) Status(ctx context.Context, r recovery.Record) (Status, error) {
	c, ref, _, err := k.owned(r)
	if err != nil {
		return Status{}, err
	}
	sts, err := askStatus(ctx, c, []escrowRef{ref})
	if err != nil {
		return Status{}, err
	}
	return statusOf(sts[0]), nil
}

// askStatus asks about several escrows in one request.
func askStatus(ctx context.Context, c *recovery.Client, refs []escrowRef) ([]wire.ReleaseStatus, error) {
	req := wire.ReleaseStatusRequest{Version: wire.ExtVersion}
	for _, ref := range refs {
		req.Escrows = append(req.Escrows, wire.EscrowRef{EscrowDataID: ref.id, EscrowDataKey: wire.EncodeKey(ref.key)})
	}
	var resp wire.ReleaseStatusResponse
	if err := c.Extension(ctx, wire.MethodReleaseStatus, req, &resp); err != nil {
		return nil, err
	}
	if len(resp.Escrows) != len(refs) {
		return nil, fmt.Errorf("passcrow server %s: %w: %d escrows in the status answer, %d asked", c.Server(), recovery.ErrBadResponse, len(resp.Escrows), len(refs))
	}
	for i, st := range resp.Escrows {
		if st.EscrowDataID != refs[i].id {
			return nil, fmt.Errorf("passcrow server %s: %w: the status answer is out of order", c.Server(), recovery.ErrBadResponse)
		}
	}
	return resp.Escrows, nil
}

// Cancel stops a release under way and keeps the heir's escrow (and so
// the sheet) as it was; it reports whether a release was pending. If the
// heir asks again, the owner is told again.
func (k *Keeper) Cancel(ctx context.Context, r recovery.Record) (bool, error) {
	c, ref, token, err := k.owned(r)
	if err != nil {
		return false, err
	}
	var resp wire.OwnerResponse
	err = c.Extension(ctx, wire.MethodReleaseCancel, wire.OwnerRequest{
		Version: wire.ExtVersion, EscrowDataID: ref.id, OwnerToken: wire.EncodeKey(token),
	}, &resp)
	return resp.Cancelled, err
}

// Check says whether the heir's escrow is there and whether a release
// is under way, for the health check.
func (k *Keeper) Check(ctx context.Context, r recovery.Record, _ recovery.Input) (recovery.Health, error) {
	st, err := k.Status(ctx, r)
	if errors.Is(err, ErrNotOwner) {
		// The heir's copy: its own fragment is in the pack; another
		// heir's escrow is that heir's business.
		if d, derr := decodeRecord(r); derr == nil && d.Released != "" {
			return recovery.Health{Present: true, Detail: "in this pack: released to you"}, nil
		}
		return recovery.Health{}, ErrHeirsOnly
	} else if err != nil {
		return recovery.Health{}, err
	}
	h := recovery.Health{Present: st.Present, Expires: st.Expires}
	switch {
	case !st.Present:
		h.Detail = "the heir's escrow is gone"
	case !st.Released.IsZero():
		h.Detail = "released to the heir on " + st.Released.UTC().Format(time.DateOnly)
	case st.Pending():
		h.Detail = "the heir has started a recovery: released on " + st.ReleaseAt.UTC().Format("2006-01-02 15:04 UTC") + " unless you stop it"
	default:
		h.Detail = fmt.Sprintf("waiting period of %s; no recovery under way", dayWord(st.DelayDays))
	}
	return h, nil
}

// StatusOf is Keeper.Status with default clients.
func StatusOf(ctx context.Context, r recovery.Record) (Status, error) {
	return (&Keeper{}).Status(ctx, r)
}

// Cancel is Keeper.Cancel with default clients.
func Cancel(ctx context.Context, r recovery.Record) (bool, error) {
	return (&Keeper{}).Cancel(ctx, r)
}
