package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/passcrow/passcrow-desktop/server"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

const serveSynopsis = "[--listen 127.0.0.1:PORT] [--data DIR | --db URL] [--outbox DIR | --smtp-host HOST ...] [--tls-cert F --tls-key F | --acme-domain NAME ...]"

func runServe(e *env, args []string) error {
	var c commonFlags
	fs := newFlagSet(e, "serve", serveSynopsis, &c)
	listen := fs.String("listen", "127.0.0.1:8765", "address to listen on")
	data := fs.String("data", "", "keep escrows in `DIR`/passcrow.db (default: a passcrow-server folder in the user's data directory)")
	vf := addVerifierFlags(fs) // serve_verify.go
	about := fs.String("about-url", "https://passcrow.example.org/", "the server's about page, shown in policy and e-mail")
	country := fs.String("country", "", "two-letter country code the server runs in")
	maxDays := fs.Int("max-days", 366, "longest escrow the server accepts, in days")
	rateLimit := fs.Float64("rate-limit", 2, "requests per second one client address may make (0: no limit; behind a reverse proxy, name it with --trusted-proxy)")
	rateBurst := fs.Int("rate-burst", 10, "requests one client address may make at once before --rate-limit applies")
	configFile := fs.String("config", "", "read settings from `FILE`: name = value lines, names as these flags (default: $PASSCROW_SERVE_CONFIG); flags and PASSCROW_SERVE_<FLAG> variables win over it")
	checkConfig := fs.Bool("check-config", false, "check the settings, files and storage, say what the server would do, and exit without serving")
	db := fs.String("db", "", "keep everything in the PostgreSQL database at `URL` (postgres://user@host:5432/dbname) instead of --data, shared by every instance given it; a password goes in PGPASSFILE or PASSCROW_SERVE_DB, not on the command line")
	sendsHour := fs.Int("max-sends-per-hour", server.DefaultMaxSendsPerHour, "messages (codes and notices) one address may get in any 60 minutes, over all escrows and instances (0: no limit; at most 1000)")
	sendsDay := fs.Int("max-sends-per-day", server.DefaultMaxSendsPerDay, "messages one address may get in any 24 hours (0: no limit; at most 1000)")
	connsPerClient := fs.Int("max-conns-per-client", 0, fmt.Sprintf("connections one client address (IPv4, or IPv6 /64) may hold open; more are closed at once (0: %d; -1: no cap); a --trusted-proxy counts only toward --max-conns", server.DefaultMaxConnsPerClient))
	conns := fs.Int("max-conns", 0, "connections open in all; more are closed at once (0: the open-file limit less 128; -1: no cap)")
	keylessDelete := fs.Bool("allow-keyless-delete", false, "delete an escrow by its id alone, as the reference server does (by default a deletion must carry the escrow key)")
	edge := addEdgeFlags(fs) // serve_tls.go: HTTPS, trusted proxies, log
	adminListen := fs.String("admin-listen", "", "serve the operator's pages at `ADDR`: /metrics (Prometheus) and /backup (a copy of the database); keep it private, e.g. 127.0.0.1:9108")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		// Not ignored: "serve 8080" would otherwise serve elsewhere.
		return usagef("serve: takes no arguments, only flags (got %q)", pos[0])
	}
	if *configFile == "" {
		*configFile = e.getenv(serveEnvPrefix + "CONFIG")
	}
	if err := applyServeSettings(fs, *configFile, e.getenv, os.Environ()); err != nil {
		return err
	}
	if *maxDays < 1 {
		return usagef("serve: --max-days must be at least 1 (got %d)", *maxDays)
	}
	for name, v := range map[string]int{"--max-conns-per-client": *connsPerClient, "--max-conns": *conns} {
		if v < -1 {
			return usagef("serve: %s must be a number of connections, 0 for the default or -1 for no cap (got %d)", name, v)
		}
	}
	dir := *data
	if dir == "" {
		base, err := os.UserConfigDir()
		if err != nil {
			return fmt.Errorf("serve: no --data given and no user data directory: %w", err)
		}
		dir = filepath.Join(base, "passcrow-server")
	}
	logger, err := edge.logger(e.stderr, vf.operatorHosts()...) // redacted: no identities, codes, keys or ids
	if err != nil {
		return err
	}
	proxies, err := edge.proxies()
	if err != nil {
		return err
	}
	verifiers, err := vf.build(logger)
	if err != nil {
		return err
	}
	// For the paths that return early; after serving, the queues are
	// drained below, and closing twice is harmless.
	defer verifiers.close(context.Background())
	cfg := server.Config{
		DataDir:       dir,
		Verifiers:     verifiers.byKind,
		CountryCode:   *country,
		AboutURL:      *about,
		MaxExpiration: time.Duration(*maxDays) * 24 * time.Hour,
		RateLimit:     *rateLimit,
		RateBurst:     *rateBurst,
		Logger:        logger,

		TrustedProxies: proxies,
		ProxyHeader:    *edge.proxyHeader,

		MaxConnsPerClient: *connsPerClient, // 0 and -1 mean the same to server.Config
		MaxConns:          *conns,

		MaxSendsPerHour:    noLimit(*sendsHour),
		MaxSendsPerDay:     noLimit(*sendsDay),
		AllowKeylessDelete: *keylessDelete,
	}
	if *db != "" {
		// --check-config only probes: it must not migrate the schema
		// under running instances.
		open := server.OpenPgStore
		if *checkConfig {
			open = server.ProbePgStore
		}
		pg, err := open(e.context(), *db)
		if err != nil {
			return fmt.Errorf("serve: %w", err)
		}
		defer pg.Close() // after srv.Close, deferred later
		cfg.Store, cfg.DataDir, dir = pg, "", pg.Where()
	}
	tlsConf, err := edge.tlsConfig(cfg.Store, logger)
	if err != nil {
		return err
	}
	if *checkConfig {
		return checkServeConfig(e, &c, cfg, *listen, *adminListen)
	}
	srv, err := server.New(cfg)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	defer srv.Close()
	ctx, stop := signal.NotifyContext(e.context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	scheme := "http"
	if tlsConf != nil {
		scheme = "https"
	}
	result := map[string]any{"listen": ln.Addr().String(), "data": dir, "scheme": scheme}
	adminNote := ""
	if *adminListen != "" {
		addr, err := startAdmin(ctx, e, *adminListen, srv)
		if err != nil {
			return err
		}
		result["admin"] = addr.String()
		adminNote = fmt.Sprintf("Metrics at http://%s/metrics, backups at http://%s/backup\n", addr, addr)
		switch {
		case !srv.BacksUp():
			adminNote = fmt.Sprintf("Metrics at http://%s/metrics (back up the database with pg_dump)\n", addr)
		case !adminBackups(addr):
			adminNote = fmt.Sprintf("Metrics at http://%s/metrics (backups only on a loopback --admin-listen)\n", addr)
		}
	}
	// The bound address goes to stdout, so a script that asked for port 0
	// learns the port.
	e.result(&c, result,
		fmt.Sprintf("Passcrow server listening on %s://%s (data in %s)\n", scheme, ln.Addr(), dir)+adminNote)
	if edge.warm != nil {
		go edge.warm() // the listener is open: the CA's check waits in its queue
	}
	if err := server.ServeWith(ctx, ln, srv, server.ServeOptions{TLS: tlsConf, Logger: logger}); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("serve: %w", err)
	}
	// Handlers still running may queue codes: wait for them (Close is
	// safe to call again when deferred). Then the codes already promised
	// go out before the process ends, for at most --send-drain; the queue
	// logs and counts what it had to drop.
	srv.Close()
	if err := verifiers.close(context.Background()); err != nil {
		logger.Warn("verification messages dropped at shutdown", "error", err)
	}
	logger.Info("stopped")
	return nil
}

// smtpSecrets reads the SMTP password and extra CA certificates from
// files, so neither appears on the command line (where ps shows it).
func smtpSecrets(s *verify.SMTP, passFile, caFile string) error {
	if passFile != "" {
		b, err := os.ReadFile(passFile)
		if err != nil {
			return fmt.Errorf("serve: reading the SMTP password file: %w", err)
		}
		s.Password = strings.TrimRight(string(b), "\r\n")
	}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return fmt.Errorf("serve: reading --smtp-ca-file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return fmt.Errorf("serve: --smtp-ca-file %q holds no PEM certificate", caFile)
		}
		s.TLSConfig = &tls.Config{RootCAs: pool}
	}
	return nil
}

// noLimit maps a flag's 0 ("no limit") to server.Config's negative one
// (its 0 is "the default").
func noLimit(n int) int {
	if n == 0 {
		return -1
	}
	return n
}
