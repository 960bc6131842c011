package server

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// A client that half-closes its connection (shutdown of its writing
// side) right after the request still reads the answer, but net/http
// cancels the request's context on that EOF. A wrong code must be counted
// in the escrow's budget all the same: before, the count was a write that
// gave up on a cancelled context, so a guesser who half-closed got every
// wrong code judged (five per code, a code a minute) and never a lockout.
func TestGuessBudgetHoldsForHalfClosedClients(t *testing.T) {
	env := newSecEnv(t, t.TempDir(), nil)
	f := env.escrow("email:alice@example.org", "", "test", 30*24*time.Hour)
	u, err := url.Parse(env.http.URL)
	mustBeNil(t, err)
	// guess sends code on a connection of its own, half-closes it and
	// returns the server's error ("" for a release or a failure, which
	// it reports with t.Error).
	guess := func(code string) string {
		body, err := wire.Marshal(wire.RecoveryRequest{Version: wire.Version, Verification: code, EscrowDataID: f.id, EscrowDataKey: f.key})
		if err != nil {
			t.Error(err)
			return ""
		}
		c, err := net.Dial("tcp", u.Host)
		if err != nil {
			t.Error(err)
			return ""
		}
		defer c.Close()
		req, err := http.NewRequest(http.MethodPost, env.http.URL+"/passcrow/"+wire.MethodRecovery, bytes.NewReader(body))
		if err != nil {
			t.Error(err)
			return ""
		}
		req.Header.Set("Content-Type", "application/json")
		if err := req.Write(c); err != nil {
			t.Error(err)
			return ""
		}
		if err := c.(*net.TCPConn).CloseWrite(); err != nil {
			t.Error(err)
			return ""
		}
		r, err := http.ReadResponse(bufio.NewReader(c), req)
		if err != nil {
			t.Error(err)
			return ""
		}
		defer r.Body.Close()
		b, err := io.ReadAll(r.Body)
		var resp wire.RecoveryResponse
		if err == nil {
			err = wire.Unmarshal(b, &resp)
		}
		if err != nil {
			t.Errorf("answer %q: %v", b, err)
		}
		return resp.Error
	}
	judged := 0
	for round := range 6 {
		code, e, _ := env.askCode(f)
		if strings.HasPrefix(e, lockedPrefix) {
			break
		} else if e != "" {
			t.Fatalf("round %d: no code: %q", round, e)
		}
		// All five at once: those waiting behind the first have their
		// contexts cancelled by the time their turn comes.
		answers := make(chan string, maxFailures)
		for range maxFailures {
			go func() { answers <- guess(wrongFor(code)) }()
		}
		for range maxFailures {
			if e := <-answers; e == "" {
				t.Fatal("a wrong code released the secret, or no answer")
			} else if !strings.HasPrefix(e, lockedPrefix) {
				judged++
			}
		}
		env.clock.advance(time.Minute)
	}
	if judged > firstBudget {
		t.Fatalf("%d wrong codes answered from half-closed connections without a lockout, want at most %d", judged, firstBudget)
	}
}
