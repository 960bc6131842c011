package recovery_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/recovery"
)

// hostileFront puts a reverse proxy in front of our real server that
// rewrites the server's JSON answers to the methods named in rewrite,
// as a hostile or compromised server would answer. The client, the
// server behind and the HTTP between them stay real; only the answers
// are changed. It counts requests per path.
type hostileFront struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
}

func newHostileFront(t *testing.T, backend string, rewrite map[string]func(map[string]any)) *hostileFront {
	t.Helper()
	target, err := url.Parse(backend)
	if err != nil {
		t.Fatal(err)
	}
	f := &hostileFront{hits: map[string]int{}}
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(resp *http.Response) error {
		change := rewrite[resp.Request.URL.Path]
		if change == nil {
			return nil
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			return err
		}
		change(m)
		if body, err = json.Marshal(m); err != nil {
			return err
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		resp.ContentLength = int64(len(body))
		resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
		return nil
	}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.hits[r.URL.Path]++
		f.mu.Unlock()
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *hostileFront) count(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[path]
}

func quickClient(t *testing.T, server string) *recovery.Client {
	t.Helper()
	c, err := recovery.NewClient(server)
	if err != nil {
		t.Fatal(err)
	}
	c.Interval = 0 // our server runs without a rate limit here
	return c
}

// TestActionURLFromHostileServerIsDropped: a server's verification answer
// names a link; only links CheckActionURL passes reach the Challenge,
// and a refused one is said, not silently lost.
func TestActionURLFromHostileServerIsDropped(t *testing.T) {
	hs, _ := ourServer(t)
	var mu sync.Mutex
	var sent string
	front := newHostileFront(t, hs.URL, map[string]func(map[string]any){
		"/passcrow/verificationrequest": func(m map[string]any) {
			mu.Lock()
			defer mu.Unlock()
			m["action-url"] = sent
		},
	})
	c := quickClient(t, front.URL)
	keeper := &recovery.PasscrowKeeper{Client: func(string) (*recovery.Client, error) { return c, nil }}
	ctx := context.Background()
	for i, tc := range []struct {
		sent, want, refused string
	}{
		{"https://passcrow.example.org/confirm?t=1", "https://passcrow.example.org/confirm?t=1", ""},
		{"http://127.0.0.1:9/confirm", "http://127.0.0.1:9/confirm", ""},
		{"file://attacker.example/share/run.exe", "", `"file" link`},
		{`\\attacker.example\share`, "", "backslash"},
		{"search-ms:query=x&crumb=location:attacker.example", "", `"search-ms" link`},
		{"javascript:alert(1)", "", `"javascript" link`},
		{"http://localhost:9/confirm", "", "plain http"},
		{"https://user@attacker.example/", "", "user name"},
	} {
		mu.Lock()
		sent = tc.sent
		mu.Unlock()
		// One escrow and address per link: our server sends one code a
		// minute per escrow, and 6 an hour to one address.
		loc, err := recovery.NewPasscrowLocation(c, "email:alice"+strconv.Itoa(i)+"@example.org")
		if err != nil {
			t.Fatal(err)
		}
		rec, err := loc.Place(ctx, recovery.Fragment("fragment"), recovery.PlaceOptions{Expires: time.Now().Add(time.Hour), Prefix: "1"})
		if err != nil {
			t.Fatal(err)
		}
		ch, err := keeper.Challenge(ctx, rec, "en")
		if err != nil {
			t.Fatalf("%q: %v", tc.sent, err)
		}
		if ch.ActionURL != tc.want {
			t.Errorf("server sent %q: Challenge.ActionURL = %q, want %q", tc.sent, ch.ActionURL, tc.want)
		}
		if tc.refused == "" && ch.ActionURLRefused != "" || !strings.Contains(ch.ActionURLRefused, tc.refused) {
			t.Errorf("server sent %q: ActionURLRefused = %q, want it to say %q", tc.sent, ch.ActionURLRefused, tc.refused)
		}
		if tc.refused != "" && !strings.Contains(ch.ActionURLRefused, c.Server()) {
			t.Errorf("ActionURLRefused = %q does not name the server", ch.ActionURLRefused)
		}
	}
}

// TestHashcashOverLimitRefusedBeforeWork: a server that demands 24 bits
// of hashcash (about 17 million scrypt tries) for any escrow longer than
// its free tier is refused with ErrPaymentTooCostly, before any stamp is
// solved or any escrow request sent.
func TestHashcashOverLimitRefusedBeforeWork(t *testing.T) {
	hs, _ := ourServer(t)
	front := newHostileFront(t, hs.URL, map[string]func(map[string]any){
		"/passcrow/policy": func(m map[string]any) {
			for _, s := range m["payment-schemes"].([]any) {
				s := s.(map[string]any)
				if s["scheme"] == "hashcash" {
					s["hashcash-bits"] = 24
					s["scheme-id"] = "hashcash-24"
				}
			}
		},
	})
	c := quickClient(t, front.URL)
	var worked bool
	_, err := c.Escrow(context.Background(), recovery.EscrowInput{
		Identity: "email:alice@example.org",
		Secret:   "x",
		Expires:  time.Now().Add(2 * 24 * time.Hour),
		Progress: func(uint64, uint64) { worked = true },
	})
	if !errors.Is(err, recovery.ErrPaymentTooCostly) {
		t.Fatalf("Escrow = %v, want ErrPaymentTooCostly", err)
	}
	var pe *recovery.PaymentTooCostlyError
	if !errors.As(err, &pe) || pe.Bits != 24 || pe.Limit != recovery.DefaultMaxHashcashBits || pe.Server != c.Server() || pe.Estimate <= 0 {
		t.Errorf("error %#v, want 24 bits asked, the default limit, the server and an estimate", pe)
	}
	for _, want := range []string{c.Server(), "24 bits", "16777216 tries", "on this computer", "limit is 20 bits", "raise"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if worked || front.count("/passcrow/escrowrequest") != 0 {
		t.Errorf("hashcash work reported: %v; escrow requests: %d; want neither", worked, front.count("/passcrow/escrowrequest"))
	}

	// The free tier still works: the limit is about work, not the server.
	if _, err := c.Escrow(context.Background(), recovery.EscrowInput{
		Identity: "email:alice@example.org", Secret: "x", Expires: time.Now().Add(time.Hour),
	}); err != nil {
		t.Errorf("free escrow through the same server: %v", err)
	}
}

// TestMaxHashcashBitsAgainstOurServer: our server asks 11 bits for two
// days; a limit of 10 refuses that, raising it to 11 pays and escrows.
func TestMaxHashcashBitsAgainstOurServer(t *testing.T) {
	hs, _ := ourServer(t)
	c := quickClient(t, hs.URL)
	in := recovery.EscrowInput{Identity: "email:alice@example.org", Secret: "x", Expires: time.Now().Add(2 * 24 * time.Hour)}
	c.MaxHashcashBits = 10
	if _, err := c.Escrow(context.Background(), in); !errors.Is(err, recovery.ErrPaymentTooCostly) || !strings.Contains(err.Error(), "11 bits") {
		t.Fatalf("limit 10: %v, want ErrPaymentTooCostly for 11 bits", err)
	}
	c.MaxHashcashBits = 11
	res, err := c.Escrow(context.Background(), in)
	if err != nil || res.Scheme != "hashcash-11" {
		t.Fatalf("limit 11: %+v, %v; want paid with hashcash-11", res, err)
	}
}

// TestPlainHTTPOnlyToLoopbackIPs: "localhost" is a name a resolver or a
// proxy setting can send elsewhere; plain http goes only to 127.0.0.0/8
// and ::1, which here reach our real server.
func TestPlainHTTPOnlyToLoopbackIPs(t *testing.T) {
	hs, _ := ourServer(t)
	_, port, err := net.SplitHostPort(hs.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := recovery.NewClient("http://localhost:" + port); !errors.Is(err, recovery.ErrInsecureServer) {
		t.Errorf("NewClient(http://localhost:%s) = %v, want ErrInsecureServer", port, err)
	}
	servers := []string{"http://127.0.0.1:" + port}

	l6, err := net.Listen("tcp6", "[::1]:0")
	switch {
	case err == nil:
		srv6 := httptest.NewUnstartedServer(hs.Config.Handler)
		srv6.Listener = l6
		srv6.Start()
		t.Cleanup(srv6.Close)
		servers = append(servers, srv6.URL)
	case os.Getenv("CI") == "true":
		t.Fatalf("no IPv6 loopback to test http://[::1] on, and CI=true allows no skip: %v", err)
	default:
		t.Logf("no IPv6 loopback here, http://[::1] not tried: %v", err)
	}
	for _, s := range servers {
		c, err := recovery.NewClient(s)
		if err != nil {
			t.Errorf("NewClient(%s): %v", s, err)
			continue
		}
		c.Interval = 0
		if _, err := c.Policy(context.Background()); err != nil {
			t.Errorf("policy from %s: %v", s, err)
		}
	}
}
