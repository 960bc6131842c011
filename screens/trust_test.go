package screens

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/passcrow/passcrow-desktop/app/state"
)

// urlOpener is the app with OpenURL recorded (fyne's test app ignores it).
type urlOpener struct {
	fyne.App
	mu     sync.Mutex
	opened []string
}

func (o *urlOpener) OpenURL(u *url.URL) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.opened = append(o.opened, u.String())
	return nil
}

func (o *urlOpener) calls() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string{}, o.opened...)
}

// actionProxyStandIn stands in for a hostile server, which we do not
// have: it passes every request to our real demo server and adds an
// action-url to the answers to verification requests: hostile on the
// first, https on every later one. It counts those requests.
func actionProxyStandIn(t *testing.T, upstream, hostile, https string) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	target, err := url.Parse(upstream)
	if err != nil {
		t.Fatal(err)
	}
	var n atomic.Int32
	p := httputil.NewSingleHostReverseProxy(target)
	p.ModifyResponse = func(r *http.Response) error {
		if !strings.Contains(r.Request.URL.Path, "verif") {
			return nil
		}
		b, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return err
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err == nil && m["error"] == nil {
			m["action-url"] = https
			if n.Add(1) == 1 {
				m["action-url"] = hostile
			}
			b, _ = json.Marshal(m)
		}
		r.Body = io.NopCloser(bytes.NewReader(b))
		r.ContentLength = int64(len(b))
		r.Header.Set("Content-Length", strconv.Itoa(len(b)))
		return nil
	}
	s := httptest.NewServer(p)
	t.Cleanup(s.Close)
	return s, &n
}

// TestActionLinkOnlyOnClickStandIn: a server that asks the user to visit
// a page gets it opened only when the user clicks "Open <host>", never by
// itself, not when the codes are sent nor when a new one is; a javascript:
// link is not offered at all. The pack names the stand-in (a server the
// user never chose), so the recovery first asks, and Cancel sends nothing.
func TestActionLinkOnlyOnClickStandIn(t *testing.T) {
	u := newTestUI(t)
	opener := &urlOpener{App: u.App}
	u.App = opener
	dir, err := u.demoDir()
	if err != nil {
		t.Fatal(err)
	}
	d, err := u.State.StartDemo(dir)
	if err != nil {
		t.Fatal(err)
	}
	const page = "https://pay.example.org/captcha?id=7"
	proxy, asked := actionProxyStandIn(t, d.URL, "javascript:alert(document.cookie)", page)
	ctx, cancel := context.WithTimeout(context.Background(), TourStepTimeout)
	defer cancel()
	plan := state.Plan{Name: "Disk", Secret: []byte(TourSecret), Policy: state.PolicyAll,
		Identities: []string{"email:a@example.org", "email:b@example.org"}, Servers: []string{proxy.URL}}
	if err := u.State.Protect(ctx, plan, nil); err != nil {
		t.Fatal(err)
	}

	look(u, func() { u.ShowRecovery("Disk") })
	trust, ok := u.Current().(*ServerTrust)
	if !ok {
		t.Fatalf("a pack naming a server the user never chose opened %T", u.Current())
	}
	if len(trust.Unknown) != 1 || !strings.Contains(trust.Warning.Text, trust.Unknown[0]) || !strings.Contains(proxy.URL, strings.TrimPrefix(trust.Unknown[0], "http://")) {
		t.Fatalf("the warning names %q: %q", trust.Unknown, trust.Warning.Text)
	}
	if u.Win.Canvas().Focused() != trust.Cancel {
		t.Fatalf("the focus is on %v, not Cancel", u.Win.Canvas().Focused())
	}
	tap(u, trust.Cancel)
	if _, ok := u.Current().(*Overview); !ok || asked.Load() != 0 {
		t.Fatalf("Cancel: %T on show, %d verification requests", u.Current(), asked.Load())
	}
	if msgs, _ := d.Messages(); len(msgs) != 0 {
		t.Fatalf("Cancel: %d codes were sent", len(msgs))
	}

	look(u, func() { u.ShowRecovery("Disk") })
	tap(u, u.Current().(*ServerTrust).GoOn)
	rec := u.Current().(*Recovery)
	if err := wait(rec.started, TourStepTimeout, "the codes to be sent"); err != nil {
		t.Fatal(err)
	}
	if got := opener.calls(); len(got) != 0 {
		t.Fatalf("opened %q without a click", got)
	}
	if !strings.Contains(rec.Servers.Text, strings.TrimPrefix(proxy.URL, "http://")) {
		t.Fatalf("the codes page names the servers as %q", rec.Servers.Text)
	}
	var withLink, without *CodeLine
	look(u, func() {
		for _, l := range rec.Lines {
			if l.Open.Visible() {
				withLink = l
			} else {
				without = l
			}
		}
	})
	if withLink == nil || without == nil {
		t.Fatalf("want one line with a link and one without: %v, %v", withLink, without)
	}
	if withLink.Open.Text != "Open pay.example.org" || !strings.Contains(withLink.Hint.Text, "visit a page at pay.example.org") {
		t.Fatalf("the https link shows as %q, %q", withLink.Open.Text, withLink.Hint.Text)
	}
	if !strings.Contains(without.Hint.Text, "which Passcrow does not open") {
		t.Fatalf("the line whose server sent a javascript: link says %q", without.Hint.Text)
	}
	tap(u, withLink.Open)
	if got := opener.calls(); len(got) != 1 || got[0] != page {
		t.Fatalf("a click opened %q, want %q", got, page)
	}

	tap(u, withLink.Resend)
	var resent chan struct{}
	look(u, func() { resent = rec.resent })
	if err := wait(resent, TourStepTimeout, "a new code"); err != nil {
		t.Fatal(err)
	}
	if got := opener.calls(); len(got) != 1 {
		t.Fatalf("a new code opened the page again: %q", got)
	}
	if !withLink.Open.Visible() || rec.Error.Text != "" {
		t.Fatalf("after a new code: link shown %v, error %q", withLink.Open.Visible(), rec.Error.Text)
	}
}

