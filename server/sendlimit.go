package server

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/passcrow/passcrow-desktop/internal/wire"
	"hash"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"
)

// Defaults of the per-recipient send limit. Escrows cost nothing, and
// each names an address of its maker's choosing, so without a limit per
// address N escrows naming a victim were N mails a minute from the
// operator's domain. A user recovering needs one code per server, and a
// few more if one goes astray.
const (
	DefaultMaxSendsPerHour = 6
	DefaultMaxSendsPerDay  = 20
)

// ErrSendLimit refuses a message to an address that had its fill.
var ErrSendLimit = errors.New("too many messages to this address")

// sendLimitError is ErrSendLimit with the time a message may go again.
type sendLimitError struct{ until time.Time }

func (e *sendLimitError) Error() string {
	return fmt.Sprintf("%v; next after %s", ErrSendLimit, e.until.UTC().Format(time.RFC3339))
}
func (e *sendLimitError) Is(target error) bool { return target == ErrSendLimit }
func (e *sendLimitError) wireString() string {
	return wire.ErrSendLimitP + e.until.UTC().Format(wire.RetryTimeFormat)
}
func (e *sendLimitError) retryAfter(now time.Time) string {
	return strconv.FormatInt(max(1, int64(e.until.Sub(now)/time.Second)+1), 10)
}

// sendLimiter counts messages per recipient in the store, so every
// instance on it counts together. A recipient is named by an HMAC of its
// normalised address under the store's secret: the store never holds an
// address, and a stolen copy of it does not tell whom anyone wrote to.
type sendLimiter struct {
	store     Store
	secret    []byte
	hour, day int       // <= 0: no limit
	macs      sync.Pool // of HMACs keyed with secret: keying one costs two hashes and their buffers
}

// newSendLimiter makes the limiter cfg asks for, keyed by the store's
// secret (made on first start), or nil if cfg turns both bounds off.
func newSendLimiter(st Store, cfg Config) (*sendLimiter, error) {
	if cfg.MaxSendsPerHour < 0 && cfg.MaxSendsPerDay < 0 {
		return nil, nil
	}
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("server: making the server secret: %w", err)
	}
	secret, err := st.ServerSecret(context.Background(), fresh)
	if err != nil {
		return nil, fmt.Errorf("server: reading the server secret: %w", err)
	}
	l := &sendLimiter{store: st, secret: secret, hour: cfg.MaxSendsPerHour, day: cfg.MaxSendsPerDay}
	l.macs.New = func() any { return hmac.New(sha256.New, l.secret) }
	return l, nil
}

// recipientKey names kind:address in the store.
func (l *sendLimiter) recipientKey(kind, address string) string {
	m := l.macs.Get().(hash.Hash)
	m.Write([]byte(normalKind(kind) + ":" + normalAddress(kind, address)))
	var sum [sha256.Size]byte
	var out [2 * sha256.Size]byte
	hex.Encode(out[:], m.Sum(sum[:0]))
	m.Reset()
	l.macs.Put(m)
	return string(out[:])
}

// normalKind makes "mailto" count as "email": both reach one mailbox.
func normalKind(kind string) string {
	if kind == "mailto" {
		return "email"
	}
	return strings.ToLower(kind)
}

// normalAddress makes the spellings that reach one recipient one string,
// so an attacker cannot spread messages over them: for mail, any case,
// a "+tag", and at Gmail dots in the local part; for phone numbers,
// anything but the digits.
func normalAddress(kind, address string) string {
	a := norm.NFKC.String(strings.ToLower(strings.TrimSpace(address)))
	switch normalKind(kind) {
	case "email":
		local, domain, ok := strings.Cut(a, "@")
		if !ok {
			return a
		}
		domain = strings.TrimSuffix(domain, ".")
		// One domain in Unicode, punycode or with characters IDNA maps
		// away (a soft hyphen) is one domain.
		if ascii, err := idna.Lookup.ToASCII(domain); err == nil {
			domain = ascii
		}
		// An address literal has many spellings of one host
		// ("[2001:db8::1]", "[2001:0db8:0:0::0001]", "[::ffff:192.0.2.1]"):
		// all are one domain here.
		if strings.HasPrefix(domain, "[") {
			domain = "[]"
		}
		local, _, _ = strings.Cut(local, "+")
		if domain == "gmail.com" || domain == "googlemail.com" {
			local = strings.ReplaceAll(local, ".", "")
			domain = "gmail.com"
		}
		return local + "@" + domain
	case "sms", "tel", "phone":
		return strings.Map(func(r rune) rune {
			if unicode.IsDigit(r) {
				return r
			}
			return -1
		}, a)
	}
	return a
}

// take counts one message to kind:address at now, or refuses with a
// *sendLimitError if the address had its fill in the last hour or day.
// give gives the message back, for one that did not go out.
func (l *sendLimiter) take(ctx context.Context, kind, address string, now time.Time) (give func(), err error) {
	if l.hour <= 0 && l.day <= 0 {
		return func() {}, nil
	}
	key := l.recipientKey(kind, address)
	t := now.Unix()
	err = l.store.UpdateSends(ctx, key, now, func(c *Sends) error {
		c.catchUp(t)
		if _, free := c.counted(t, sendHour, l.hour); free > 0 {
			return &sendLimitError{time.Unix(free, 0)}
		}
		if _, free := c.counted(t, sendDay, l.day); free > 0 {
			return &sendLimitError{time.Unix(free, 0)}
		}
		c.record(t, max(l.hour, l.day))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return func() {
		// An error here costs the address one message this hour, no more.
		l.store.UpdateSends(context.WithoutCancel(ctx), key, now, func(c *Sends) error {
			c.catchUp(t)
			c.forget(t, t)
			return nil
		})
	}, nil
}
