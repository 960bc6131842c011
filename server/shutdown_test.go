package server

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// blockingVerifier stands in for a slow mail server: Send tells the test
// it has started, then holds until the test releases it, then delivers
// into a real outbox.
type blockingVerifier struct {
	started chan struct{}
	release chan struct{}
	verify.Outbox
}

func (v *blockingVerifier) Send(ctx context.Context, m verify.Message) error {
	v.started <- struct{}{}
	<-v.release
	return v.Outbox.Send(ctx, m)
}

// closeOrderStore is the real store with a record of the order of what
// the test looks at: whether a code was stored before Close, and no
// store call after it.
type closeOrderStore struct {
	Store
	mu          sync.Mutex
	closed      bool
	codeStored  bool
	usedClosed  bool
	closeCalled chan struct{}
}

func (s *closeOrderStore) PutCode(ctx context.Context, id string, c Code) error {
	s.mu.Lock()
	if s.closed {
		s.usedClosed = true
		s.mu.Unlock()
		return errors.New("store used after Close")
	}
	s.codeStored = true
	s.mu.Unlock()
	return s.Store.PutCode(ctx, id, c)
}

func (s *closeOrderStore) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	close(s.closeCalled)
	return s.Store.Close()
}

// TestShutdownDrainsHandlers: a shutdown (SIGTERM, in passcrow serve)
// while a code is being mailed lets the send finish, stores the code and
// answers the client before the store is closed, even when the send
// outlasts the shutdown deadline.
func TestShutdownDrainsHandlers(t *testing.T) {
	v := &blockingVerifier{started: make(chan struct{}), release: make(chan struct{}), Outbox: verify.Outbox{Dir: t.TempDir()}}
	srv, err := New(Config{
		DataDir:       t.TempDir(), // the real bbolt store, owned and closed by the Server
		Verifiers:     map[string]verify.Verifier{"email": v},
		MaxExpiration: 24 * time.Hour, // free escrows: no proof of work
		SweepInterval: -1,
		Logger:        testLogger(t),
	})
	mustBeNil(t, err)
	store := &closeOrderStore{Store: srv.store, closeCalled: make(chan struct{})}
	srv.store = store
	draining := make(chan struct{})
	srv.onDrain = func() { close(draining) }

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	mustBeNil(t, err)
	ctx, sigterm := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	go func() {
		// As passcrow serve does: serve until the signal, then close.
		err := ServeWith(ctx, ln, srv, ServeOptions{ShutdownTimeout: 1, Logger: testLogger(t)})
		stopped <- errors.Join(err, srv.Close())
	}()

	client, err := recovery.NewClient("http://" + ln.Addr().String())
	mustBeNil(t, err)
	client.Interval = 0
	res, err := client.Escrow(context.Background(), recovery.EscrowInput{
		Identity: "email:slow@example.org", Secret: "s", Expires: time.Now().Add(time.Hour)})
	mustBeNil(t, err)

	answered := make(chan error, 1)
	go func() {
		_, err := client.Verify(context.Background(), res.ID, res.Key, "", "en")
		answered <- err
	}()
	<-v.started // the handler is inside Send
	sigterm()
	// Serve gives up waiting after its (1 ns) deadline and Close begins;
	// before the fix, Close would now close the store under the handler.
	select {
	case <-draining:
	case <-store.closeCalled:
	}
	close(v.release)
	if err := <-answered; err != nil {
		t.Errorf("the client got no answer: %v", err)
	}
	mustBeNil(t, <-stopped)
	store.mu.Lock()
	defer store.mu.Unlock()
	if !store.codeStored || store.usedClosed {
		t.Fatalf("code stored before close: %v; store used after close: %v", store.codeStored, store.usedClosed)
	}
	// A request after Close is refused in JSON, not served from a closed store.
	status, body := serveOnce(srv, "GET", "/passcrow/policy", nil)
	if status != 503 || !jsonBody(body) {
		t.Fatalf("after Close: %d %s", status, body)
	}
}
