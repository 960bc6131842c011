//go:build linux

package server_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/cli"
	"github.com/passcrow/passcrow-desktop/internal/wire"
	"github.com/passcrow/passcrow-desktop/server"
)

// crashChild makes TestCrashChild run `passcrow serve` with the arguments
// after -- instead of testing: the test binary is the server process that
// the crash harness kills.
const crashChild = "PASSCROW_CRASH_CHILD"

// TestCrashChild is the child half of the crash harness; run as a test,
// it does nothing.
func TestCrashChild(t *testing.T) {
	if os.Getenv(crashChild) != "1" {
		return
	}
	os.Exit(cli.Main(flag.Args(), os.Stdin, os.Stdout, os.Stderr))
}

// crashStore is one store under the crash harness: how `passcrow serve`
// is told to use it, and how the test opens it afterwards to count what
// is there.
type crashStore struct {
	// serveArgs and serveEnv select the store for `passcrow serve`.
	serveArgs, serveEnv []string
	// open opens the store in the test after the server is gone.
	open func(t *testing.T) server.Store
}

// crashStores are the stores TestServeKill runs on. The PostgreSQL store
// can join: serveEnv PASSCROW_SERVE_DB=<dsn>, open server.OpenPgStore.
var crashStores = map[string]func(t *testing.T) crashStore{
	"bolt": func(t *testing.T) crashStore {
		data := filepath.Join(t.TempDir(), "data")
		return crashStore{
			serveArgs: []string{"--data", data},
			open: func(t *testing.T) server.Store {
				s, err := server.OpenBoltStore(data)
				if err != nil {
					t.Fatal(err)
				}
				return s
			},
		}
	},
}

// TestServeKill: `passcrow serve` killed with SIGKILL while concurrent
// writers store escrows loses none that it acknowledged, over several
// kills and restarts on the same data. It never skips: it needs only the
// test binary.
func TestServeKill(t *testing.T) {
	for name, mk := range crashStores {
		t.Run(name, func(t *testing.T) { KillUnderLoad(t, mk(t), 3) })
	}
}

// KillUnderLoad is the crash harness: for each round it starts `passcrow
// serve` on cs, has 16 writers create escrows, kills the server with
// SIGKILL after a number of acknowledged escrows (with requests still in
// flight), and starts it again on the same data. At the end it opens the
// store and counts acknowledged escrows that are missing: there must be
// none.
func KillUnderLoad(t *testing.T, cs crashStore, rounds int) {
	dir := t.TempDir()
	logPath := filepath.Join(dir, "serve.log")
	t.Cleanup(func() {
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			t.Logf("passcrow serve log:\n%s", b)
		}
	})
	var acked []string // bare ids of escrows the server said it stored
	for round := range rounds {
		srv := startCrashServe(t, cs, dir, logPath)
		ids := writeUntilKilled(t, srv, 16, 400)
		acked = append(acked, ids...)
		<-srv.exited
		if srv.err == nil || !strings.Contains(srv.err.Error(), "killed") {
			t.Fatalf("round %d: passcrow serve ended with %v, not by SIGKILL", round, srv.err)
		}
	}
	// The server starts again on what the last kill left, and answers.
	again := startCrashServe(t, cs, dir, logPath)
	resp, err := http.Get(again.url + "/passcrow/policy")
	if err != nil {
		t.Fatalf("the restarted server: %v", err)
	}
	resp.Body.Close()
	again.stop(t)

	st := cs.open(t)
	defer st.Close()
	ctx := context.Background()
	lost := 0
	for _, id := range acked {
		if _, err := st.Escrow(ctx, id, time.Now()); err != nil {
			lost++
			if lost <= 10 {
				t.Errorf("acknowledged escrow %s: %v", id, err)
			}
		}
	}
	t.Logf("%d kills, %d escrows acknowledged, %d lost", rounds, len(acked), lost)
	if lost > 0 {
		t.Errorf("%d of %d acknowledged escrows lost", lost, len(acked))
	}
}

