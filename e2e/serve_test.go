//go:build linux

package e2e_test

import (
	"bufio"
	"crypto/tls"
	"encoding/pem"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/cli"
	"github.com/passcrow/passcrow-desktop/internal/mailtest"
)

// childEnv makes the test binary run the command line instead of the
// tests, so that `passcrow serve` runs as a process of its own: started
// like an operator would, stopped by PID with SIGINT.
const childEnv = "PASSCROW_E2E_CLI"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// served is a running `passcrow serve`.
type served struct {
	URL string // http://127.0.0.1:PORT
	log string // path of its stderr
}

var listening = regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+) `)

// startServe runs `passcrow serve` with its codes sent by SMTP through
// the submission service at addr in TLS mode tlsMode, logged in as user.
// The mail server's throwaway certificate is trusted with --smtp-ca-file,
// as an operator with a private CA would do.
func startServe(t *testing.T, m *mailtest.Mail, addr, tlsMode, user, password string) *served {
	t.Helper()
	dir := t.TempDir()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	ca := filepath.Join(dir, "mail-ca.pem")
	writeMailCert(t, m, ca)
	pwFile := filepath.Join(dir, "smtp-password")
	if err := os.WriteFile(pwFile, []byte(password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return startServeArgs(t,
		"--smtp-host", host, "--smtp-port", port, "--smtp-tls", tlsMode,
		"--smtp-user", user, "--smtp-password-file", pwFile,
		"--smtp-from", "Passcrow E2E <noreply@passcrow.test>",
		"--smtp-ca-file", ca,
		// The free tier covers a day: no hashcash to solve.
		"--max-days", "1",
	)
}

// startServeArgs runs `passcrow serve` as a process of its own with args
// after --listen and --data, and stops it by PID with SIGINT at the end.
func startServeArgs(t *testing.T, args ...string) *served {
	t.Helper()
	dir := t.TempDir()
	logPath := filepath.Join(dir, "serve.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close() // the child has its own copy

	cmd := exec.Command(os.Args[0], append([]string{"serve", "--listen", "127.0.0.1:0", "--data", filepath.Join(dir, "data")}, args...)...)
	cmd.Env = append(os.Environ(), childEnv+"=1",
		// A race-enabled binary otherwise waits a second before exiting.
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
		io.Copy(io.Discard, br) // so the child never blocks on stdout
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		// Graceful shutdown on SIGINT, like Ctrl-C: exit status 0.
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			t.Errorf("stopping passcrow serve (pid %d): %v", cmd.Process.Pid, err)
		}
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("passcrow serve exited with %v after SIGINT", err)
			}
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-exited
			t.Errorf("passcrow serve (pid %d) did not stop within 15 s of SIGINT; killed", cmd.Process.Pid)
		}
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			t.Logf("passcrow serve log:\n%s", b)
		}
	})

	select {
	case line, ok := <-lines:
		mm := listening.FindStringSubmatch(line)
		if !ok || mm == nil {
			b, _ := os.ReadFile(logPath)
			t.Fatalf("passcrow serve did not say where it listens (first line %q); log:\n%s", line, b)
		}
		return &served{URL: mm[1], log: logPath}
	case <-time.After(30 * time.Second):
		t.Fatal("passcrow serve did not start listening within 30 s")
	}
	return nil
}

// writeMailCert saves the certificate the mail server presents, after
// checking it against mailtest's pool, as PEM for --smtp-ca-file.
func writeMailCert(t *testing.T, m *mailtest.Mail, path string) {
	t.Helper()
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}, "tcp", m.SubmissionsAddr(),
		&tls.Config{RootCAs: m.CertPool(), ServerName: "127.0.0.1"})
	if err != nil {
		t.Fatalf("fetching the mail server's certificate: %v", err)
	}
	defer conn.Close()
	certs := conn.ConnectionState().PeerCertificates
	if len(certs) == 0 {
		t.Fatal("the mail server presented no certificate")
	}
	b := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: certs[0].Raw})
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// assertLogClean fails when the server's log holds any of the secrets.
func (s *served) assertLogClean(t *testing.T, secrets ...string) {
	t.Helper()
	b, err := os.ReadFile(s.log)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range secrets {
		if v != "" && strings.Contains(string(b), v) {
			t.Errorf("the server log holds %q", v)
		}
	}
}

// run runs one passcrow command in this process with --home, and returns
// its stdout and exit code; stderr is logged.
func run(t *testing.T, home string, args ...string) (string, int) {
	t.Helper()
	var stdout, stderr strings.Builder
	args = append(args, "--home", home)
	code := cli.Main(args, strings.NewReader(""), &stdout, &stderr)
	t.Logf("passcrow %s => exit %d\n%s", strings.Join(args, " "), code, stderr.String())
	return stdout.String(), code
}

// mustRun is run that fails the test unless the exit code is want.
func mustRun(t *testing.T, want int, home string, args ...string) string {
	t.Helper()
	out, code := run(t, home, args...)
	if code != want {
		t.Fatalf("passcrow %s: exit %d, want %d; stdout:\n%s", args[0], code, want, out)
	}
	return out
}
