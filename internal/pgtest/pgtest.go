//go:build linux

// Package pgtest runs a real PostgreSQL server for tests, from Debian's
// packages: initdb into a temporary directory, postgres on a free port
// of 127.0.0.1, stopped by its PID when the last test using it ends.
// Tests share one server and each gets a database of its own
// (CREATE DATABASE is fast; initdb is not).
//
// PostgreSQL refuses to run as root: as root, pgtest runs initdb and
// postgres as the postgres user (the package makes it) in a directory
// that user owns; as anyone else, as that user. When the binaries or
// the user are missing, the test skips, or fails with CI=true (see
// testreal.Require).
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/passcrow/passcrow-desktop/internal/testreal"
)

// User is the superuser initdb makes; trusted without a password, on
// 127.0.0.1 only.
const User = "passcrow"

// startTimeout bounds initdb plus postgres's start; it is generous for a
// loaded CI machine.
const startTimeout = 2 * time.Minute

// Server is a running PostgreSQL.
type Server struct {
	dir    string // temporary; holds data/, the socket and the log
	bin    string // of initdb and postgres
	cred   *syscall.Credential
	port   int
	cmd    *exec.Cmd
	exited chan struct{}
	err    error // cmd.Wait's result, valid after exited

	mu  sync.Mutex
	dbs int // databases made so far, for their names
}

// The server shared by the tests of one process, and how many tests
// hold it.
var shared struct {
	mu   sync.Mutex
	srv  *Server
	refs int
}

// Start returns the process's PostgreSQL server, starting it if no test
// holds one, and lets go of it when t ends; the last test to let go
// stops it. A package whose PostgreSQL tests are subtests of one test
// thus starts it once.
func Start(t testing.TB) *Server {
	t.Helper()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.srv == nil {
		srv, err := start(t)
		if err != nil {
			t.Fatalf("pgtest: %v", err)
		}
		shared.srv = srv
	}
	shared.refs++
	srv := shared.srv
	t.Cleanup(func() {
		shared.mu.Lock()
		defer shared.mu.Unlock()
		if shared.refs--; shared.refs > 0 {
			return
		}
		shared.srv = nil
		if err := srv.stop(); err != nil {
			t.Errorf("pgtest: %v", err)
		}
		if t.Failed() {
			t.Logf("pgtest: postgres log\n%s", srv.Log())
		}
		if err := os.RemoveAll(srv.dir); err != nil {
			t.Errorf("pgtest: %v", err)
		}
	})
	return srv
}

// DB starts (or shares) the server and makes a database for t: a
// shorthand for Start(t).NewDB(t).
func DB(t testing.TB) string {
	t.Helper()
	return Start(t).NewDB(t)
}

// Addr is the server's host:port.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// DSN names database db on the server, as User, without TLS.
func (s *Server) DSN(db string) string {
	return fmt.Sprintf("postgres://%s@%s/%s?sslmode=disable", User, s.Addr(), db)
}

// NewDB creates an empty database, dropped when t ends (connections
// still open then are closed by force), and returns its DSN.
func (s *Server) NewDB(t testing.TB) string {
	t.Helper()
	s.mu.Lock()
	s.dbs++
	name := fmt.Sprintf("t%d", s.dbs)
	s.mu.Unlock()
	if err := s.admin("CREATE DATABASE " + name); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		if err := s.admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: %v", err)
		}
	})
	return s.DSN(name)
}

// admin runs one statement in the postgres database.
func (s *Server) admin(sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := pgx.Connect(ctx, s.DSN("postgres"))
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, sql); err != nil {
		return fmt.Errorf("%s: %w", sql, err)
	}
	return nil
}

// Log is what postgres wrote so far.
func (s *Server) Log() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "postgres.log"))
	return string(b)
}

