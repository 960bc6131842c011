// Package sockstest runs a real SOCKS5 proxy for tests: Debian's
// microsocks, on a free loopback port, stopped by its PID when the test
// ends. Its outgoing connections leave from their own loopback address
// (127.0.0.2 unless told otherwise), so a server can tell a connection
// that came through the proxy from one that did not; and it can resolve
// names of its own (a private /etc/hosts in a mount namespace of its
// own), so a test can show that a name went to the proxy unresolved.
package sockstest

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/testreal"
)

// DefaultOutAddr is where the proxy's connections come from.
const DefaultOutAddr = "127.0.0.2"

// Options are how a proxy starts.
type Options struct {
	// OutAddr is the address its outgoing connections are bound to; ""
	// is DefaultOutAddr.
	OutAddr string
	// Hosts are names only the proxy resolves, to IP addresses. They
	// need a mount namespace (unshare, as root).
	Hosts map[string]string
}

// A Proxy is a running microsocks.
type Proxy struct {
	addr, out, log string
}

// Start starts microsocks for t and stops it when t ends. Without
// microsocks (or, with Hosts, without a mount namespace), t is skipped,
// or fails under CI=true.
func Start(t testing.TB, o Options) *Proxy {
	t.Helper()
	bin, err := exec.LookPath("microsocks")
	testreal.Require(t, "microsocks (Debian package microsocks, scripts/deps.sh)", err)
	if o.OutAddr == "" {
		o.OutAddr = DefaultOutAddr
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // free until someone else takes it: rare here, and then microsocks fails to start and says so
	host, port, _ := net.SplitHostPort(addr)
	dir := t.TempDir()
	p := &Proxy{addr: addr, out: o.OutAddr, log: filepath.Join(dir, "microsocks.log")}
	argv := []string{bin, "-i", host, "-p", port, "-b", o.OutAddr}
	if len(o.Hosts) > 0 {
		argv = withHosts(t, dir, o.Hosts, argv)
	}
	log, err := os.Create(p.log)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close() // the child has its own copy
	cmd := exec.Command(argv[0], argv[1:]...)
	// A file, not a pipe: what microsocks wrote before it answered a
	// client is in the file by the time the client has the answer.
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = procAttr()
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting microsocks: %v", err)
	}
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		select {
		case <-exited:
			return
		default:
		}
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	})
	if err := waitListening(addr, exited); err != nil {
		t.Fatalf("%v; its log: %s", err, p.readLog())
	}
	return p
}

// withHosts runs microsocks in a mount namespace of its own, where
// /etc/hosts is a file with hosts: only the proxy resolves those names.
func withHosts(t testing.TB, dir string, hosts map[string]string, argv []string) []string {
	t.Helper()
	unshare, err := exec.LookPath("unshare")
	if err == nil {
		// Can this process make a mount namespace at all (root, and a
		// container that allows it)?
		err = exec.Command(unshare, "--mount", "true").Run()
	}
	testreal.Require(t, "a mount namespace for the proxy's own /etc/hosts (unshare --mount, as root)", err)
	var b strings.Builder
	for name, ip := range hosts {
		fmt.Fprintf(&b, "%s %s\n", ip, name)
	}
	file := filepath.Join(dir, "hosts")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	// unshare makes the namespace's mounts private, so the bind mount
	// is seen by nothing but the proxy; exec keeps the PID.
	script := `mount --bind "$1" /etc/hosts && shift && exec "$@"`
	return append([]string{unshare, "--mount", "--", "sh", "-c", script, "sh", file}, argv...)
}

func waitListening(addr string, exited <-chan struct{}) error {
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("microsocks is not listening on %s: %w", addr, err)
		}
		select {
		case <-exited:
			return errors.New("microsocks exited before listening")
		case <-tick.C:
		}
	}
}

// Addr is the proxy's host:port.
func (p *Proxy) Addr() string { return p.addr }

// URL is the proxy as a socks5h:// URL.
func (p *Proxy) URL() string { return "socks5h://" + p.addr }

// OutAddr is the address the proxy's connections come from.
func (p *Proxy) OutAddr() string { return p.out }

// connected is microsocks' line for each connection it made:
// "client[4] 127.0.0.1: connected to example.com:443".
var connected = regexp.MustCompile(`: connected to (\S+)$`)

// Connections lists, in order, the HOST:PORT of every connection the
// proxy made, as the client named it (a name stays a name).
func (p *Proxy) Connections(t testing.TB) []string {
	t.Helper()
	f, err := os.Open(p.log)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	s := bufio.NewScanner(f)
	for s.Scan() {
		if m := connected.FindStringSubmatch(s.Text()); m != nil {
			out = append(out, m[1])
		}
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func (p *Proxy) readLog() string {
	b, _ := os.ReadFile(p.log)
	return strings.TrimSpace(string(b))
}
