package server

import (
	"crypto/rand"
	"slices"
	"strings"
	"testing"
	"time"
)

// Ids the server draws sort in the order they were drawn across
// milliseconds (so bbolt appends them), and within one millisecond they
// still differ in 80 random bits.
func TestNewEscrowIDOrdered(t *testing.T) {
	start := time.Unix(testStart, 0)
	var ids []string
	for i := range 50 {
		id, err := newEscrowID(rand.Reader, start.Add(time.Duration(i)*time.Millisecond))
		mustBeNil(t, err)
		if !validBareID(id) || len(id) != 32 {
			t.Fatalf("id %q", id)
		}
		ids = append(ids, id)
	}
	if !slices.IsSorted(ids) {
		t.Fatalf("ids drawn in order do not sort in order: %v", ids)
	}
	a, _ := newEscrowID(rand.Reader, start)
	b, _ := newEscrowID(rand.Reader, start)
	if a == b || a[:12] != b[:12] || strings.Count(a[12:], "0") == 20 {
		t.Fatalf("two ids in one millisecond: %q and %q", a, b)
	}
}
