package heir

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/wire"
	"github.com/passcrow/passcrow-desktop/recovery"
)

// ErrReleasePending matches a *ReleasePendingError with errors.Is.
var ErrReleasePending = errors.New("the waiting period is not over")

// ReleasePendingError says when the heir's escrow will be released: the
// owner was told, and can stop it until then. Come back after Until and
// ask for a new code.
type ReleasePendingError struct {
	Server string
	Until  time.Time
}

func (e *ReleasePendingError) Error() string {
	return fmt.Sprintf("the waiting period ends on %s (UTC): the owner has been told; come back then and ask %s for a new code",
		e.Until.UTC().Format("2006-01-02 15:04"), e.Server)
}

// Is makes errors.Is(err, ErrReleasePending) true.
func (e *ReleasePendingError) Is(target error) bool { return target == ErrReleasePending }

// clockAllowance is how far the heir's clock may be behind the server's
// before Begin wrongly thinks the wait is not over.
const clockAllowance = 5 * time.Minute

// ErrNothingKept means the server holds no escrow for a sheet: the owner
// removed the heir, or stopped renewing long enough for it to expire.
var ErrNothingKept = errors.New("nothing is kept for this sheet any more: the owner removed it, or it expired")

// A Claimant is an heir recovering from a sheet on a fresh install: Begin
// has the server send the heir a code, Claim trades the code for the
// pack and the heir's fragment once the waiting period is over. It is
// safe for use by several goroutines.
type Claimant struct {
	// Client talks to the sheet's server; NewClaimant makes one with
	// recovery.NewClient's defaults. Replace it before first use to
	// change them.
	Client *recovery.Client

	sheet Sheet
	mu    sync.Mutex
	ref   *escrowRef // the newest generation, once found
}

// NewClaimant starts from a sheet's text (see ParseSheet). Nothing is
// sent yet.
func NewClaimant(sheetText string) (*Claimant, error) {
	s, err := ParseSheet(sheetText)
	if err != nil {
		return nil, err
	}
	c, err := recovery.NewClient(s.Server)
	if err != nil {
		return nil, err
	}
	return &Claimant{Client: c, sheet: s}, nil
}

// Server is the sheet's server, as packs name it.
func (c *Claimant) Server() string { return c.sheet.Server }

// find asks for every generation of the sheet's escrow at once and takes
// the newest (the one that expires last): after a renewal the old one
// may linger until the owner's old pack is forgotten.
func (c *Claimant) find(ctx context.Context) (escrowRef, Status, error) {
	refs := make([]escrowRef, Generations)
	for g := range refs {
		var err error
		if refs[g], err = derive(c.sheet.key, g); err != nil {
			return escrowRef{}, Status{}, err
		}
	}
	sts, err := askStatus(ctx, c.Client, refs)
	if se, ok := errors.AsType[*recovery.ServerError](err); ok && se != nil {
		return escrowRef{}, Status{}, fmt.Errorf("passcrow server %s does not keep heirs' escrows (%w): is the server on the sheet typed right?", c.Server(), err)
	} else if err != nil {
		return escrowRef{}, Status{}, err
	}
	best := -1
	for i, st := range sts {
		if statusOf(st).Present && (best < 0 || st.Expiration > sts[best].Expiration) {
			best = i
		}
	}
	if best < 0 {
		return escrowRef{}, Status{}, fmt.Errorf("passcrow server %s: %w", c.Server(), ErrNothingKept)
	}
	c.mu.Lock()
	c.ref = &refs[best]
	c.mu.Unlock()
	return refs[best], statusOf(sts[best]), nil
}

// Status says where the sheet's escrow stands, without sending a code.
func (c *Claimant) Status(ctx context.Context) (Status, error) {
	_, st, err := c.find(ctx)
	return st, err
}

// Begin has the server send the heir a code, starting with CodePrefix.
// While a release is pending and not yet due it sends none and returns
// a *ReleasePendingError instead: a code would be of no use yet.
func (c *Claimant) Begin(ctx context.Context, language string) (recovery.Challenge, error) {
	ref, st, err := c.find(ctx)
	if err != nil {
		return recovery.Challenge{}, err
	}
	// A few minutes' allowance for a computer clock behind the server's.
	if st.Pending() && c.Client.Now().Add(clockAllowance).Before(st.ReleaseAt) {
		return recovery.Challenge{}, &ReleasePendingError{Server: c.Server(), Until: st.ReleaseAt}
	}
	v, err := c.Client.Verify(ctx, ref.id, ref.key, CodePrefix, language)
	if err != nil {
		return recovery.Challenge{}, fmt.Errorf("heir: asking %s for a code: %w", c.Server(), err)
	}
	return recovery.Challenge{Prefix: CodePrefix, Hint: v.Hint, ActionURL: v.ActionURL, ActionURLRefused: v.ActionURLRefused, Expires: v.Expires}, nil
}

