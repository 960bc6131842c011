package server

import (
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// A deletion request without the escrow key deleted by id alone: anyone
// who learnt an id could delete the escrow. By default it is refused with
// an answer that says why; an operator may allow it, as the reference does.
func TestKeylessDeletion(t *testing.T) {
	for _, allow := range []bool{false, true} {
		env := newSecEnv(t, "", func(c *Config) { c.AllowKeylessDelete = allow })
		f := env.escrow("email:alice@example.org", "", "x", 24*time.Hour)
		var resp wire.DeletionResponse
		env.call(wire.MethodDeletion, wire.DeletionRequest{Version: wire.Version, EscrowDataID: f.id}, &resp)
		_, e, _ := env.askCode(f)
		switch {
		case !allow && (!strings.Contains(resp.Error, "escrow key") || e != ""):
			t.Fatalf("by default: deletion %+v, then the escrow: %q", resp, e)
		case allow && (resp.Error != "" || e != errStrNoEscrow):
			t.Fatalf("allowed: deletion %+v, then the escrow: %q", resp, e)
		}
		// An unknown id gets the same answer: nothing is learnt.
		var unknown wire.DeletionResponse
		env.call(wire.MethodDeletion, wire.DeletionRequest{Version: wire.Version, EscrowDataID: strings.Repeat("ab", 16)}, &unknown)
		if unknown.Error != resp.Error {
			t.Fatalf("allow=%v: unknown id %q, known %q", allow, unknown.Error, resp.Error)
		}
		// With the key, deletion works either way.
		g := env.escrow("email:alice@example.org", "", "x", 24*time.Hour)
		resp = wire.DeletionResponse{}
		env.call(wire.MethodDeletion, wire.DeletionRequest{Version: wire.Version, EscrowDataID: g.id, EscrowDataKey: g.key}, &resp)
		if _, e, _ := env.askCode(g); resp.Error != "" || e != errStrNoEscrow {
			t.Fatalf("allow=%v, with the key: %+v, then %q", allow, resp, e)
		}
	}
}
