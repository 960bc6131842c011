package cli

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/diversity"
)

// Each kind of location is a file of its own (location_*.go) that
// registers a locationKind: how protect reads its --location values and,
// in keepers.go, how recover, check and forget use its records. A new
// kind (an heir, recovery/heir) is a new file with an init that adds to
// locationKinds and keeperMakers; nothing here changes.

// A locationKind reads the --location values of one kind.
type locationKind struct {
	// about is one line for protect --help: what the kind protects
	// against and what it costs at recovery.
	about string
	// syntax shows the value and options.
	syntax string
	// plan makes the location a --location value names.
	plan func(e *env, s *locSpec, pc *planContext) (*planned, error)
}

var locationKinds = map[string]locationKind{}

func kindNames() []string {
	var names []string
	for k := range locationKinds {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// planContext is what the locations of one protect share.
type planContext struct {
	maxBits  int
	lang     string // of letters, sheets and READMEs
	clients  map[string]*recovery.Client
	accounts map[string]string // SMTP passwords by account, asked once
	// logins keeps the mailbox passwords and CA files given, so that
	// protect can delete what it placed when a later step fails.
	logins *mailLogins
	// newClient makes the clients: env.newClient, through --proxy.
	newClient func(server string) (*recovery.Client, error)
}

// A planned location is a location and what protect knows of it beyond
// the library: its group, how to name it plainly, who runs it.
type planned struct {
	loc   recovery.Location
	kind  string
	group string
	// label names it plainly, unmasked, as the user typed it: for the
	// list of locations on printed sheets and in warnings.
	label string
	// places are who runs it, for the provider-diversity warning.
	places []diversity.Place
	// servers are the Passcrow servers it uses, as packs name them.
	servers []string
	// finish runs once every location is known (sheets list them all,
	// friends are numbered).
	finish func(all []*planned)
}

// planLocation reads one --location value.
func planLocation(e *env, raw string, pc *planContext) (*planned, error) {
	s, err := parseLocSpec(raw)
	if err != nil {
		return nil, err
	}
	k, ok := locationKinds[s.kind]
	if !ok {
		return nil, usagef("--location %q: unknown kind %q (want %s)", raw, s.kind, strings.Join(kindNames(), ", "))
	}
	group, _, err := s.opt("group")
	if err != nil {
		return nil, err
	}
	p, err := k.plan(e, s, pc)
	if err != nil {
		return nil, err
	}
	if err := s.checkUsed(); err != nil {
		return nil, err
	}
	p.kind, p.group = s.kind, group
	return p, nil
}

// maxPasswordFile bounds a password file: a password is a line.
const maxPasswordFile = 4096

// readPasswordFile reads a password from the first line of a file (a
// FIFO or /dev/fd/N works too, so nothing touches the disk).
func readPasswordFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxPasswordFile+1))
	if err != nil {
		return "", err
	}
	if len(b) > maxPasswordFile {
		return "", fmt.Errorf("%q is longer than a password (%d bytes at most)", path, maxPasswordFile)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	line = strings.TrimSuffix(line, "\r")
	if line == "" {
		return "", fmt.Errorf("%q holds no password on its first line", path)
	}
	return line, nil
}

// password is what password-file= names, else what the person at the
// terminal types (without echo), else a usage error: a password is never
// an argument.
func (e *env) password(s *locSpec, prompt string) (string, error) {
	path, ok, err := s.opt("password-file")
	if err != nil {
		return "", err
	}
	if ok {
		pw, err := readPasswordFile(path)
		if err != nil {
			return "", fmt.Errorf("--location %s=%s: password-file: %w", s.kind, s.value, err)
		}
		return pw, nil
	}
	if !e.terminal {
		return "", usagef("--location %s=%s: give password-file=FILE (or run at a terminal to be asked)", s.kind, s.value)
	}
	pw, err := e.readHiddenLine(prompt)
	if err != nil {
		return "", err
	}
	if pw == "" {
		return "", usagef("--location %s=%s: no password typed", s.kind, s.value)
	}
	return pw, nil
}

// tlsFromCAFile is a TLS configuration that trusts the certificates in a
// PEM file (a mail server of one's own with a private CA) besides the
// system's; nil for "".
func tlsFromCAFile(paths ...string) (*tls.Config, error) {
	var pool *x509.CertPool
	for _, path := range paths {
		if path == "" {
			continue
		}
		if pool == nil {
			var err error
			if pool, err = x509.SystemCertPool(); err != nil {
				pool = x509.NewCertPool()
			}
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		if !pool.AppendCertsFromPEM(b) {
			return nil, fmt.Errorf("%q holds no PEM certificate", path)
		}
	}
	if pool == nil {
		return nil, nil
	}
	return &tls.Config{RootCAs: pool}, nil
}
