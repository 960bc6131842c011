package recovery

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/scrypt"

	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// The reference client's ephemeral mode keeps no pack on the user's
// device: the whole pack is escrowed, encrypted, with one more Passcrow
// server, and the user is shown a recovery name "<server>:<user key>"
// from which every key is derived (WIRE-FORMAT.txt section 11). Recovery
// then has two rounds: a code for the escrowed pack (EphemeralRecovery),
// then codes for the pack's records (Recovery), as for any other pack.

// ErrEphemeralName means a recovery name is not "<server>:<user key>".
var ErrEphemeralName = errors.New("not an ephemeral recovery name")

// EphemeralPrefix is the code prefix of round 1; the reference uses "1"
// for the escrowed pack as for the first record of round 2.
const EphemeralPrefix = "1"

// Key derivation costs, fixed by the reference (scrypt N=2^20, r=8,
// p=1): 128·N·r bytes, 1 GiB of memory per derivation, a few seconds.
const (
	ephemeralN = 1 << 20
	ephemeralR = 8
	ephemeralP = 1
	// EphemeralKDFMemory is the memory one derivation takes.
	EphemeralKDFMemory = 128 * ephemeralN * ephemeralR
)

// The scrypt salts of the three derived values.
var (
	saltEscrowID  = []byte("Escrow ID")
	saltEscrowKey = []byte("Escrow Key")
	saltPackKey   = []byte("")
)

// userKeyAlphabet is base64's alphabet without the characters the
// reference removes ('/', '+', '1', 'l', 'O', '0').
const userKeyAlphabet = "ABCDEFGHIJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"

// ParseEphemeralName splits a recovery name "<server>:<user key>" at its
// last ':'. The reference's names have a bare host name, reached over
// https ("passcrow.mailpile.is:b2EW-tknt-Ykme-dZgj"); since a user key
// never holds a ':', a server URL works too
// ("http://127.0.0.1:8765:b2EW-tknt-Ykme-dZgj", plain http to loopback
// only). The server comes back as packs name it (see Client.Server).
// The user key may be typed with spaces around it or without its dashes.
// Errors never repeat the user key: with the e-mail it opens the pack.
func ParseEphemeralName(name string) (server, userKey string, err error) {
	i := strings.LastIndexByte(name, ':')
	if i < 0 {
		return "", "", fmt.Errorf("%w: no ':' between server and user key", ErrEphemeralName)
	}
	userKey, err = normaliseUserKey(name[i+1:])
	if err != nil {
		return "", "", err
	}
	if strings.TrimSpace(name[:i]) == "" {
		return "", "", fmt.Errorf("%w: no server before the ':'", ErrEphemeralName)
	}
	_, server, err = parseServerURL(name[:i], true)
	if err != nil {
		return "", "", fmt.Errorf("%w: %w", ErrEphemeralName, err)
	}
	return server, userKey, nil
}

// normaliseUserKey checks a user key and writes it XXXX-XXXX-XXXX-XXXX,
// the form the keys are derived from. Case matters: it is base64.
func normaliseUserKey(s string) (string, error) {
	s = strings.TrimSpace(s)
	raw := strings.ReplaceAll(s, "-", "")
	if len(raw) != 16 {
		return "", fmt.Errorf("%w: the user key has %d characters, want 16 (XXXX-XXXX-XXXX-XXXX)", ErrEphemeralName, len(raw))
	}
	for i, r := range raw {
		if !strings.ContainsRune(userKeyAlphabet, r) {
			hint := ""
			switch r {
			case '0', 'O':
				hint = " (user keys have no 0 or O)"
			case '1', 'l':
				hint = " (user keys have no 1 or l)"
			}
			return "", fmt.Errorf("%w: character %d of the user key is not one it can hold%s", ErrEphemeralName, i+1, hint)
		}
	}
	if s != raw && s != raw[0:4]+"-"+raw[4:8]+"-"+raw[8:12]+"-"+raw[12:16] {
		return "", fmt.Errorf("%w: the user key's dashes are misplaced (XXXX-XXXX-XXXX-XXXX)", ErrEphemeralName)
	}
	return raw[0:4] + "-" + raw[4:8] + "-" + raw[8:12] + "-" + raw[12:16], nil
}

// EphemeralKeys are what a user key stands for.
type EphemeralKeys struct {
	EscrowID  string // the escrow id of the pack: 32 lowercase hex digits
	EscrowKey []byte // the escrow-data key of the pack's escrow
	PackKey   []byte // the key the escrowed pack is encrypted with
}

