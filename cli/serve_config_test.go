package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// settingsFlags is a flag set shaped like serve's, for the precedence rules.
func settingsFlags() (*flag.FlagSet, *string, *float64, *strList, *bool) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	listen := fs.String("listen", "127.0.0.1:8765", "")
	rate := fs.Float64("rate-limit", 2, "")
	var proxies strList
	fs.Var(&proxies, "trusted-proxy", "")
	quiet := fs.Bool("quiet", false, "")
	fs.String("config", "", "")
	return fs, listen, rate, &proxies, quiet
}

func writeConfig(t *testing.T, text string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "server.conf")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestServeSettingsCommandLineThenEnvironmentThenFile(t *testing.T) {
	conf := writeConfig(t, "\ufeff# the operator's settings\n"+
		"listen = 0.0.0.0:443   # on the internet\n"+
		"rate-limit = 5\n"+
		"--trusted-proxy = 10.0.0.0/8\n"+
		"trusted-proxy = \"192.168.0.0/16\"\n"+
		"quiet = true\n", 0o640)
	env := map[string]string{"PASSCROW_SERVE_RATE_LIMIT": "7", "PASSCROW_SERVE_LISTEN": ""}

	fs, listen, rate, proxies, quiet := settingsFlags()
	if err := fs.Parse([]string{"--listen", "127.0.0.1:9000"}); err != nil {
		t.Fatal(err)
	}
	if err := applyServeSettings(fs, conf, func(k string) string { return env[k] }, nil); err != nil {
		t.Fatal(err)
	}
	if *listen != "127.0.0.1:9000" {
		t.Errorf("listen %q: the command line must win", *listen)
	}
	if *rate != 7 {
		t.Errorf("rate-limit %v: the environment must win over the file", *rate)
	}
	if got := strings.Join(*proxies, " "); got != "10.0.0.0/8 192.168.0.0/16" {
		t.Errorf("trusted-proxy %q: each line of a repeatable setting counts", got)
	}
	if !*quiet {
		t.Error("a boolean from the file was not taken")
	}
}

func TestServeConfigFileMistakesAreSaidWithTheirLine(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		mode       os.FileMode
		want       string
	}{
		{"misspelt", "listen = :1\nrate-limt = 3\n", 0o600, `line 2: no setting is called "rate-limt"`},
		{"no equals", "listen :1\n", 0o600, "line 1: expected name = value"},
		{"bad number", "\nrate-limit = fast\n", 0o600, "line 2: rate-limit"},
		{"open quote", `listen = "127.0.0.1:1` + "\n", 0o600, "line 1: the quoted value of listen"},
		{"nested", "config = /etc/other.conf\n", 0o600, `no setting is called "config"`},
		{"writable by others", "listen = :1\n", 0o666, "can be changed by other users"},
		{"writable by the group", "listen = :1\n", 0o620, "can be changed by other users"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs, _, _, _, _ := settingsFlags()
			if err := fs.Parse(nil); err != nil {
				t.Fatal(err)
			}
			err := applyServeSettings(fs, writeConfig(t, tc.text, tc.mode), func(string) string { return "" }, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one with %q", err, tc.want)
			}
		})
	}
	fs, _, _, _, _ := settingsFlags()
	err := applyServeSettings(fs, filepath.Join(t.TempDir(), "absent.conf"), func(string) string { return "" }, nil)
	if err == nil || !strings.Contains(err.Error(), "reading the config file") {
		t.Fatalf("absent file: %v", err)
	}
	fs, _, _, _, _ = settingsFlags()
	err = applyServeSettings(fs, "", func(k string) string { return map[string]string{"PASSCROW_SERVE_RATE_LIMIT": "x"}[k] }, nil)
	if err == nil || !strings.Contains(err.Error(), `PASSCROW_SERVE_RATE_LIMIT: "x" is not a number`) {
		t.Fatalf("bad environment value: %v", err)
	}
	// A misspelt variable is refused like a misspelt line, with the
	// name it was likely meant to be.
	fs, _, _, _, _ = settingsFlags()
	err = applyServeSettings(fs, "", func(string) string { return "" }, []string{"PATH=/bin", "PASSCROW_SERVE_CONFIG=x", "PASSCROW_SERVE_RATELIMIT=3"})
	if err == nil || !strings.Contains(err.Error(), "PASSCROW_SERVE_RATELIMIT, which is no setting (did you mean PASSCROW_SERVE_RATE_LIMIT?)") {
		t.Fatalf("misspelt variable: %v", err)
	}
	fs, _, _, _, _ = settingsFlags()
	err = applyServeSettings(fs, "", func(string) string { return "" }, []string{"PASSCROW_SERVE_NONSENSE=1"})
	if err == nil || !strings.Contains(err.Error(), "see passcrow serve --help") {
		t.Fatalf("unknown variable: %v", err)
	}
}

// runCLI runs one command in this process and returns exit code, stdout
// and stderr.
func runCLI(ctx context.Context, getenv func(string) string, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: getenv, ctx: ctx}
	code := e.main(args)
	return code, out.String(), errb.String()
}

