package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/passcrow/passcrow-desktop/internal/wire"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// scrape fetches the server's metrics as Prometheus text.
func scrape(t *testing.T, env *testEnv) string {
	t.Helper()
	m := httptest.NewServer(env.srv.MetricsHandler())
	defer m.Close()
	resp, err := m.Client().Get(m.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func metricValue(t *testing.T, text, series string) string {
	t.Helper()
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`)
	m := re.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no series %s in metrics:\n%s", series, grepPasscrow(text))
	}
	return m[1]
}

func grepPasscrow(text string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "passcrow_") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestMetricsCountRequestsAndSends(t *testing.T) {
	env := newTestEnv(t, nil)
	env.do(t, http.MethodGet, "/passcrow/policy", nil)
	env.do(t, http.MethodPost, "/passcrow/policy", []byte("{}"))
	f := env.escrow(t, "s3cret")
	code := env.verifyCode(t, f, "A")
	if got := env.recover(t, f, code); got.Error != "" {
		t.Fatalf("recovery: %s", got.Error)
	}
	env.do(t, http.MethodGet, "/passcrow/escrowrequest", nil) // 405

	text := scrape(t, env)
	for series, want := range map[string]string{
		`passcrow_requests_total{route="policy",status="200"}`:              "2",
		`passcrow_requests_total{route="escrowrequest",status="200"}`:       "1",
		`passcrow_requests_total{route="escrowrequest",status="405"}`:       "1",
		`passcrow_requests_total{route="verificationrequest",status="200"}`: "1",
		`passcrow_requests_total{route="recoveryrequest",status="200"}`:     "1",
		`passcrow_codes_sent_total{kind="email",result="ok"}`:               "1",
		`passcrow_request_duration_seconds_count{route="policy"}`:           "2",
	} {
		if got := metricValue(t, text, series); got != want {
			t.Errorf("%s = %s, want %s", series, got, want)
		}
	}
}

// A hostile client must not be able to grow the metrics: every path it
// invents is counted under one route, "other".
func TestMetricsLabelsStayBounded(t *testing.T) {
	env := newTestEnv(t, nil)
	for i := range 50 {
		env.do(t, http.MethodPost, fmt.Sprintf("/passcrow/invented-%d", i), nil)
		env.do(t, http.MethodGet, fmt.Sprintf("/elsewhere/%d", i), nil)
	}
	text := scrape(t, env)
	if strings.Contains(text, "invented") || strings.Contains(text, "elsewhere") {
		t.Fatalf("a request path became a label:\n%s", grepPasscrow(text))
	}
	if got := metricValue(t, text, `passcrow_requests_total{route="other",status="200"}`); got != "50" {
		t.Errorf("unknown RPCs counted %s, want 50", got)
	}
	if got := metricValue(t, text, `passcrow_requests_total{route="other",status="404"}`); got != "50" {
		t.Errorf("paths outside /passcrow counted %s, want 50", got)
	}
}

func TestStatsAsTheReferenceMonitorReadsThem(t *testing.T) {
	env := newTestEnv(t, nil)
	env.do(t, http.MethodGet, "/passcrow/policy", nil)
	env.escrow(t, "s3cret")
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		status, b := env.do(t, method, "/passcrow/stats", nil)
		if status != http.StatusOK {
			t.Fatalf("%s stats: HTTP %d %s", method, status, b)
		}
		// The fields passcrow/mon.py reads: start-ts, handlers, version,
		// storage.type and storage.encrypted.
		var got struct {
			Version  string           `json:"version"`
			StartTS  int64            `json:"start-ts"`
			Handlers []string         `json:"handlers"`
			Storage  map[string]any   `json:"storage"`
			Requests map[string]int64 `json:"requests"`
		}
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("stats do not parse: %v\n%s", err, b)
		}
		if got.StartTS != testStart || got.Version == "" || strings.Join(got.Handlers, ",") != "email" {
			t.Errorf("stats: %+v", got)
		}
		if got.Storage["type"] != "memory" || got.Storage["encrypted"] != false {
			t.Errorf("stats storage: %v", got.Storage)
		}
		if got.Requests[wire.MethodPolicy] != 1 || got.Requests[wire.MethodEscrow] != 1 {
			t.Errorf("stats requests: %v", got.Requests)
		}
	}
	if status, b := env.do(t, http.MethodPost, "/passcrow/stats", []byte("not json")); status != http.StatusOK || !strings.Contains(string(b), wire.ErrBadRequest) {
		t.Errorf("stats with a junk body: HTTP %d %s", status, b)
	}
}

// The verifier's queue is counted too: what was queued and what went out.
func TestMetricsCountTheOutboundQueue(t *testing.T) {
	outbox := &verify.Outbox{Dir: t.TempDir()}
	queue := verify.NewQueue(outbox, verify.QueueConfig{})
	env := newTestEnv(t, func(c *Config) { c.Verifiers = map[string]verify.Verifier{"email": queue} })
	f := env.escrow(t, "s3cret")
	var resp wire.VerificationResponse
	env.call(t, wire.MethodVerification, wire.VerificationRequest{
		Version: wire.Version, Language: "en", Prefix: "C", EscrowDataID: f.id, EscrowDataKey: f.key,
	}, &resp)
	if resp.Error != "" {
		t.Fatal(resp.Error)
	}
	// Close waits for the queued message to go out.
	if err := queue.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	text := scrape(t, env)
	for series, want := range map[string]string{
		`passcrow_outbound_queued_total{kind="email"}`: "1",
		`passcrow_outbound_sent_total{kind="email"}`:   "1",
		`passcrow_outbound_failed_total{kind="email"}`: "0",
		`passcrow_outbound_pending{kind="email"}`:      "0",
	} {
		if got := metricValue(t, text, series); got != want {
			t.Errorf("%s = %s, want %s", series, got, want)
		}
	}
}
