package cli_test

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/passcrow/passcrow-desktop/internal/sockstest"
	"github.com/passcrow/passcrow-desktop/server"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// TestProxyScripts runs testdata/proxy/*.txtar with a real SOCKS5 proxy
// (microsocks) in $PROXY, whose connections come from $PROXYOUT, and
// servers of ours that note where each connection came from.
func TestProxyScripts(t *testing.T) {
	px := sockstest.Start(t, sockstest.Options{})
	p := scriptParams(t, "proxy", func(e *testscript.Env) error {
		e.Setenv("PROXY", px.URL())
		e.Setenv("PROXYOUT", px.OutAddr())
		return nil
	})
	p.Cmds = maps.Clone(p.Cmds)
	p.Cmds["startwitnessed"] = cmdStartWitnessed
	p.Cmds["fromproxy"] = cmdFromProxy
	testscript.Run(t, p)
}

// witnessed is what one server saw: the address of every connection it
// accepted and of every request, and the requests' paths.
type witnessed struct {
	mu      sync.Mutex
	remotes []string
	paths   []string
}

func (w *witnessed) note(remote, path string) {
	w.mu.Lock()
	w.remotes = append(w.remotes, remote)
	if path != "" {
		w.paths = append(w.paths, path)
	}
	w.mu.Unlock()
}

var witnesses sync.Map // server URL -> *witnessed

type notingListener struct {
	net.Listener
	w *witnessed
}

func (l notingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.w.note(c.RemoteAddr().String(), "")
	}
	return c, err
}

// cmdStartWitnessed is startserver whose server notes where each
// connection and request came from (see fromproxy).
//
//	startwitnessed VAR OUTBOX_DIR
func cmdStartWitnessed(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: startwitnessed VAR OUTBOX_DIR")
	}
	name, outbox := args[0], ts.MkAbs(args[1])
	logf, err := os.Create(ts.MkAbs(name + ".log"))
	ts.Check(err)
	srv, err := server.New(server.Config{
		Verifiers:      map[string]verify.Verifier{"email": &verify.Outbox{Dir: outbox}},
		AboutURL:       "https://passcrow.example.org/",
		MaxExpiration:  testMaxExpiration,
		Logger:         slog.New(slog.NewTextHandler(logf, nil)),
		ResendInterval: -1,
	})
	ts.Check(err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	w := &witnessed{}
	h := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.note(r.RemoteAddr, strings.TrimPrefix(r.URL.Path, "/passcrow/"))
		srv.ServeHTTP(rw, r)
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- server.Serve(ctx, notingListener{ln, w}, h) }()
	u := "http://" + ln.Addr().String()
	witnesses.Store(u, w)
	ts.Setenv(name, u)
	ts.Defer(func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			ts.Logf("server %s: %v", name, err)
		}
		witnesses.Delete(u)
		srv.Close()
		logf.Close()
	})
}

// cmdFromProxy checks that every connection and request the server in
// $VAR saw came from $PROXYOUT (nothing reached it directly), and that
// it saw each of the methods named.
//
//	fromproxy VAR [METHOD...]
func cmdFromProxy(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: fromproxy VAR [METHOD...]")
	}
	v, ok := witnesses.Load(ts.Getenv(args[0]))
	if !ok {
		ts.Fatalf("no witnessed server in $%s", args[0])
	}
	w := v.(*witnessed)
	w.mu.Lock()
	remotes, paths := slices.Clone(w.remotes), slices.Clone(w.paths)
	w.mu.Unlock()
	out := ts.Getenv("PROXYOUT")
	for _, r := range remotes {
		if host, _, _ := net.SplitHostPort(r); host != out {
			ts.Fatalf("server %s was reached from %s, not through the proxy (%s)", args[0], r, out)
		}
	}
	for _, m := range args[1:] {
		if !slices.Contains(paths, m) {
			ts.Fatalf("server %s saw %q, no %s", args[0], paths, m)
		}
	}
	ts.Logf("server %s: %d connections and requests, all from the proxy", args[0], len(remotes))
}
