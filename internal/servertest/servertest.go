// Package servertest holds the two small doubles that tests of our
// Passcrow server share, in whichever package they run: a verifier that
// records messages instead of mailing them (the server, the client and
// the HTTP between them stay real), and a random source that hands out
// recorded bytes first, so replayed requests get the recorded ids.
package servertest

import (
	"context"
	"crypto/rand"
	"sync"
	"testing"

	"github.com/passcrow/passcrow-desktop/server/verify"
)

// Recorder is a verify.Verifier that keeps what it is asked to send, and
// a verify.Notifier that keeps the notices to owners.
type Recorder struct {
	mu      sync.Mutex
	msgs    []verify.Message
	notices []verify.Notice
}

var (
	_ verify.Verifier = (*Recorder)(nil)
	_ verify.Notifier = (*Recorder)(nil)
)

// Notify records n.
func (r *Recorder) Notify(_ context.Context, n verify.Notice) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.notices = append(r.notices, n)
	return nil
}

// Notices are the notices sent so far, oldest first.
func (r *Recorder) Notices() []verify.Notice {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]verify.Notice(nil), r.notices...)
}

// Send records m.
func (r *Recorder) Send(_ context.Context, m verify.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, m)
	return nil
}

// Count is how many messages were sent.
func (r *Recorder) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.msgs)
}

// Last is the newest message; the test fails when none was sent.
func (r *Recorder) Last(t testing.TB) verify.Message {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.msgs) == 0 {
		t.Fatal("no verification message was sent")
	}
	return r.msgs[len(r.msgs)-1]
}

// CodeFor is the newest code sent to address; the test fails when none was.
func (r *Recorder) CodeFor(t testing.TB, address string) string {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.msgs) - 1; i >= 0; i-- {
		if r.msgs[i].Address == address {
			return r.msgs[i].Code
		}
	}
	t.Fatalf("no code was sent to %s", address)
	return ""
}

// QueuedRand reads queued bytes first, then real randomness.
type QueuedRand struct {
	mu sync.Mutex
	q  []byte
}

// Queue adds b to what the next reads return.
func (r *QueuedRand) Queue(b []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.q = append(r.q, b...)
}

func (r *QueuedRand) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.q) > 0 {
		n := copy(p, r.q)
		r.q = r.q[n:]
		return n, nil
	}
	return rand.Read(p)
}
