package testreal

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// recorder notes how Require ended a test. The real Skipf and Fatalf stop
// the goroutine; these return, so one test can look at both outcomes.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper() {}
func (r *recorder) Skipf(format string, args ...any) {
	r.skipped = fmt.Sprintf(format, args...)
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
}

func TestRequire(t *testing.T) {
	missing := errors.New("no gizmo here")
	for _, tc := range []struct {
		ci         string
		err        error
		skip, fail bool
	}{
		{"", missing, true, false},
		{"false", missing, true, false},
		{"true", missing, false, true},
		{"TRUE", missing, false, true},
		{"1", missing, false, true},
		{"true", nil, false, false},
		{"", nil, false, false},
	} {
		t.Setenv("CI", tc.ci)
		r := &recorder{}
		Require(r, "gizmo", tc.err)
		if (r.skipped != "") != tc.skip || (r.failed != "") != tc.fail {
			t.Errorf("CI=%q, err %v: skipped %q, failed %q", tc.ci, tc.err, r.skipped, r.failed)
		}
		if msg := r.skipped + r.failed; tc.err != nil && (!strings.Contains(msg, "gizmo") || !strings.Contains(msg, "no gizmo here")) {
			t.Errorf("CI=%q: %q does not name the part and the cause", tc.ci, msg)
		}
	}
}
