//go:build linux

package mailtest

import (
	"crypto/x509"
	_ "embed"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/testreal"
)

var (
	//go:embed dovecot.conf.in
	dovecotConf string
	//go:embed smtpd.conf.in
	smtpdConf string
	//go:embed submission.conf.in
	submissionConf string
)

// startTimeout bounds how long each server may take to listen.
const startTimeout = 20 * time.Second

// Mail is a running Dovecot + OpenSMTPD pair.
type Mail struct {
	t                       testing.TB
	uid, gid                string // of nobody, who owns the mail
	dir                     string
	smtp, imap, lmtp, imaps string // host:port
	submission, submissions string // host:port, or "" without dovecot-submissiond
	pool                    *x509.CertPool
	mu                      sync.Mutex // serialises AddUser
	users                   map[string]bool
}

// Start runs Dovecot and OpenSMTPD for the test and stops both when it
// ends. When either binary is missing, or the test does not run as root
// (OpenSMTPD's privilege separation needs it), it skips the test, or
// fails it with CI=true (see testreal.Require).
func Start(t testing.TB) *Mail {
	t.Helper()
	dovecot, smtpd := findBinary("dovecot"), findBinary("smtpd")
	if dovecot == "" || smtpd == "" {
		testreal.Require(t, "mailtest: Dovecot and OpenSMTPD", errors.New("dovecot or smtpd not found (packages dovecot-imapd dovecot-lmtpd opensmtpd)"))
	}
	if os.Geteuid() != 0 {
		testreal.Require(t, "mailtest: root", errors.New("OpenSMTPD and Dovecot (mail owned by nobody) must run as root"))
	}
	nobody, err := user.Lookup("nobody")
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}

	lockFile, err := lock(t)
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	t.Cleanup(func() { lockFile.Close() }) // runs last: after both are stopped

	// Not t.TempDir: Dovecot's helpers run as nobody and dovecot and need
	// to reach the directory, and socket paths must stay short.
	dir, err := os.MkdirTemp("", "pcmail-")
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	t.Cleanup(func() {
		if err := os.RemoveAll(dir); err != nil {
			t.Errorf("mailtest: %v", err)
		}
	})
	m := &Mail{t: t, dir: dir, uid: nobody.Uid, gid: nobody.Gid}
	t.Cleanup(func() { // runs after both servers have stopped
		if t.Failed() {
			t.Logf("mailtest: server logs\n%s", m.logs("dovecot.out", "dovecot.log", "smtpd.log"))
		}
	})

	ports, err := freePorts(6)
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	m.smtp, m.imap, m.lmtp, m.imaps = ports[0], ports[1], ports[2], ports[5]
	withSubmission := hasSubmission(dovecot)
	if withSubmission {
		m.submission, m.submissions = ports[3], ports[4]
	}
	port := func(a string) string { _, p, _ := net.SplitHostPort(a); return p }
	r := strings.NewReplacer(
		"@DIR@", dir, "@NAME@", "pcmail-"+port(m.imap),
		"@UID@", nobody.Uid, "@GID@", nobody.Gid,
		"@SMTP_PORT@", port(m.smtp), "@IMAP_PORT@", port(m.imap), "@LMTP_PORT@", port(m.lmtp),
		"@IMAPS_PORT@", port(m.imaps),
		"@SUBMISSION_PORT@", port(ports[3]), "@SUBMISSIONS_PORT@", port(ports[4]),
	)
	if err := m.prepare(r, nobody, withSubmission); err != nil {
		t.Fatalf("mailtest: %v", err)
	}

	deadline := time.Now().Add(startTimeout)
	dv, err := startDaemon("dovecot", filepath.Join(dir, "dovecot.out"),
		dovecot, "-F", "-c", filepath.Join(dir, "dovecot.conf"))
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	t.Cleanup(func() { stopLogged(t, dv) })
	listening := []string{m.imap, m.imaps, m.lmtp}
	if withSubmission {
		listening = append(listening, m.submission, m.submissions)
	}
	if err := dv.waitListening(deadline, listening...); err != nil {
		t.Fatalf("mailtest: %v\n%s", err, m.logs("dovecot.out", "dovecot.log"))
	}

	sd, err := startDaemon("smtpd", filepath.Join(dir, "smtpd.log"),
		smtpd, "-d", "-f", filepath.Join(dir, "smtpd.conf"))
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	t.Cleanup(func() { stopLogged(t, sd) })
	if err := sd.waitListening(deadline, m.smtp); err != nil {
		t.Fatalf("mailtest: %v\n%s", err, m.logs("smtpd.log"))
	}
	// The queue is the machine's, not this instance's: mail left there by
	// a test process that was killed mid-delivery would otherwise arrive
	// in these mailboxes. We hold the lock, so nothing else is queued.
	if out, err := exec.Command(filepath.Join(filepath.Dir(smtpd), "smtpctl"), "remove", "all").CombinedOutput(); err != nil {
		t.Logf("mailtest: emptying the OpenSMTPD queue: %v: %s", err, out)
	}
	return m
}