// Claimed is what an heir gets after the waiting period: the owner's
// pack as copied for the heir, with the heir's own fragment in it.
type Claimed struct {
	Pack *recovery.Pack
	// Prefix is that of the heir's record in Pack; Fragment its fragment.
	Prefix   string
	Fragment recovery.Fragment
}

// Claim trades the heir's code for the pack and the heir's fragment. The
// first code verified starts the waiting period, and the answer is then
// a *ReleasePendingError (errors.Is ErrReleasePending) that says when it
// ends; so is any code before then. A wrong code is
// recovery.ErrIncorrectCode and can be typed again.
func (c *Claimant) Claim(ctx context.Context, code string) (*Claimed, error) {
	_, norm, err := recovery.RouteCode([]recovery.Record{{Prefix: CodePrefix}}, code)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	ref := c.ref
	c.mu.Unlock()
	if ref == nil {
		r, _, err := c.find(ctx)
		if err != nil {
			return nil, err
		}
		ref = &r
	}
	sealed, err := c.Client.Recover(ctx, ref.id, ref.key, norm)
	if se, ok := errors.AsType[*recovery.ServerError](err); ok && se != nil {
		if rest, ok := strings.CutPrefix(se.Message, wire.ErrReleasePendingP); ok {
			if at, perr := time.Parse(time.RFC3339, rest); perr == nil {
				return nil, &ReleasePendingError{Server: c.Server(), Until: at}
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("heir: %w", err)
	}
	return openCopy(ref.packKey, sealed, c.Server(), ref.gen)
}

// openCopy opens the pack copy of an heir's escrow and checks that it is
// one: a pack with the heir's record of this server and generation,
// holding the fragment.
func openCopy(packKey []byte, sealed, server string, gen int) (*Claimed, error) {
	plain, err := wire.OpenCompressed(packKey, sealed)
	if err != nil {
		return nil, fmt.Errorf("heir: what %s released does not open with the sheet's key: %w", server, err)
	}
	p, err := recovery.ParsePack(plain)
	if err != nil {
		return nil, fmt.Errorf("heir: the pack %s released: %w", server, err)
	}
	k := &Keeper{}
	for _, r := range p.Records {
		d, err := decodeRecord(r)
		if err != nil || d.Released == "" || d.Server != server || d.Generation != gen {
			continue
		}
		f, err := k.Gather(context.Background(), r, recovery.Input{})
		if err != nil {
			return nil, err
		}
		return &Claimed{Pack: p, Prefix: r.Prefix, Fragment: f}, nil
	}
	return nil, fmt.Errorf("heir: the pack %s released holds no fragment for this sheet", server)
}

// Recovery starts recovering the claimed pack with the heir's fragment
// already in: what Needs and RequestCodes then list are the pack's other
// locations (the sheet names them). keepers are those of the other
// kinds; the heir kind is added when missing.
func (c *Claimed) Recovery(ctx context.Context, keepers recovery.Keepers) (*recovery.Recovery, error) {
	ks := maps.Clone(keepers)
	if ks == nil {
		ks = recovery.Keepers{}
	}
	if _, ok := ks[Kind]; !ok {
		ks[Kind] = &Keeper{}
	}
	rec := recovery.NewRecovery(c.Pack, ks)
	if _, err := rec.Gather(ctx, c.Prefix, recovery.Input{}); err != nil {
		return nil, err
	}
	return rec, nil
}

// Begin sends the heir a code for the sheet's escrow, with default
// clients (see Claimant.Begin).
func Begin(ctx context.Context, sheetText, language string) (recovery.Challenge, error) {
	c, err := NewClaimant(sheetText)
	if err != nil {
		return recovery.Challenge{}, err
	}
	return c.Begin(ctx, language)
}

// Claim trades the heir's code for the pack and fragment, with default
// clients (see Claimant.Claim).
func Claim(ctx context.Context, sheetText, code string) (*Claimed, error) {
	c, err := NewClaimant(sheetText)
	if err != nil {
		return nil, err
	}
	return c.Claim(ctx, code)
}
