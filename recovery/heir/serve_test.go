//go:build linux

package heir_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/cli"
	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/heir"
	"github.com/passcrow/passcrow-desktop/recovery/media"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// childEnv makes the test binary run the command line instead of the
// tests, so that `passcrow serve` runs as a process of its own, started
// as an operator would start it and stopped by PID with SIGINT.
const childEnv = "PASSCROW_HEIR_TEST_CLI"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

var listening = regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+) `)

// serve runs `passcrow serve` on addr with its data in dataDir (bbolt)
// and its mail as files in outbox, and returns its URL and a func that
// stops it with SIGINT and waits for it.
func serve(t *testing.T, addr, dataDir, outbox string) (string, func()) {
	t.Helper()
	logPath := filepath.Join(t.TempDir(), "serve.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	cmd := exec.Command(os.Args[0], "serve", "--listen", addr, "--data", dataDir, "--outbox", outbox)
	cmd.Env = append(os.Environ(), childEnv+"=1",
		"GORACE="+strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	cmd.Stderr = logFile
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	lines := make(chan string, 1)
	go func() {
		br := bufio.NewReader(out)
		if line, err := br.ReadString('\n'); err == nil {
			lines <- line
		}
		close(lines)
		io.Copy(io.Discard, br)
		exited <- cmd.Wait()
	}()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			t.Errorf("stopping passcrow serve (pid %d): %v", cmd.Process.Pid, err)
		}
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("passcrow serve exited with %v after SIGINT", err)
			}
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-exited
			t.Errorf("passcrow serve (pid %d) did not stop after SIGINT; killed", cmd.Process.Pid)
		}
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			t.Logf("passcrow serve log:\n%s", b)
		}
	}
	t.Cleanup(stop)
	select {
	case line := <-lines:
		m := listening.FindStringSubmatch(line)
		if m == nil {
			b, _ := os.ReadFile(logPath)
			t.Fatalf("passcrow serve said %q; log:\n%s", line, b)
		}
		return m[1], stop
	case <-time.After(60 * time.Second):
		t.Fatal("passcrow serve did not start listening")
	}
	return "", nil
}

// freeAddr is a loopback address with a port nothing listens on now, so
// that the server keeps its address (and the pack its server name)
// across a restart.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// mails reads the outbox: for each message, its recipient and either the
// code it carries or the notice event.
func mails(t *testing.T, outbox string) (codes map[string][]string, notices []string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(outbox, "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files) // the names start with the time sent
	codes = map[string][]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		to := ""
		for line := range strings.Lines(string(b)) {
			if v, ok := strings.CutPrefix(line, "To: "); ok {
				to = strings.TrimSpace(v)
				break
			}
		}
		if ev, ok := verify.ReadNotice(string(b)); ok {
			notices = append(notices, ev+" "+to)
		} else if code, ok := verify.ReadCode(string(b)); ok {
			codes[to] = append(codes[to], code)
		}
	}
	return codes, notices
}

// TestHeirAcrossServerRestart runs `passcrow serve` as a process with its
// bbolt store and an outbox: an heir's verified code starts the wait and
// the owner's notice is written; the server is stopped and started
// again; the wait is still pending, to the second, the heir is still
// refused, and the owner's cancel works on the restarted server.
func TestHeirAcrossServerRestart(t *testing.T) {
	ctx := context.Background()
	addr, dataDir, outbox := freeAddr(t), t.TempDir(), t.TempDir()
	url, stop := serve(t, addr, dataDir, outbox)

	client := func() *recovery.Client {
		c, err := recovery.NewClient(url)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	loc, err := heir.NewLocation(client(), heir.Options{Heir: "email:" + heirAddr, Notify: "email:" + ownerAddr, DelayDays: 14})
	if err != nil {
		t.Fatal(err)
	}
	keepers := recovery.NewKeepers(media.Keeper{}, &heir.Keeper{})
	p, err := recovery.Protect(ctx, recovery.ProtectRequest{
		Name: "wallet", Secret: []byte("s"), Policy: recovery.NofM(2),
		Locations: []recovery.Location{&media.Location{Dir: t.TempDir()}, loc, &media.Location{Dir: t.TempDir()}},
		Expires:   time.Now().Add(30 * 24 * time.Hour),
		Keepers:   keepers,
	})
	if err != nil {
		t.Fatal(err)
	}

	c, err := heir.NewClaimant(loc.Sheet().String())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Begin(ctx, "en"); err != nil {
		t.Fatal(err)
	}
	codes, _ := mails(t, outbox)
	_, err = c.Claim(ctx, codes[heirAddr][0])
	until := pendingUntil(t, err)
	if d := time.Until(until); d < 13*24*time.Hour || d > 14*24*time.Hour {
		t.Fatalf("pending until %v, %v from now", until, d)
	}
	if _, notices := mails(t, outbox); !slices.Equal(notices, []string{"claim-started " + ownerAddr}) {
		t.Fatalf("notices %q", notices)
	}

	stop()
	url2, _ := serve(t, addr, dataDir, outbox)
	if url2 != url {
		t.Fatalf("restarted at %s, not %s", url2, url)
	}
	c, err = heir.NewClaimant(loc.Sheet().String()) // a fresh start, too
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.Status(ctx)
	if err != nil || !st.Pending() || !st.ReleaseAt.Equal(until) {
		t.Fatalf("after the restart: %+v %v, want pending until %v", st, err, until)
	}
	if _, err := c.Begin(ctx, "en"); !errors.Is(err, heir.ErrReleasePending) {
		t.Fatalf("Begin after the restart: %v", err)
	}
	stopped, err := (&heir.Keeper{}).Cancel(ctx, p.Records[1])
	if err != nil || !stopped {
		t.Fatalf("the owner's cancel after the restart: %v %v", stopped, err)
	}
	if st, err := c.Status(ctx); err != nil || st.Pending() || !st.Present {
		t.Fatalf("after the cancel: %+v %v", st, err)
	}
}