func stopLogged(t testing.TB, d *daemon) {
	start := time.Now()
	if err := d.stop(); err != nil {
		t.Errorf("mailtest: %v", err)
	}
	t.Logf("mailtest: %s stopped in %v", d.name, time.Since(start).Round(time.Millisecond))
}

// prepare writes the configs, the empty directory of passwd-files, the
// certificate, and the mail directory nobody writes into.
func (m *Mail) prepare(r *strings.Replacer, nobody *user.User, withSubmission bool) error {
	uid, _ := strconv.Atoi(nobody.Uid)
	gid, _ := strconv.Atoi(nobody.Gid)
	if err := os.Chmod(m.dir, 0o755); err != nil {
		return err
	}
	if err := os.Mkdir(filepath.Join(m.dir, "mail"), 0o700); err != nil {
		return err
	}
	if err := os.Chown(filepath.Join(m.dir, "mail"), uid, gid); err != nil {
		return err
	}
	if err := os.Mkdir(filepath.Join(m.dir, "users"), 0o755); err != nil {
		return err
	}
	pool, err := writeCert(filepath.Join(m.dir, "tls"))
	if err != nil {
		return err
	}
	m.pool = pool
	conf := dovecotConf
	if withSubmission {
		conf += submissionConf
	}
	for name, text := range map[string]string{
		"dovecot.conf": r.Replace(conf),
		"smtpd.conf":   r.Replace(smtpdConf),
	} {
		if err := os.WriteFile(filepath.Join(m.dir, name), []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// logs returns the named log files, for a failure message.
func (m *Mail) logs(names ...string) string {
	var b strings.Builder
	for _, n := range names {
		data, _ := os.ReadFile(filepath.Join(m.dir, n))
		fmt.Fprintf(&b, "--- %s ---\n%s", n, data)
	}
	return b.String()
}

// SMTPAddr is where OpenSMTPD takes mail for any user: plain SMTP, no
// AUTH.
func (m *Mail) SMTPAddr() string { return m.smtp }

// SubmissionAddr is Dovecot's submission service: SMTP with STARTTLS and
// AUTH as a user added with AddUser, relaying to SMTPAddr. It is "" when
// dovecot-submissiond is not installed.
func (m *Mail) SubmissionAddr() string { return m.submission }

// NeedSubmission skips t, or fails it with CI=true, unless Dovecot's
// submission service (SMTP with STARTTLS, implicit TLS and AUTH) runs.
func (m *Mail) NeedSubmission(t testing.TB) {
	t.Helper()
	if m.submission == "" {
		testreal.Require(t, "mailtest: Dovecot's submission service", errors.New("dovecot-submissiond is not installed: no SMTP server with TLS and AUTH"))
	}
}

// SubmissionsAddr is the same service with implicit TLS ("SMTPS"), or "".
func (m *Mail) SubmissionsAddr() string { return m.submissions }

// IMAPAddr is Dovecot's IMAP port: plaintext login allowed, STARTTLS
// offered.
func (m *Mail) IMAPAddr() string { return m.imap }

// IMAPSAddr is Dovecot's IMAP port with implicit TLS.
func (m *Mail) IMAPSAddr() string { return m.imaps }

// CertPool trusts the throwaway certificate of IMAPSAddr, STARTTLS on
// IMAPAddr, SubmissionAddr and SubmissionsAddr, issued for localhost and
// 127.0.0.1.
func (m *Mail) CertPool() *x509.CertPool { return m.pool }

// AddUser creates a mailbox, failing the test if it cannot: the user gets
// mail sent to name@ any domain and logs in over IMAP as name with
// password.
func (m *Mail) AddUser(name, password string) {
	m.t.Helper()
	if err := m.addUser(name, password, ""); err != nil {
		m.t.Fatalf("mailtest: %v", err)
	}
}

// AddUserQuota is AddUser for a mailbox that holds at most quotaKiB
// kibibytes of mail: Dovecot refuses more with [OVERQUOTA].
func (m *Mail) AddUserQuota(name, password string, quotaKiB int) {
	m.t.Helper()
	if quotaKiB <= 0 {
		m.t.Fatalf("mailtest: quota %d KiB", quotaKiB)
	}
	if err := m.addUser(name, password, fmt.Sprintf("userdb_quota_rule=*:storage=%dK", quotaKiB)); err != nil {
		m.t.Fatalf("mailtest: %v", err)
	}
}

// addUser writes the user's passwd-file; extra is its extra fields
// (userdb settings of this user).
//
// A file per user, not one for all: Dovecot looks at a passwd-file for
// changes at most once a second, so a user added to a shared file right
// after a login could stay unknown for up to a second. A new user's file
// is a path Dovecot has never opened, read at the first lookup.
func (m *Mail) addUser(name, password, extra string) error {
	if name == "" || strings.HasPrefix(name, ".") || strings.ContainsAny(name, ":@\r\n\t /") || strings.ContainsAny(password, ":\r\n") {
		return fmt.Errorf("bad user name %q or password", name)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.users[name] {
		return fmt.Errorf("user %q exists", name)
	}
	// name:password:uid:gid:gecos:home:shell:extra; uid and gid come from
	// the userdb's default_fields, but Dovecot wants the fields there.
	line := fmt.Sprintf("%s:%s:%s:%s::%s::%s\n", name, password, m.uid, m.gid, filepath.Join(m.dir, "mail", name), extra)
	// Written whole, then renamed, so Dovecot never sees half a line.
	path := filepath.Join(m.dir, "users", name)
	if err := os.WriteFile(path+".tmp", []byte(line), 0o644); err != nil {
		return err
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		return err
	}
	if m.users == nil {
		m.users = map[string]bool{}
	}
	m.users[name] = true
	return nil
}

// hasSubmission tells whether Dovecot's submission service (package
// dovecot-submissiond) sits beside the dovecot binary's helpers.
func hasSubmission(dovecot string) bool {
	for _, dir := range []string{"/usr/lib/dovecot", "/usr/libexec/dovecot", filepath.Join(filepath.Dir(dovecot), "../lib/dovecot")} {
		if _, err := os.Stat(filepath.Join(dir, "submission")); err == nil {
			return true
		}
	}
	return false
}

func findBinary(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, dir := range []string{"/usr/sbin", "/usr/local/sbin", "/sbin"} {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
}

// freePorts asks the kernel for n unused loopback ports. They are free
// only until someone else takes them, which on a test machine is rare; a
// clash shows up as a server that fails to start, with its log.
func freePorts(n int) ([]string, error) {
	var addrs []string
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, errors.Join(errors.New("finding a free port"), err)
		}
		ls = append(ls, l)
		addrs = append(addrs, l.Addr().String())
	}
	return addrs, nil
}
