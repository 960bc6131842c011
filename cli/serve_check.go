package cli

import (
	"fmt"
	"net"
	"os"
	"slices"
	"strings"

	"github.com/passcrow/passcrow-desktop/server"
)

// checkServeConfig is `passcrow serve --check-config`: everything serve
// would refuse at start is refused here, and what it would do is said,
// without listening, sending mail or taking the store's lock, so it can
// run beside the live server before a restart.
func checkServeConfig(e *env, c *commonFlags, cfg server.Config, listen, adminListen string) error {
	if err := cfg.Check(); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	for flagName, addr := range map[string]string{"--listen": listen, "--admin-listen": adminListen} {
		if addr == "" {
			continue
		}
		if _, port, err := net.SplitHostPort(addr); err != nil || port == "" {
			return usagef("serve: %s %q is not host:port", flagName, addr)
		}
	}
	storage := "memory (lost when the server stops)"
	switch {
	case cfg.Store != nil:
		storage = "the database given with --db"
		if w, ok := cfg.Store.(interface{ Where() string }); ok {
			storage = "the PostgreSQL database " + w.Where()
		}
	case cfg.DataDir != "":
		if err := checkDataDir(cfg.DataDir); err != nil {
			return err
		}
		storage = cfg.DataDir + "/passcrow.db"
	}
	perClient, total, err := cfg.ConnLimits()
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	kinds := make([]string, 0, len(cfg.Verifiers))
	for k := range cfg.Verifiers {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	summary := map[string]any{
		"ok":      true,
		"listen":  listen,
		"storage": storage,
		"kinds":   kinds,
		// -1: no cap
		"max_conns_per_client": perClient,
		"max_conns":            total,
	}
	text := fmt.Sprintf("The settings are fine. The server would listen on %s, keep escrows in %s, and verify %s.\n",
		listen, storage, strings.Join(kinds, ", "))
	text += fmt.Sprintf("Open connections: %s per client address, %s in all.\n", capText(perClient), capText(total))
	if adminListen != "" {
		summary["admin"] = adminListen
		text += fmt.Sprintf("Metrics and backups would be at http://%s/.\n", adminListen)
	}
	e.result(c, summary, text)
	return nil
}

// checkDataDir makes sure the server could keep its database in dir: the
// directory exists or can be made, and the server can write there.
func checkDataDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("serve: the data directory cannot be made: %w", err)
	}
	probe, err := os.CreateTemp(dir, ".check-config-*")
	if err != nil {
		return fmt.Errorf("serve: the server could not write in its data directory %q: %w", dir, err)
	}
	name := probe.Name()
	probe.Close()
	if err := os.Remove(name); err != nil {
		return fmt.Errorf("serve: the server could not remove a file from its data directory %q: %w", dir, err)
	}
	if info, err := os.Stat(dir + "/passcrow.db"); err == nil && !info.Mode().IsRegular() {
		return fmt.Errorf("serve: %s/passcrow.db is not a regular file", dir)
	}
	return nil
}

// capText says a connection cap of ConnLimits.
func capText(n int) string {
	if n < 0 {
		return "no cap"
	}
	return fmt.Sprintf("at most %d", n)
}
