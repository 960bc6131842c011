package state

import "testing"

// The same pack imported under a second name: forgetting one of the two
// leaves the fragments, which the other still needs; forgetting the last
// deletes them.
func TestForgetOneOfTwoCopiesKeepsTheFragments(t *testing.T) {
	s, url := openForTest(t, fileStore(t))
	ctx := ctxForTest(t)
	if err := s.Protect(ctx, testPlan("disk", url), nil); err != nil {
		t.Fatal(err)
	}
	copyOf(t, s, "disk", "disk again")
	if err := s.Forget(ctx, "disk again"); err != nil {
		t.Fatal(err)
	}
	if !escrowsAnswer(t, s, "disk") {
		t.Fatal("forgetting a second copy of the pack deleted the fragments the first needs")
	}
	if _, err := s.loadPack("disk again"); err == nil {
		t.Error("the forgotten copy is still kept")
	}
}
