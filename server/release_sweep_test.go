package server

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

// The sweep reads waiting periods a page at a time (releasePage) and
// still sees every one: with pages of 2, the releases of five escrows
// that expired are all dropped and the one of a live escrow stays.
func TestSweepReadsReleasesInPages(t *testing.T) {
	defer func(n int) { releasePage = n }(releasePage)
	releasePage = 2
	env := newTestEnv(t, nil)
	rs := env.srv.store.(ReleaseStore)
	ctx := context.Background()
	now := env.clock.Now()
	add := func(id string, exp int64) {
		r := Release{Expiration: exp, DelayDays: 7, OwnerHash: []byte{1}, Language: "en"}
		mustBeNil(t, rs.CreateDelayedEscrow(ctx, Escrow{ID: id, Kind: "email", Data: "x", Expiration: exp}, r, now))
	}
	for i := range 5 {
		add(fmt.Sprintf("gone%d", i), testStart+60)
	}
	add("live", testStart+86400)

	env.clock.set(testStart + 120)
	env.srv.Sweep(ctx)
	left, err := rs.ReleasesAfter(ctx, "", 10)
	mustBeNil(t, err)
	var ids []string
	for _, r := range left {
		ids = append(ids, r.ID)
	}
	if !slices.Equal(ids, []string{"live"}) {
		t.Fatalf("waiting periods after the sweep: %q, want only live's", ids)
	}
}
