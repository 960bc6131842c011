package recovery

import (
	"bytes"
	"compress/zlib"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// ProtectEphemeral is the making half of the reference client's
// ephemeral mode (WIRE-FORMAT.txt sections 9-11), in its EPHEMERAL_BOTH
// form: the pack is kept here and also escrowed, encrypted, on the
// server of one more identity, under keys derived from a short user key.
// Whoever has the recovery name "<server>:<user key>" and that
// identity's mail gets the pack back (EphemeralRecovery, or the
// reference client's recover), then recovers as from any pack.
//
// Everything on the wire and in the pack is what the reference writes:
// a 32-byte Recovery Key shared over the prime field 2^521-1, the
// shares escrowed as "x-y" text, a reference pack with its key set and
// key order, compressed with zlib and sealed, escrowed with prefer-id.
// So the reference client recovers what this makes, and the other way
// round.

// DefaultEphemeralKeep is how long the reference asks each escrow to
// last (its DEFAULT_EXP_DAYS).
const DefaultEphemeralKeep = 365 * 24 * time.Hour

// ErrEphemeralPolicy means an ephemeral protect cannot be made as asked.
var ErrEphemeralPolicy = errors.New("recovery: ephemeral protection")

// An EphemeralRequest is what ProtectEphemeral needs.
type EphemeralRequest struct {
	// Name is the pack's name (not the recovery name).
	Name string
	// Description is shown to the user when a code is sent ("My wallet"),
	// for the shares and the escrowed pack alike (the reference's
	// verify_description).
	Description string
	// PackDescription is the pack's own "description"; "" means
	// Description.
	PackDescription string
	Secret          []byte
	// PackHolder keeps the escrowed pack: round 1 of a recovery sends
	// its code there, and the recovery name names its server. It holds
	// no share (the reference's idps[0]).
	PackHolder *PasscrowLocation
	// Holders keep one share each (the reference's idps[1:]); Policy
	// says how many of them recovery needs, besides the pack.
	Holders []*PasscrowLocation
	Policy  Policy
	// Keep is how long each escrow is asked to last, counted from its
	// own request, as the reference counts; 0 means DefaultEphemeralKeep.
	Keep time.Duration
	// Progress, when set, hears about the key derivation (Stage
	// "deriving key", Location "the recovery name") and each placement.
	Progress func(Progress)
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Rand draws the user key, the Recovery Key, the polynomial and the
	// nonces of the pack's own envelopes; nil means crypto/rand. Escrow
	// keys and request nonces come from each location's Client.Rand.
	Rand io.Reader

	// Tests replace the key derivation (1 GiB of scrypt, three times)
	// where its output is known, and the deflate of the pack, whose
	// bytes only the reference's zlib reproduces (see the replay test).
	deriveKeys func(ctx context.Context, userKey string) (*EphemeralKeys, error)
	compress   func([]byte) ([]byte, error)
}

// An EphemeralResult is what ProtectEphemeral made.
type EphemeralResult struct {
	// RecoveryName is "<server>:<user key>". With the code the pack
	// holder's identity receives it brings the pack back, so it is a
	// secret: show it once for the user to write down, never log or
	// store it. Nothing else holds the user key.
	RecoveryName string
	// Pack is the local copy, as ImportReferencePack reads the
	// reference's EPHEMERAL_BOTH file: its Records are the shares'
	// escrows, and Ephemeral is the escrowed pack, so Forget deletes
	// that too. It does not hold the user key.
	Pack *Pack
	// ReferenceClientCanRecover is false when the reference client could
	// not reach a server of this pack: it knows servers only by bare
	// host name (https://<name>/passcrow/), not as URLs with a scheme,
	// a port or a path.
	ReferenceClientCanRecover bool

	// reference is the local pack as the reference client saves it in
	// EPHEMERAL_BOTH mode; it holds the user key ("ephemeral-id").
	reference []byte
}

// ephemeralDeriveLocation names the key derivation in progress reports.
const ephemeralDeriveLocation = "the recovery name"

// ProtectEphemeral protects req.Secret as the reference client does in
// ephemeral mode (see the comment at the top of this file). The order of
// work: every server's policy is checked, the keys are derived (seconds,
// 1 GiB), the shares are escrowed one by one, then the pack. If any
// escrow fails, those already made are deleted before the error is
// returned.
func ProtectEphemeral(ctx context.Context, req EphemeralRequest) (*EphemeralResult, error) {
	now := time.Now
	if req.Now != nil {
		now = req.Now
	}
	random := req.Rand
	if random == nil {
		random = rand.Reader
	}
	keep := req.Keep
	if keep == 0 {
		keep = DefaultEphemeralKeep
	}
	if len(req.Secret) == 0 {
		return nil, ErrEmptySecret
	}
	need, err := checkEphemeralRequest(req, keep)
	if err != nil {
		return nil, err
	}
	m := len(req.Holders)
	// The reference needs three points to interpolate: below that it
	// adds shares to the pack itself (client.py protect).
	extra := max(0, 3-need)
	created := now()

	// Servers first: a server that cannot take the escrows fails the
	// protect before the slow derivation, and before anything is stored.
	if err := checkEphemeralServers(ctx, req, keep); err != nil {
		return nil, err
	}

	userKey, err := newUserKey(random)
	if err != nil {
		return nil, err
	}
	derive := req.deriveKeys
	if derive == nil {
		derive = func(ctx context.Context, uk string) (*EphemeralKeys, error) {
			return deriveEphemeralKeys(ctx, uk, func(i int, _ time.Duration) {
				reportTo(req.Progress, ephemeralDeriveLocation, "deriving key", float64(i)/3)
			})
		}
	}
	keys, err := derive(ctx, userKey)
	if err != nil {
		return nil, err
	}
	defer clear(keys.EscrowKey)
	defer clear(keys.PackKey)

	key, err := newReferenceKey(random)
	if err != nil {
		return nil, err
	}
	defer clear(key)
	sealed, err := sealReferenceSecret(random, key, req.Secret)
	if err != nil {
		return nil, err
	}
	shares, err := primeSplit(random, intFromKey(key), need+extra, m+extra)
	if err != nil {
		return nil, err
	}
	defer func() {
		for _, s := range shares {
			clear(s)
		}
	}()

	packDesc := req.PackDescription
	if packDesc == "" {
		packDesc = req.Description
	}
	rp := ReferencePack{
		Name:        req.Name,
		CreatedTS:   created.Unix(),
		Description: packDesc,
		Secret:      sealed,
		MinShares:   need,
		Shares:      []string{},
	}
	for _, s := range shares[m:] {
		rp.Shares = append(rp.Shares, string(s))
	}

	var placed []placedEscrow
	fail := func(err error) (*EphemeralResult, error) {
		return nil, errors.Join(err, rollbackEscrows(ctx, placed))
	}
	for i, l := range req.Holders {
		prefix, _ := Prefix(i) // m <= MaxLocations
		reportTo(req.Progress, l.Describe(), "placing", float64(i)/float64(m+1))
		r, err := l.Place(ctx, shares[i], PlaceOptions{
			Description: req.Description,
			Expires:     now().Add(keep),
			Prefix:      prefix,
			Progress:    req.Progress,
		})
		if err != nil {
			return fail(fmt.Errorf("recovery: placing a share at %s: %w", l.Describe(), err))
		}
		e, d, err := referenceEscrowOf(r)
		if d.EscrowDataID != "" {
			placed = append(placed, placedEscrow{l, d.EscrowDataID, d.EscrowKey})
		}
		if err != nil {
			return fail(fmt.Errorf("recovery: placing a share at %s: %w", l.Describe(), err))
		}
		rp.Escrow = append(rp.Escrow, e)
	}

	// The pack as the reference escrows it: no "ephemeral-id" and not
	// its own escrow record, which only the local copy has.
	plain, err := wire.Marshal(rp)
	if err != nil {
		return fail(err)
	}
	compress := req.compress
	if compress == nil {
		compress = zlibBest
	}
	z, err := compress(plain)
	clear(plain)
	if err != nil {
		return fail(err)
	}
	sealedPack, err := wire.SealFrom(random, keys.PackKey, z)
	if err != nil {
		return fail(err)
	}

	holder := req.PackHolder
	where := holder.Describe()
	reportTo(req.Progress, where, "placing the pack", float64(m)/float64(m+1))
	res, err := holder.client.Escrow(ctx, EscrowInput{
		Identity:    holder.identity,
		Kind:        holder.kind,
		Secret:      sealedPack,
		Description: req.Description,
		Expires:     now().Add(keep),
		Timeout:     holder.CodeTimeout,
		PreferID:    keys.EscrowID,
		Key:         keys.EscrowKey,
		Progress:    payingReporter(req.Progress, where),
	})
	if err != nil {
		return fail(fmt.Errorf("recovery: escrowing the pack at %s: %w", where, err))
	}
	placed = append(placed, placedEscrow{holder, res.ID, wire.EncodeKey(res.Key)})
	if res.Warning != nil {
		reportTo(req.Progress, where, "warning: "+res.Warning.Error(), -1)
	}
	reportTo(req.Progress, where, "done", 1)

	server := holder.client.Server()
	name := server + ":" + userKey
	if s, uk, err := ParseEphemeralName(name); err != nil || s != server || uk != userKey {
		// Cannot happen for a server name NewClient accepted; checked so
		// that a name the user writes down surely works.
		return fail(fmt.Errorf("recovery: the recovery name does not read back: %v", err))
	}
	rp.Escrow = append(rp.Escrow, ReferenceEscrow{
		Kind:        holder.kind,
		Server:      server,
		RecoveryKey: wire.EncodeKey(res.Key),
		Response:    wire.EscrowResponse{Version: wire.Version, Expiration: res.Expires.Unix(), EscrowDataID: res.ID},
	})
	rp.EphemeralID = name
	local, err := wire.Marshal(rp)
	if err != nil {
		return fail(err)
	}
	p, err := ImportReferencePack(local)
	if err != nil {
		return fail(err)
	}
	return &EphemeralResult{
		RecoveryName:              name,
		Pack:                      p,
		ReferenceClientCanRecover: referenceReachable(req),
		reference:                 local,
	}, nil
}

// checkEphemeralRequest checks what can be checked offline and returns
// how many holders recovery needs.
func checkEphemeralRequest(req EphemeralRequest, keep time.Duration) (int, error) {
	if req.PackHolder == nil {
		return 0, fmt.Errorf("%w: no identity to keep the pack", ErrEphemeralPolicy)
	}
	m := len(req.Holders)
	if m == 0 {
		// The reference refuses fewer than 2 identities too.
		return 0, fmt.Errorf("%w: besides the one that keeps the pack, at least one identity must keep a share", ErrEphemeralPolicy)
	}
	if m > MaxLocations {
		return 0, fmt.Errorf("%w: %d identities keep shares, at most %d (one code letter each)", ErrEphemeralPolicy, m, MaxLocations)
	}
	if keep < 0 {
		return 0, fmt.Errorf("%w: a negative escrow time", ErrEphemeralPolicy)
	}
	// One identity twice would let one mailbox count twice; the pack
	// holder's mailbox with a share would need one code fewer than the
	// policy says.
	seen := map[string]bool{}
	for _, l := range append([]*PasscrowLocation{req.PackHolder}, req.Holders...) {
		if l == nil {
			return 0, fmt.Errorf("%w: a missing identity", ErrEphemeralPolicy)
		}
		id := l.Identity()
		if seen[id] {
			return 0, fmt.Errorf("%w: %q is chosen twice", ErrEphemeralPolicy, l.Describe())
		}
		seen[id] = true
	}
	need, err := req.Policy.Need(m)
	if err != nil {
		return 0, err
	}
	return need, nil
}

// checkEphemeralServers fetches each server's policy once (the escrows
// reuse it) and makes sure each takes its identities' kind and can be
// paid for keep.
func checkEphemeralServers(ctx context.Context, req EphemeralRequest, keep time.Duration) error {
	for _, l := range append([]*PasscrowLocation{req.PackHolder}, req.Holders...) {
		c := l.client
		p, err := c.cachedPolicy(ctx)
		if err != nil {
			return fmt.Errorf("recovery: %s: %w", l.Describe(), err)
		}
		if len(p.Kinds) > 0 && !slices.Contains(p.Kinds, l.kind) {
			return fmt.Errorf("recovery: %s: passcrow server %s: %w: %q", l.Describe(), c.Server(), ErrUnsupportedKind, l.kind)
		}
		if _, err := chooseScheme(c.Server(), p.PaymentSchemes, keep, c.maxBits()); err != nil {
			return fmt.Errorf("recovery: %s: %w", l.Describe(), err)
		}
	}
	return nil
}

// newUserKey draws a user key as the reference's make_ephemeral does:
// 16 characters of base64 of 32 random bytes once '/', '+', '1', 'l',
// 'O' and '0' are taken out, written XXXX-XXXX-XXXX-XXXX. The reference
// would keep a '=' of the padding in the unlikely draw (about 1 in
// 10^20) that leaves 16 characters only with it; we draw again.
func newUserKey(random io.Reader) (string, error) {
	buf := make([]byte, 32)
	defer clear(buf)
	for {
		if _, err := io.ReadFull(random, buf); err != nil {
			return "", fmt.Errorf("recovery: drawing a user key: %w", err)
		}
		s := strings.Map(func(r rune) rune {
			if strings.ContainsRune("/+1lO0", r) {
				return -1
			}
			return r
		}, base64.StdEncoding.EncodeToString(buf))
		if len(s) < 16 || strings.ContainsRune(s[:16], '=') {
			continue
		}
		return s[0:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16], nil
	}
}

// newReferenceKey draws a Recovery Key whose first byte is not zero: the
// reference turns the recovered integer back into bytes without leading
// zeros (aesgcm_key_from_int), so with a zero first byte it would get a
// 31-byte key and fail to open the secret.
func newReferenceKey(random io.Reader) ([]byte, error) {
	key := make([]byte, KeySize)
	for {
		if _, err := io.ReadFull(random, key); err != nil {
			return nil, fmt.Errorf("recovery: drawing a recovery key: %w", err)
		}
		if key[0] != 0 {
			return key, nil
		}
	}
}

// sealReferenceSecret seals the secret as the reference's EncryptedBlob:
// {"data": base64 of the secret}, which p521{}.open reads back.
func sealReferenceSecret(random io.Reader, key, secret []byte) (string, error) {
	pt, err := wire.Marshal(referenceBlob{Data: base64.StdEncoding.EncodeToString(secret)})
	if err != nil {
		return "", err
	}
	defer clear(pt)
	return wire.SealFrom(random, key, pt)
}

// zlibBest is the reference's zlib.compress(data, 9): the zlib format at
// the best compression. Go's deflate makes other (equally valid) bytes
// than C zlib's; the reference's zlib.decompress reads either.
func zlibBest(data []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := zlib.NewWriterLevel(&buf, zlib.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(data); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// referenceEscrowOf turns the record a PasscrowLocation placed a share
// with into the reference pack's escrow record. It also returns the
// record's data, so that a record refused here is still deleted.
func referenceEscrowOf(r Record) (ReferenceEscrow, PasscrowRecordData, error) {
	var d PasscrowRecordData
	if err := json.Unmarshal(r.Data, &d); err != nil {
		return ReferenceEscrow{}, d, fmt.Errorf("passcrow record: %w", err)
	}
	if d.Encoding != FragmentEncodingText {
		// The reference reads the escrowed secret as the share itself.
		return ReferenceEscrow{}, d, fmt.Errorf("the share was escrowed with encoding %q, not as text", d.Encoding)
	}
	return ReferenceEscrow{
		Kind:        d.Kind,
		Server:      d.Server,
		RecoveryKey: d.EscrowKey,
		Response:    wire.EscrowResponse{Version: wire.Version, Expiration: r.Expires, EscrowDataID: d.EscrowDataID},
	}, d, nil
}

// placedEscrow is an escrow to delete if the protect fails.
type placedEscrow struct {
	loc *PasscrowLocation
	id  string
	key string // base64
}

// rollbackEscrows deletes what a failed ProtectEphemeral placed, on a
// context that outlives a cancelled ctx, and names what it could not.
func rollbackEscrows(ctx context.Context, placed []placedEscrow) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	var errs []error
	for _, p := range placed {
		key, err := wire.DecodeKey(p.key)
		if err == nil {
			err = p.loc.client.Delete(ctx, p.id, key)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("recovery: the escrow placed at %s could not be deleted: %w", p.loc.Describe(), err))
		}
	}
	return errors.Join(errs...)
}

// referenceReachable says whether every server is a bare host name, the
// only form the reference client reaches (https://<name>/passcrow/).
func referenceReachable(req EphemeralRequest) bool {
	for _, l := range append([]*PasscrowLocation{req.PackHolder}, req.Holders...) {
		if strings.Contains(l.client.Server(), "/") || strings.Contains(l.client.Server(), ":") {
			return false
		}
	}
	return true
}

func reportTo(progress func(Progress), where, stage string, fraction float64) {
	if progress != nil {
		progress(Progress{Location: where, Stage: stage, Fraction: fraction})
	}
}

// payingReporter turns hashcash progress into Progress reports, as
// PasscrowLocation.Place does.
func payingReporter(progress func(Progress), where string) func(tries, expected uint64) {
	if progress == nil {
		return nil
	}
	return func(tries, expected uint64) {
		reportTo(progress, where, "paying", 1-math.Exp(-float64(tries)/float64(expected)))
	}
}