// writeUntilKilled runs writers that store escrows on srv until killAfter
// have been acknowledged, then kills srv while they keep writing, and
// returns the bare ids acknowledged (some after the kill was decided).
func writeUntilKilled(t *testing.T, srv *crashServe, writers int, killAfter int32) []string {
	var (
		mu    sync.Mutex
		acked []string
		n     atomic.Int32
		fails atomic.Int32 // requests refused while the server was up
		wg    sync.WaitGroup
		once  sync.Once
	)
	killed := make(chan struct{})
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: writers}}
	defer client.CloseIdleConnections()
	for range writers {
		wg.Go(func() {
			for {
				select {
				case <-killed:
					return
				default:
				}
				resp, err := client.Post(srv.url+"/passcrow/"+wire.MethodEscrow, "application/json", bytes.NewReader(crashEscrowRequest()))
				if err != nil {
					return // the server is gone
				}
				var er wire.EscrowResponse
				err = json.NewDecoder(resp.Body).Decode(&er)
				resp.Body.Close()
				if err != nil {
					return // cut off by the kill
				}
				if er.Error != "" || er.EscrowDataID == "" {
					fails.Add(1)
					continue
				}
				_, bare, _ := strings.Cut(er.EscrowDataID, "-")
				mu.Lock()
				acked = append(acked, bare)
				mu.Unlock()
				if n.Add(1) == killAfter {
					once.Do(func() {
						srv.kill() // SIGKILL with requests in flight
						close(killed)
					})
				}
			}
		})
	}
	wg.Wait()
	if fails.Load() > 0 {
		t.Errorf("%d escrow requests were refused while the server ran", fails.Load())
	}
	select {
	case <-killed:
	default:
		t.Fatalf("the writers stopped after %d escrows, before the kill", n.Load())
	}
	return acked
}

var crashListening = regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+) `)

// crashServe is one `passcrow serve` process.
type crashServe struct {
	cmd    *exec.Cmd
	url    string
	exited chan struct{} // closed once the process has been reaped
	err    error         // cmd.Wait's result, valid after exited
}

func startCrashServe(t *testing.T, cs crashStore, dir, logPath string) *crashServe {
	t.Helper()
	log, err := os.OpenFile(logPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	args := append([]string{"-test.run=^TestCrashChild$", "--",
		"serve", "--listen", "127.0.0.1:0", "--outbox", filepath.Join(dir, "outbox"),
		"--rate-limit", "0", "--max-days", "1"}, cs.serveArgs...)
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), crashChild+"=1",
		"GORACE="+strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	cmd.Env = append(cmd.Env, cs.serveEnv...)
	cmd.Stderr = log
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &crashServe{cmd: cmd, exited: make(chan struct{})}
	lines := make(chan string, 1)
	go func() {
		br := bufio.NewReader(out)
		if line, err := br.ReadString('\n'); err == nil {
			lines <- line
		}
		close(lines)
		io.Copy(io.Discard, br)
		p.err = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(p.kill)
	line := <-lines // a closed channel if the process ended first
	m := crashListening.FindStringSubmatch(line)
	if m == nil {
		b, _ := os.ReadFile(logPath)
		t.Fatalf("passcrow serve did not say where it listens (first line %q); log:\n%s", line, b)
	}
	p.url = m[1]
	return p
}

// kill sends SIGKILL to the process by its PID and waits until reaped.
func (p *crashServe) kill() {
	p.cmd.Process.Kill()
	<-p.exited
}

// stop ends the process as an operator would (SIGTERM) and waits.
func (p *crashServe) stop(t *testing.T) {
	p.cmd.Process.Signal(syscall.SIGTERM)
	<-p.exited
	if p.err != nil {
		t.Errorf("passcrow serve after SIGTERM: %v", p.err)
	}
}

// crashEscrowRequest is a free escrow request as a client makes it.
func crashEscrowRequest() []byte {
	pkey, dkey := make([]byte, 32), make([]byte, 32)
	rand.Read(pkey)
	rand.Read(dkey)
	seal := func(key []byte, v any) string {
		pt, err := wire.Marshal(v)
		if err != nil {
			panic(err)
		}
		s, err := wire.Seal(key, pt)
		if err != nil {
			panic(err)
		}
		return s
	}
	params := seal(pkey, wire.EscrowParameters{Kind: "email", Expiration: time.Now().Unix() + 3600, Payment: "free:0"})
	data := seal(dkey, wire.EscrowData{Description: "kill -9", Secret: fmt.Sprintf("%x", dkey[:8]), Verify: "email:alice@example.org", Timeout: 1800})
	b, err := wire.Marshal(wire.EscrowRequest{Version: wire.Version, Parameters: params, ParametersKey: wire.EncodeKey(pkey), EscrowData: []string{data}})
	if err != nil {
		panic(err)
	}
	return b
}
