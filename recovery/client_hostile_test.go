package recovery

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// werkzeug500 is the page the reference server (Flask under gunicorn)
// answers with when its rate limiter trips.
const werkzeug500 = `<!doctype html>
<html lang=en>
<title>500 Internal Server Error</title>
<h1>Internal Server Error</h1>
<p>The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.</p>
`

// scriptedServer answers the n-th request (0-based) with answers[n], the
// last one again after that, and counts requests. Each answer is a
// status and a body; the Content-Type follows the body.
type scriptedServer struct {
	*httptest.Server
	n atomic.Int32
}

type answer struct {
	status int
	body   string
}

func newScriptedServer(t *testing.T, answers ...answer) *scriptedServer {
	s := &scriptedServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(s.n.Add(1)) - 1
		a := answers[min(i, len(answers)-1)]
		if strings.HasPrefix(a.body, "<") {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
		} else {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(a.status)
		w.Write([]byte(a.body))
	}))
	t.Cleanup(s.Close)
	return s
}

func capturedPolicy(t *testing.T) string {
	return string(mustReadFile(t, filepath.Join(vectorsDir, "roundtrip-2of3", "01-protect-policy.resp.json")))
}

func TestRetriesRateLimitThenSucceeds(t *testing.T) {
	for name, first := range map[string]answer{
		"reference HTML 500": {500, werkzeug500},
		"JSON rate limited":  {200, `{"error": "Sorry, rate limited."}`},
		"429":                {429, `{"error": "Sorry, rate limited."}`},
		"503 from a proxy":   {503, "<html><title>503 Service Unavailable</title></html>"},
		"another HTML 500":   {500, "<html>oops</html>"},
	} {
		t.Run(name, func(t *testing.T) {
			s := newScriptedServer(t, first, answer{200, capturedPolicy(t)})
			c := testClient(t, s.URL)
			p, err := c.Policy(context.Background())
			if err != nil {
				t.Fatalf("after a retry the policy should arrive: %v", err)
			}
			if p.CountryCode != "IS" {
				t.Errorf("policy %+v", p)
			}
			if n := s.n.Load(); n != 2 {
				t.Errorf("%d requests, want 2", n)
			}
		})
	}
}

func TestRateLimitedToTheEnd(t *testing.T) {
	s := newScriptedServer(t, answer{500, werkzeug500})
	c := testClient(t, s.URL)
	c.Attempts = 3
	_, err := c.Policy(context.Background())
	if !errors.Is(err, ErrRateLimited) {
		t.Fatalf("got %v, want ErrRateLimited", err)
	}
	if n := s.n.Load(); n != 3 {
		t.Errorf("%d requests, want 3 attempts", n)
	}
}

// Application errors are answers, not accidents: never retried.
func TestApplicationErrorsAreNotRetried(t *testing.T) {
	key := make([]byte, 32)
	cases := []struct {
		body   answer
		want   error
		server string // ServerError.Message, when want is nil
	}{
		{answer{200, `{"passcrow-recovery-response": "1.0", "error": "Incorrect verfication code"}`}, ErrIncorrectCode, ""},
		{answer{200, `{"passcrow-recovery-response": "1.0", "error": "Insufficient payment"}`}, ErrInsufficientPayment, ""},
		{answer{200, `{"passcrow-recovery-response": "1.0", "error": "Unsupported kind of Identity: sms"}`}, ErrUnsupportedKind, ""},
		{answer{200, `{"passcrow-recovery-response": "1.0", "error": "Internal Error"}`}, nil, "Internal Error"},
		{answer{200, `{"error": "Request too large"}`}, nil, "Request too large"},
		{answer{404, "<!doctype html><title>404 Not Found</title><h1>Not Found</h1>"}, nil, "404 Not Found"},
	}
	for _, tc := range cases {
		t.Run(tc.body.body[:min(len(tc.body.body), 60)], func(t *testing.T) {
			s := newScriptedServer(t, tc.body, answer{200, `{"passcrow-recovery-response": "1.0", "escrow-secret": "x"}`})
			c := testClient(t, s.URL)
			_, err := c.Recover(context.Background(), "abc", key, "1123456")
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if tc.want == nil {
				var se *ServerError
				if !errors.As(err, &se) || se.Message != tc.server || se.Server != c.Server() {
					t.Fatalf("got %#v, want a ServerError saying %q", err, tc.server)
				}
			}
			if n := s.n.Load(); n != 1 {
				t.Errorf("%d requests, want 1 (no retry)", n)
			}
		})
	}
}

func TestHostileAnswers(t *testing.T) {
	key := make([]byte, 32)
	cases := map[string]answer{
		"oversized":          {200, `{"passcrow-verification-response": "1.0", "hint": "` + strings.Repeat("a", 70<<10) + `"}`},
		"non-JSON 200":       {200, "<html>hello</html>"},
		"JSON array":         {200, `["passcrow-verification-response"]`},
		"null":               {200, `null`},
		"wrong version key":  {200, `{"passcrow-verification-reply": "1.0", "hint": "a*@e*ple.org"}`},
		"wrong version":      {200, `{"passcrow-verification-response": "2.0", "hint": "a*@e*ple.org"}`},
		"error not a string": {200, `{"passcrow-verification-response": "1.0", "error": 5}`},
		"wrong types":        {200, `{"passcrow-verification-response": "1.0", "expiration": "soon"}`},
		"trailing junk":      {200, `{"passcrow-verification-response": "1.0"} {}`},
	}
	for name, a := range cases {
		t.Run(name, func(t *testing.T) {
			s := newScriptedServer(t, a)
			c := testClient(t, s.URL)
			_, err := c.Verify(context.Background(), "abc", key, "1", "en")
			if !errors.Is(err, ErrBadResponse) {
				t.Fatalf("got %v, want ErrBadResponse", err)
			}
			if !strings.Contains(err.Error(), c.Server()) {
				t.Errorf("error %q does not name the server", err)
			}
			if n := s.n.Load(); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
		})
	}
}