// kdfMu keeps derivations one at a time in the whole process: each takes
// 1 GiB, and two recoveries (or a GUI and its test) running at once
// would otherwise need 2 GiB or more.
var kdfMu sync.Mutex

// deriveEphemeral runs scrypt once per salt, one after another and never
// in parallel, with a garbage collection in between so the previous 1 GiB
// is free before the next is taken: peak memory stays at 1 GiB, not the
// 2 GiB the collector would otherwise let the heap grow to. done is
// called after each derivation with its number (1-based) and duration.
// A cancelled ctx stops before the next derivation (a running one cannot
// be interrupted).
func deriveEphemeral(ctx context.Context, userKey string, done func(i int, took time.Duration), salts ...[]byte) ([][]byte, error) {
	kdfMu.Lock()
	defer kdfMu.Unlock()
	// Hand the memory back to the system once done: a desktop app would
	// otherwise keep a gigabyte it no longer needs for minutes.
	defer debug.FreeOSMemory()
	out := make([][]byte, len(salts))
	for i, salt := range salts {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		start := time.Now()
		k, err := scrypt.Key([]byte(userKey), salt, ephemeralN, ephemeralR, ephemeralP, 32)
		if err != nil {
			return nil, fmt.Errorf("ephemeral key derivation: %w", err)
		}
		out[i] = k
		runtime.GC()
		if done != nil {
			done(i+1, time.Since(start))
		}
	}
	return out, nil
}

// DeriveEphemeral derives the escrow id, escrow key and pack key from a
// user key ("b2EW-tknt-Ykme-dZgj"), as the reference does. It runs
// scrypt three times, one after another: about 1 GiB of memory and a few
// seconds each.
func DeriveEphemeral(userKey string) (*EphemeralKeys, error) {
	uk, err := normaliseUserKey(userKey)
	if err != nil {
		return nil, err
	}
	return deriveEphemeralKeys(context.Background(), uk, nil)
}

// deriveEphemeralKeys is DeriveEphemeral of a normalised user key, for
// recovery and for ProtectEphemeral alike.
func deriveEphemeralKeys(ctx context.Context, userKey string, done func(i int, took time.Duration)) (*EphemeralKeys, error) {
	ks, err := deriveEphemeral(ctx, userKey, done, saltEscrowID, saltEscrowKey, saltPackKey)
	if err != nil {
		return nil, err
	}
	return &EphemeralKeys{
		// The reference asks for 16 bytes; PBKDF2's output is a prefix
		// of the longer one, so the first 16 of 32 are the same.
		EscrowID:  hex.EncodeToString(ks[0][:16]),
		EscrowKey: ks[1],
		PackKey:   ks[2],
	}, nil
}

// An EphemeralRecovery is round 1 of recovering from a recovery name
// alone: the server sends a code (RequestCode), and the code brings back
// the escrowed pack (Finish). Round 2 is a Recovery of that pack, whose
// records need codes of their own. Keys are derived when first needed
// and kept; an EphemeralRecovery is safe for use by several goroutines.
type EphemeralRecovery struct {
	// Client talks to the name's server. NewEphemeralRecovery makes one
	// with NewClient's defaults; replace it before first use to change
	// them.
	Client *Client
	// Progress, when set, hears about the key derivation: Stage
	// "deriving key" with Fraction the share done.
	Progress func(Progress)

	server, userKey string

	mu   sync.Mutex
	keys [][]byte // derived so far, in the order escrow id, escrow key, pack key
}

// NewEphemeralRecovery starts recovering from a recovery name (see
// ParseEphemeralName). Nothing slow happens yet.
func NewEphemeralRecovery(name string) (*EphemeralRecovery, error) {
	return NewEphemeralRecoveryVia(name, nil)
}

// NewEphemeralRecoveryVia is NewEphemeralRecovery with the server reached
// through p (nil: directly), which an .onion server needs.
func NewEphemeralRecoveryVia(name string, p *Proxy) (*EphemeralRecovery, error) {
	server, userKey, err := ParseEphemeralName(name)
	if err != nil {
		return nil, err
	}
	c, err := p.NewClient(server)
	if err != nil {
		return nil, err
	}
	return &EphemeralRecovery{Client: c, server: server, userKey: userKey}, nil
}

// Server is the server of the recovery name, as packs name it.
func (e *EphemeralRecovery) Server() string { return e.server }

