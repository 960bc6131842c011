// Package testreal is how a test says it needs a real part: a mail
// server, a Secret Service, root, a D-Bus daemon. On a developer's machine
// a missing part skips the test, saying what to install; in CI (CI=true)
// it fails the test, so a green CI run means every real part ran.
// scripts/test.sh also fails a CI run on any skip it does not expect.
package testreal

import (
	"os"
	"strings"
	"testing"
)

// InCI reports whether CI is set to true (as GitHub Actions, GitLab CI
// and our .ci/run do), where nothing real may be missing.
func InCI() bool {
	v := strings.ToLower(os.Getenv("CI"))
	return v == "true" || v == "1"
}

// Require skips t, or fails it when InCI, if err says the real part what
// is missing. A nil err lets the test go on.
func Require(t testing.TB, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if InCI() {
		t.Fatalf("%s is needed and CI=true allows no skip: %v", what, err)
		return
	}
	t.Skipf("%s is missing, skipped (with CI=true this fails): %v", what, err)
}
