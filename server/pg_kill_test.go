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

	"github.com/jackc/pgx/v5"
	"github.com/passcrow/passcrow-desktop/cli"
	"github.com/passcrow/passcrow-desktop/internal/pgtest"
	"github.com/passcrow/passcrow-desktop/internal/wire"
	"github.com/passcrow/passcrow-desktop/server"
)

// pgServeChild makes TestPgServeChild run `passcrow serve` with the
// arguments after -- instead of testing: the test binary is the server
// process that TestPgServeKill kills.
const pgServeChild = "PASSCROW_PG_SERVE_CHILD"

// TestPgServeChild is the child half of TestPgServeKill; run as a test,
// it does nothing.
func TestPgServeChild(t *testing.T) {
	if os.Getenv(pgServeChild) != "1" {
		return
	}
	os.Exit(cli.Main(flag.Args(), os.Stdin, os.Stdout, os.Stderr))
}

var pgListening = regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+) `)

// pgServe is one `passcrow serve --db` process.
type pgServe struct {
	cmd    *exec.Cmd
	url    string
	exited chan struct{} // closed once the process has been reaped
	err    error         // cmd.Wait's result, valid after exited
}

// startPgServe runs `passcrow serve` on dsn, given as an operator would
// keep it off the command line: in PASSCROW_SERVE_DB.
func startPgServe(t *testing.T, dsn, dir, logPath string) *pgServe {
	t.Helper()
	log, err := os.OpenFile(logPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestPgServeChild$", "--",
		"serve", "--listen", "127.0.0.1:0", "--outbox", filepath.Join(dir, "outbox"),
		"--rate-limit", "0", "--max-days", "1")
	cmd.Env = append(os.Environ(), pgServeChild+"=1", "PASSCROW_SERVE_DB="+dsn,
		"GORACE="+strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	cmd.Stderr = log
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &pgServe{cmd: cmd, exited: make(chan struct{})}
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
	t.Cleanup(func() { p.kill() })
	select {
	case line := <-lines:
		m := pgListening.FindStringSubmatch(line)
		if m == nil {
			b, _ := os.ReadFile(logPath)
			t.Fatalf("passcrow serve --db did not say where it listens (first line %q); log:\n%s", line, b)
		}
		if !strings.Contains(line, "postgresql://127.0.0.1:") || strings.Contains(line, pgtest.User) {
			t.Errorf("the first line names the database wrongly, or its user: %q", line)
		}
		p.url = m[1]
	case <-time.After(2 * time.Minute):
		t.Fatal("passcrow serve --db did not start listening within 2 minutes")
	}
	return p
}

// kill sends SIGKILL to the process by its PID (os.Process will not
// signal one it has reaped) and waits for it to be reaped.
func (p *pgServe) kill() {
	p.cmd.Process.Kill()
	<-p.exited
}

// TestPgServeKill: `passcrow serve --db` killed with SIGKILL while
// writers are storing escrows loses none that it acknowledged, and
// starts again on the same database.
func TestPgServeKill(t *testing.T) {
	dsn := pgtest.DB(t)
	dir := t.TempDir()
	logPath := filepath.Join(dir, "serve.log")
	t.Cleanup(func() {
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			t.Logf("passcrow serve log:\n%s", b)
		}
	})
	srv := startPgServe(t, dsn, dir, logPath)

	const writers, killAfter = 8, 300
	var (
		mu    sync.Mutex
		acked []string // bare ids of escrows the server said it stored
		n     atomic.Int32
		wg    sync.WaitGroup
		fails atomic.Int32 // requests refused while the server was up
	)
	killed := make(chan struct{})
	client := &http.Client{Timeout: time.Minute}
	for range writers {
		wg.Go(func() {
			for {
				select {
				case <-killed:
					return
				default:
				}
				body := pgEscrowRequest()
				resp, err := client.Post(srv.url+"/passcrow/"+wire.MethodEscrow, "application/json", bytes.NewReader(body))
				if err != nil {
					return // the server is gone
				}
				var er wire.EscrowResponse
				err = json.NewDecoder(resp.Body).Decode(&er)
				resp.Body.Close()
				if err != nil || er.Error != "" || er.EscrowDataID == "" {
					fails.Add(1)
					continue
				}
				_, bare, _ := strings.Cut(er.EscrowDataID, "-")
				mu.Lock()
				acked = append(acked, bare)
				mu.Unlock()
				if n.Add(1) == killAfter {
					srv.kill() // SIGKILL with requests in flight
					close(killed)
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
	<-srv.exited
	if srv.err == nil || !strings.Contains(srv.err.Error(), "killed") {
		t.Fatalf("passcrow serve ended with %v, not by SIGKILL", srv.err)
	}

	// Restarted on the same database (migrations are then a no-op),
	// every acknowledged escrow is there.
	again := startPgServe(t, dsn, dir, logPath)
	resp, err := http.Get(again.url + "/passcrow/policy")
	if err != nil {
		t.Fatalf("the restarted server: %v", err)
	}
	resp.Body.Close()
	ctx := context.Background()
	st, err := server.OpenPgStore(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	lost := 0
	for _, id := range acked {
		if _, err := st.Escrow(ctx, id, time.Now()); err != nil {
			lost++
			t.Errorf("acknowledged escrow %s: %v", id, err)
		}
	}
	t.Logf("%d escrows acknowledged before and during the kill, %d lost", len(acked), lost)
}

// pgEscrowRequest is a free escrow request as a client makes it.
func pgEscrowRequest() []byte {
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

// TestPgServeCheckConfig: serve --check-config with a database names
// it and changes nothing in it: instances running on it go on with the
// schema they know.
func TestPgServeCheckConfig(t *testing.T) {
	dsn := pgtest.DB(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestPgServeChild$", "--",
		"serve", "--check-config", "--outbox", filepath.Join(t.TempDir(), "outbox"))
	cmd.Env = append(os.Environ(), pgServeChild+"=1", "PASSCROW_SERVE_DB="+dsn)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("serve --check-config: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "postgresql") {
		t.Errorf("the check does not say it would use PostgreSQL:\n%s", out)
	}
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var tables int
	if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Errorf("the check made %d tables", tables)
	}

	// A bad connection string is refused without repeating it.
	cmd = exec.Command(os.Args[0], "-test.run=^TestPgServeChild$", "--",
		"serve", "--check-config", "--outbox", filepath.Join(t.TempDir(), "outbox"))
	cmd.Env = append(os.Environ(), pgServeChild+"=1", "PASSCROW_SERVE_DB=postgres://passcrow:hunter2-secret@[::1/x")
	out, err = cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "does not parse") || strings.Contains(string(out), "hunter2") {
		t.Errorf("bad connection string: %v\n%s", err, out)
	}
}
