package cli

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// The server's settings come from three places, the nearest winning: the
// command line, then the environment (PASSCROW_SERVE_<FLAG>, dashes as
// underscores: PASSCROW_SERVE_SMTP_HOST), then a config file (--config).
// Every serve flag is a setting under its own name, so a flag added to
// serve is at once settable in all three, and --help documents them all.

// serveEnvPrefix starts the environment variable of every serve setting.
const serveEnvPrefix = "PASSCROW_SERVE_"

// maxConfigBytes bounds a config file: a few dozen settings take a few
// kilobytes; anything much larger is the wrong file.
const maxConfigBytes = 256 << 10

// serveEnvName is the environment variable for flag name.
func serveEnvName(name string) string {
	return serveEnvPrefix + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// notSettings are flags that are not server settings: which file to read,
// and what to do with the settings once read.
var notSettings = map[string]bool{"config": true, "check-config": true, "help": true, "h": true}

// applyServeSettings fills in the flags fs did not get on the command line
// from the environment and then from the config file at path ("" for
// none). Unknown names are errors, not ignored: a misspelt setting would
// otherwise leave a default in force that the operator thinks is changed.
func applyServeSettings(fs *flag.FlagSet, path string, getenv func(string) string, environ []string) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if err := unknownServeEnv(fs, environ); err != nil {
		return err
	}

	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		if envErr != nil || given[f.Name] || notSettings[f.Name] {
			return
		}
		v := getenv(serveEnvName(f.Name))
		if v == "" { // set but empty counts as unset, as for PASSCROW_HOME
			return
		}
		if err := fs.Set(f.Name, v); err != nil {
			envErr = usagef("serve: %s: %s", serveEnvName(f.Name), badValue(f, v, err))
			return
		}
		given[f.Name] = true
	})
	if envErr != nil {
		return envErr
	}
	if path == "" {
		return nil
	}
	settings, err := readServeConfig(path)
	if err != nil {
		return err
	}
	for _, s := range settings {
		f := fs.Lookup(s.name)
		if f == nil || notSettings[s.name] {
			return usagef("serve: %s line %d: no setting is called %q (the settings are serve's flags, see passcrow serve --help)", path, s.line, s.name)
		}
		if given[s.name] {
			continue
		}
		if err := fs.Set(s.name, s.value); err != nil {
			return usagef("serve: %s line %d: %s: %s", path, s.line, s.name, badValue(f, s.value, err))
		}
	}
	return nil
}

// badValue words a value flag f refused: the flag package says only
// "parse error" for a number it cannot read.
func badValue(f *flag.Flag, value string, err error) string {
	switch kind, _ := flag.UnquoteUsage(f); kind {
	case "int", "uint", "float":
		return fmt.Sprintf("%q is not a number", value)
	case "duration":
		return fmt.Sprintf("%q is not a duration (such as 30s or 5m)", value)
	}
	if _, isBool := f.Value.(interface{ IsBoolFlag() bool }); isBool {
		return fmt.Sprintf("%q is neither true nor false", value)
	}
	return err.Error()
}

// unknownServeEnv refuses a PASSCROW_SERVE_ variable that names no
// setting, as a config file's unknown line is refused: a misspelt
// PASSCROW_SERVE_RATELIMIT would leave the default rate in force.
func unknownServeEnv(fs *flag.FlagSet, environ []string) error {
	known := map[string]bool{serveEnvPrefix + "CONFIG": true}
	byLetters := map[string]string{} // names without underscores, for a hint
	fs.VisitAll(func(f *flag.Flag) {
		if !notSettings[f.Name] {
			known[serveEnvName(f.Name)] = true
			byLetters[strings.ReplaceAll(serveEnvName(f.Name), "_", "")] = serveEnvName(f.Name)
		}
	})
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, serveEnvPrefix) || known[name] {
			continue
		}
		hint := " (the settings are serve's flags, see passcrow serve --help)"
		if near, ok := byLetters[strings.ReplaceAll(strings.ToUpper(name), "_", "")]; ok {
			hint = fmt.Sprintf(" (did you mean %s?)", near)
		}
		return usagef("serve: the environment has %s, which is no setting%s", name, hint)
	}
	return nil
}

// configSetting is one "name = value" line of a config file.
type configSetting struct {
	name, value string
	line        int
}

// readServeConfig reads a config file: one "name = value" per line,
// names as serve's flags without the dashes; # starts a comment, at the
// start of a line or after a blank; a value may be "double quoted" (Go
// syntax) to keep a " #" or blanks at its ends. A
// repeatable flag (trusted-proxy) may be set on several lines.
func readServeConfig(path string) ([]configSetting, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("serve: reading the config file: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("serve: reading the config file: %w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("serve: config file %q is not a regular file", path)
	}
	// Settings decide where codes are mailed and where escrows are kept:
	// a file anyone can change is anyone's server.
	if info.Mode().Perm()&0o022 != 0 {
		return nil, fmt.Errorf("serve: config file %q can be changed by other users (mode %v); make it writable by its owner only: chmod go-w %q", path, info.Mode().Perm(), path)
	}
	if info.Size() > maxConfigBytes {
		return nil, fmt.Errorf("serve: config file %q is %d bytes; a config file is at most %d", path, info.Size(), maxConfigBytes)
	}
	var out []configSetting
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if n == 1 {
			line = strings.TrimPrefix(line, "\ufeff") // a BOM some editors write
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			return nil, usagef("serve: %s line %d: expected name = value", path, n)
		}
		name = strings.TrimPrefix(strings.TrimSpace(name), "--")
		value = strings.TrimSpace(value)
		if !strings.HasPrefix(value, `"`) {
			// A comment may follow an unquoted value after a blank.
			if i := strings.Index(value, " #"); i >= 0 {
				value = strings.TrimSpace(value[:i])
			} else if i := strings.Index(value, "\t#"); i >= 0 {
				value = strings.TrimSpace(value[:i])
			}
		} else {
			unq, err := strconv.Unquote(value)
			if err != nil {
				return nil, usagef("serve: %s line %d: the quoted value of %s does not end where it should", path, n, name)
			}
			value = unq
		}
		out = append(out, configSetting{name: name, value: value, line: n})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("serve: reading the config file: %w", err)
	}
	return out, nil
}