// binDir finds initdb and postgres: in PATH, or in the newest
// /usr/lib/postgresql/N/bin (Debian does not put them in PATH).
func binDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Dir(real), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int {
		va, _ := strconv.Atoi(filepath.Base(filepath.Dir(a)))
		vb, _ := strconv.Atoi(filepath.Base(filepath.Dir(b)))
		return vb - va
	})
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", errors.New("initdb not found in PATH or /usr/lib/postgresql/*/bin (package postgresql)")
}

// runAs is who runs initdb and postgres: nil for this process's user,
// else the postgres user (we are root).
func runAs() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("as root, PostgreSQL must run as the postgres user: %w", err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("user postgres has uid %q, gid %q", u.Uid, u.Gid)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}, nil
}

func start(t testing.TB) (*Server, error) {
	bin, err := binDir()
	if err != nil {
		testreal.Require(t, "pgtest: PostgreSQL", err)
		return nil, err
	}
	cred, err := runAs()
	if err != nil {
		testreal.Require(t, "pgtest: the postgres user", err)
		return nil, err
	}
	// Not t.TempDir: the postgres user must own it, and the socket's
	// path must stay short. As root, in /tmp: $TMPDIR may be a place
	// the postgres user cannot reach.
	base := ""
	if cred != nil {
		base = "/tmp"
	}
	dir, err := os.MkdirTemp(base, "pcpg-")
	if err != nil {
		return nil, err
	}
	s := &Server{dir: dir, bin: bin, cred: cred}
	if err := s.initdb(bin, cred); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	// A free port can be taken by someone else before postgres binds it;
	// then postgres exits at once and another port is tried.
	for try := 1; ; try++ {
		err = s.run(bin, cred, 0)
		if err == nil || try == 3 || !strings.Contains(s.Log(), "could not bind") {
			break
		}
	}
	if err != nil {
		err = fmt.Errorf("%w\npostgres log:\n%s", err, s.Log())
		os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

// command makes a command of bin/name that runs as cred, in a process
// group of its own, and dies with the test binary.
func (s *Server) command(bin string, cred *syscall.Credential, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(bin, name), args...)
	cmd.Dir = s.dir
	cmd.Env = []string{"PATH=" + bin + ":/usr/bin:/bin", "LC_ALL=C", "TZ=UTC", "HOME=" + s.dir}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Setpgid: true, Pdeathsig: syscall.SIGKILL}
	return cmd
}

func (s *Server) initdb(bin string, cred *syscall.Credential) error {
	if cred != nil {
		if err := os.Chown(s.dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return err
		}
	}
	// --no-sync: a test's cluster need not survive a power cut, and
	// syncing it costs seconds.
	cmd := s.command(bin, cred, "initdb", "-D", filepath.Join(s.dir, "data"), "-A", "trust", "-U", User,
		"-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("initdb: %w\n%s", err, out)
	}
	return nil
}

// run starts postgres on port, or a free one if port is 0, and waits
// until it takes connections.
func (s *Server) run(bin string, cred *syscall.Credential, port int) error {
	s.port = port
	if port == 0 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return fmt.Errorf("finding a free port: %w", err)
		}
		s.port = l.Addr().(*net.TCPAddr).Port
		l.Close()
	}
	log, err := os.OpenFile(filepath.Join(s.dir, "postgres.log"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer log.Close() // the child has its own copy
	s.cmd = s.command(bin, cred, "postgres", "-D", filepath.Join(s.dir, "data"), "-k", s.dir,
		"-p", strconv.Itoa(s.port), "-c", "listen_addresses=127.0.0.1", "-c", "shared_buffers=32MB")
	s.cmd.Stdout, s.cmd.Stderr = log, log
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("starting postgres: %w", err)
	}
	s.exited = make(chan struct{})
	go func() {
		s.err = s.cmd.Wait()
		close(s.exited)
	}()
	return s.waitReady(time.Now().Add(startTimeout))
}

// waitReady polls with a real connection until one succeeds (a port
// that accepts TCP may still answer "the database system is starting
// up"), postgres exits, or the deadline passes.
func (s *Server) waitReady(deadline time.Time) error {
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		c, err := pgx.Connect(ctx, s.DSN("postgres"))
		if err == nil {
			c.Close(ctx)
			cancel()
			return nil
		}
		cancel()
		if time.Now().After(deadline) {
			s.stop()
			return fmt.Errorf("postgres took no connection on %s within %v: %w", s.Addr(), startTimeout, err)
		}
		select {
		case <-s.exited:
			return fmt.Errorf("postgres exited before taking connections: %v", s.err)
		case <-tick.C:
		}
	}
}

// stop ends postgres by its PID with a fast shutdown (SIGINT: open
// connections are closed, not waited for), or SIGKILL to its process
// group if it takes more than half a minute.
func (s *Server) stop() error {
	pid := s.cmd.Process.Pid
	select {
	case <-s.exited:
		return nil
	default:
	}
	syscall.Kill(pid, syscall.SIGINT)
	select {
	case <-s.exited:
		return nil
	case <-time.After(30 * time.Second):
		syscall.Kill(-pid, syscall.SIGKILL)
		<-s.exited
		return fmt.Errorf("postgres (pid %d) ignored a fast shutdown for 30s; killed", pid)
	}
}