func TestServeCheckConfig(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	conf := writeConfig(t, "listen = 127.0.0.1:8443\ndata = "+data+"\noutbox = "+filepath.Join(dir, "outbox")+"\nmax-days = 30\n", 0o600)
	noEnv := func(string) string { return "" }

	code, out, errs := runCLI(context.Background(), noEnv, "serve", "--config", conf, "--check-config", "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if got["ok"] != true || got["listen"] != "127.0.0.1:8443" || got["storage"] != data+"/passcrow.db" {
		t.Errorf("check-config said %v", got)
	}
	if _, err := os.Stat(filepath.Join(data, "passcrow.db")); !os.IsNotExist(err) {
		t.Errorf("check-config made the database (%v); it must only look", err)
	}

	// The config file may come from the environment, as systemd gives it.
	env := func(k string) string { return map[string]string{"PASSCROW_SERVE_CONFIG": conf}[k] }
	if code, out, errs := runCLI(context.Background(), env, "serve", "--check-config"); code != ExitOK || !strings.Contains(out, "The settings are fine") {
		t.Fatalf("config from PASSCROW_SERVE_CONFIG: exit %d: %s %s", code, out, errs)
	}

	// What serve would refuse at start, check-config refuses.
	notADir := filepath.Join(dir, "file")
	if err := os.WriteFile(notADir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--max-days", "0"}, "--max-days must be at least 1"},
		{[]string{"--data", notADir}, "data directory"},
		{[]string{"--listen", "8443"}, `--listen "8443" is not host:port`},
		{[]string{"--admin-listen", "nowhere"}, `--admin-listen "nowhere" is not host:port`},
		// Mail in the clear to a host elsewhere would fail every code.
		{[]string{"--outbox=", "--smtp-host", "mail.example.org", "--smtp-tls", "none", "--smtp-from", "a@example.org"}, `TLS mode "none" is only allowed for a loopback host`},
		{[]string{"--outbox=", "--smtp-host", "mail.example.org", "--smtp-tls", "ssl", "--smtp-from", "a@example.org"}, `unknown TLS mode "ssl"`},
		{[]string{"--smtp-host", "mail.example.org", "--smtp-from", "a@example.org"}, "--outbox and --smtp-host were both given"},
		{[]string{"--rate-limit", "fast"}, `invalid value "fast" for flag -rate-limit`},
	} {
		args := append([]string{"serve", "--config", conf, "--check-config"}, tc.args...)
		code, out, errs := runCLI(context.Background(), noEnv, args...)
		if code == ExitOK || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stdout %q stderr %q; want an error with %q", tc.args, code, out, errs, tc.want)
		}
	}
}

// TestServeAdminListener runs the real serve command with an admin
// listener: its metrics count what the public listener answered, its
// backup is a database file, and the public listener serves neither.
func TestServeAdminListener(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: pw, stderr: &errb, getenv: func(string) string { return "" }, ctx: ctx}
	done := make(chan int, 1)
	go func() {
		done <- e.main([]string{"serve", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0",
			"--data", filepath.Join(dir, "data"), "--outbox", filepath.Join(dir, "outbox"), "--rate-limit", "0", "--json"})
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != ExitOK {
			t.Errorf("serve exited %d: %s", code, errb.String())
		}
	})
	var addrs struct{ Listen, Admin string }
	if err := json.NewDecoder(pr).Decode(&addrs); err != nil {
		t.Fatalf("serve's first output: %v (stderr %s)", err, errb.String())
	}
	go io.Copy(io.Discard, pr)

	get := func(url string) (int, string) {
		t.Helper()
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for range 3 {
		if status, _ := get("http://" + addrs.Listen + "/passcrow/policy"); status != http.StatusOK {
			t.Fatalf("policy: HTTP %d", status)
		}
	}
	if status, body := get("http://" + addrs.Listen + "/metrics"); status != http.StatusNotFound || strings.Contains(body, "passcrow_") {
		t.Errorf("the public listener answered /metrics: HTTP %d %.200s", status, body)
	}
	status, body := get("http://" + addrs.Admin + "/metrics")
	if status != http.StatusOK || !strings.Contains(body, `passcrow_requests_total{route="policy",status="200"} 3`) {
		t.Errorf("metrics: HTTP %d\n%.2000s", status, body)
	}
	if status, body := get("http://" + addrs.Listen + "/backup"); status != http.StatusNotFound || len(body) > 200 {
		t.Errorf("the public listener answered /backup: HTTP %d, %d bytes", status, len(body))
	}
	// A bbolt file starts with its meta page: magic 0xED0CDAED at byte 16.
	if status, body := get("http://" + addrs.Admin + "/backup"); status != http.StatusOK || len(body) < 4096 || body[16:20] != "\xed\xda\x0c\xed" {
		t.Errorf("backup: HTTP %d, %d bytes", status, len(body))
	}
}