func TestSlowServerTimesOut(t *testing.T) {
	release := make(chan struct{})
	var n atomic.Int32
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer s.Close()
	defer close(release)
	c := testClient(t, s.URL)
	c.Timeout = 100 * time.Millisecond
	c.Attempts = 2
	// The server answers only once the test ends: both attempts ended
	// by their timeouts, whatever the clock says.
	_, err := c.Policy(context.Background())
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "no answer within 100ms") {
		t.Fatalf("got %v, want a timeout", err)
	}
	if n.Load() != 2 {
		t.Errorf("%d attempts, want 2", n.Load())
	}
}

func TestDeadServer(t *testing.T) {
	s := httptest.NewServer(http.NotFoundHandler())
	url := s.URL
	s.Close() // nothing listens there now
	c := testClient(t, url)
	c.Attempts = 2
	_, err := c.Policy(context.Background())
	if err == nil || !strings.Contains(err.Error(), c.Server()) {
		t.Fatalf("got %v, want a connection error naming the server", err)
	}
}

// OnRetry hears of every retry before its wait, with the error that
// caused it, so a tool can say why it waits.
func TestOnRetryHearsEachWait(t *testing.T) {
	s := httptest.NewServer(http.NotFoundHandler())
	url := s.URL
	s.Close()
	c := testClient(t, url)
	c.Attempts = 3
	c.Backoff = time.Millisecond
	var tries []int
	c.OnRetry = func(err error, wait time.Duration, try, of int) {
		if err == nil || !strings.Contains(err.Error(), c.Server()) || wait < time.Millisecond || of != 3 {
			t.Errorf("OnRetry(%v, %v, %d, %d)", err, wait, try, of)
		}
		tries = append(tries, try)
	}
	if _, err := c.Policy(context.Background()); err == nil {
		t.Fatal("a dead server answered")
	}
	if len(tries) != 2 || tries[0] != 2 || tries[1] != 3 {
		t.Fatalf("OnRetry heard of tries %v, want [2 3]", tries)
	}
}

func TestCancelStopsRetries(t *testing.T) {
	s := newScriptedServer(t, answer{500, werkzeug500})
	c := testClient(t, s.URL)
	c.Backoff = time.Hour
	// The backoff is an hour: returning at all cut it short.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := c.Policy(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, ErrRateLimited) {
		t.Fatalf("got %v, want the deadline and what went before", err)
	}
}

// TestDeleteFallbackFakeReference: the reference server cannot run here;
// this fake refuses the key as the reference's whitelist does.
func TestDeleteFallbackFakeReference(t *testing.T) {
	var mu sync.Mutex
	var bodies []string
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req map[string]any
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
		_ = wire.Unmarshal(b, &req)
		if _, ok := req["escrow-data-key"]; ok {
			w.Write([]byte("{\n  \"passcrow-deletion-response\": \"1.0\",\n  \"error\": \"Internal Error\"\n}"))
			return
		}
		w.Write([]byte("{\n  \"passcrow-deletion-response\": \"1.0\"\n}"))
	}))
	defer s.Close()
	c := testClient(t, s.URL)
	if err := c.Delete(context.Background(), "6ce5c261-9b780db1fb0ec0ba75c65bf809d638da", make([]byte, 32)); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := string(mustReadFile(t, filepath.Join(vectorsDir, "roundtrip-2of3", "10-delete-deletionrequest.req.json")))
	if len(bodies) != 2 || !strings.Contains(bodies[0], "escrow-data-key") || bodies[1] != want {
		t.Errorf("requests %q; want one with the key, then the reference's", bodies)
	}
}

func TestServerURLs(t *testing.T) {
	good := map[string]string{ // input -> Server()
		"pc-test.local":                 "pc-test.local",
		"passcrow.example.org":          "passcrow.example.org",
		"https://passcrow.example.org/": "passcrow.example.org",
		"HTTPS://Passcrow.Example.org":  "passcrow.example.org",
		"https://example.org:8443":      "example.org:8443",
		"https://example.org/pc/":       "https://example.org/pc",
		"http://127.0.0.1:8765":         "http://127.0.0.1:8765",
		"http://127.3.4.5":              "http://127.3.4.5",
		"http://[::1]:99":               "http://[::1]:99",
		"  passcrow.example.org  ":      "passcrow.example.org",
	}
	for in, want := range good {
		c, err := NewClient(in)
		if err != nil {
			t.Errorf("NewClient(%q): %v", in, err)
			continue
		}
		if c.Server() != want {
			t.Errorf("NewClient(%q).Server() = %q, want %q", in, c.Server(), want)
		}
	}
	// "localhost" is a name: a resolver, hosts file or proxy can send it
	// elsewhere, so plain http goes only to loopback IP literals.
	for _, in := range []string{"http://passcrow.example.org", "http://10.0.0.1", "http://128.0.0.1", "ftp://example.org",
		"http://localhost:1234", "http://LOCALHOST", "http://localhost.:80", "http://127.1"} {
		if _, err := NewClient(in); !errors.Is(err, ErrInsecureServer) {
			t.Errorf("NewClient(%q): %v, want ErrInsecureServer", in, err)
		}
	}
	for _, in := range []string{"", "https://", "https://user:pw@example.org", "https://example.org/?q=1", "https://example.org/#x"} {
		if _, err := NewClient(in); err == nil {
			t.Errorf("NewClient(%q) accepted", in)
		}
	}
}