// derive makes sure the first n of escrow id, escrow key and pack key
// are derived and returns them.
func (e *EphemeralRecovery) derive(ctx context.Context, n int) ([][]byte, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	have := len(e.keys)
	if have >= n {
		return e.keys, nil
	}
	salts := [][]byte{saltEscrowID, saltEscrowKey, saltPackKey}[have:n]
	done := func(i int, _ time.Duration) {
		if e.Progress != nil {
			e.Progress(Progress{Location: e.server, Stage: "deriving key", Fraction: float64(have+i) / float64(n)})
		}
	}
	ks, err := deriveEphemeral(ctx, e.userKey, done, salts...)
	if err != nil {
		return nil, err
	}
	e.keys = append(e.keys, ks...)
	return e.keys, nil
}

func (e *EphemeralRecovery) escrowRef(ctx context.Context) (id string, key []byte, err error) {
	ks, err := e.derive(ctx, 2)
	if err != nil {
		return "", nil, err
	}
	return hex.EncodeToString(ks[0][:16]), ks[1], nil
}

// RequestCode asks the server to send the round-1 code, which starts
// with EphemeralPrefix, in the user's language.
func (e *EphemeralRecovery) RequestCode(ctx context.Context, language string) (Challenge, error) {
	id, key, err := e.escrowRef(ctx)
	if err != nil {
		return Challenge{}, err
	}
	v, err := e.Client.Verify(ctx, id, key, EphemeralPrefix, language)
	if err != nil {
		return Challenge{}, fmt.Errorf("recovery: asking %s for the code of the escrowed pack: %w", e.server, err)
	}
	return Challenge{Prefix: EphemeralPrefix, Hint: v.Hint, ActionURL: v.ActionURL, ActionURLRefused: v.ActionURLRefused, Expires: v.Expires}, nil
}

// Finish trades the round-1 code for the escrowed pack and returns it,
// ready for round 2 (NewRecovery). The pack keeps the name it was
// protected under (the reference renames it to the user key, which
// would put the key in every list of packs), and its Ephemeral record
// is the escrow it came from, so that Forget deletes that too. A wrong
// code gives ErrIncorrectCode and can be retried.
func (e *EphemeralRecovery) Finish(ctx context.Context, code string) (*Pack, error) {
	c, err := ephemeralCode(code)
	if err != nil {
		return nil, err
	}
	// Every key first: a server may spend the code on the first
	// recovery, so nothing slow or cancellable may come after it.
	ks, err := e.derive(ctx, 3)
	if err != nil {
		return nil, err
	}
	id, key := hex.EncodeToString(ks[0][:16]), ks[1]
	sealed, err := e.Client.Recover(ctx, id, key, c)
	if err != nil {
		return nil, fmt.Errorf("recovery: fetching the escrowed pack from %s: %w", e.server, err)
	}
	return openEphemeralPack(ks[2], sealed, e.server, id, key)
}

// ephemeralCode normalises a typed round-1 code and checks it has the
// round-1 prefix, without asking the server.
func ephemeralCode(code string) (string, error) {
	rec := Record{Prefix: EphemeralPrefix}
	_, c, err := RouteCode([]Record{rec}, code)
	return c, err
}

// openEphemeralPack decrypts the escrowed pack and imports it, with
// the escrow it came from as its Ephemeral record.
func openEphemeralPack(packKey []byte, sealed, server, id string, escrowKey []byte) (*Pack, error) {
	plain, err := wire.OpenCompressed(packKey, sealed)
	if err != nil {
		return nil, fmt.Errorf("recovery: the escrowed pack from %s does not open with the recovery name's key: %w", server, err)
	}
	p, err := ImportReferencePack(plain)
	if err != nil {
		return nil, fmt.Errorf("recovery: the escrowed pack from %s: %w", server, err)
	}
	if p.Ephemeral == nil {
		data, err := json.Marshal(PasscrowRecordData{
			Server:       server,
			EscrowDataID: id,
			EscrowKey:    wire.EncodeKey(escrowKey),
		})
		if err != nil {
			return nil, err
		}
		p.Ephemeral = &Record{Kind: KindPasscrow, Hint: "the escrowed pack at " + hostOf(server), Data: data}
	}
	return p, nil
}

// hostOf is the host of a server name as packs have it, for hints.
func hostOf(server string) string {
	u, _, err := parseServerURL(server, true)
	if err != nil {
		return server
	}
	return u.Host
}