// TestImportedPackNamingUnknownServerAsks: an imported pack (the
// reference client's, naming its own server) asks before recovering or
// renewing; nothing is contacted until the user goes on.
func TestImportedPackNamingUnknownServerAsks(t *testing.T) {
	u := newTestUI(t)
	data, err := os.ReadFile(filepath.Join("..", "..", "shared", "vectors", "roundtrip-2of3", "recovery-pack.passcrow"))
	if err != nil {
		t.Fatal(err)
	}
	name, err := u.State.Import(data, "")
	if err != nil {
		t.Fatal(err)
	}
	for what, show := range map[string]func(){
		"recovery": func() { u.ShowRecovery(name) },
		"renewal":  func() { u.ShowRenew(name, nil) },
	} {
		look(u, show)
		trust, ok := u.Current().(*ServerTrust)
		if !ok {
			t.Fatalf("%s of an imported pack opened %T", what, u.Current())
		}
		if strings.Join(trust.Unknown, " ") != "pc-test.local" || !strings.Contains(trust.Warning.Text, "never chose: pc-test.local.") {
			t.Fatalf("%s: unknown %q, warning %q", what, trust.Unknown, trust.Warning.Text)
		}
		tap(u, trust.Cancel)
		if _, ok := u.Current().(*Overview); !ok {
			t.Fatalf("%s: Cancel opened %T", what, u.Current())
		}
	}

	// Once the user adds the server in the settings, it is one of theirs.
	u.State.SetServers([]string{"https://pc-test.local/"})
	if _, unknown, err := u.State.PackServers(name); err != nil || len(unknown) != 0 {
		t.Fatalf("after adding the server: %q, %v", unknown, err)
	}
	look(u, func() { u.ShowRenew(name, nil) })
	if _, ok := u.Current().(*Renew); !ok {
		t.Fatalf("renewal with the server chosen opened %T", u.Current())
	}
}

// TestDemoPacksAskNothingAfterRestart: a pack made with the demo server
// names it; after the app restarted (the demo not running yet) it is
// still the user's own server, not a stranger's.
func TestDemoPacksAskNothingAfterRestart(t *testing.T) {
	u := newTestUI(t)
	protectForTest(t, u, "Disk")
	if err := u.State.Close(); err != nil { // stops the demo
		t.Fatal(err)
	}
	all, unknown, err := u.State.PackServers("Disk")
	if err != nil || len(all) != 1 || len(unknown) != 0 {
		t.Fatalf("a demo pack with the demo stopped: servers %q, unknown %q, %v", all, unknown, err)
	}
	look(u, func() { u.ShowRenew("Disk", nil) })
	if _, ok := u.Current().(*Renew); !ok {
		t.Fatalf("renewing a demo pack opened %T", u.Current())
	}
}
