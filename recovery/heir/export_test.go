package heir

import "testing"

// TestRef is an escrow as the heir derives it from the sheet.
type TestRef struct {
	ID  string
	Key []byte
}

// DeriveForTest derives generation 0 of a sheet's escrow, as anyone
// holding the sheet can.
func DeriveForTest(t testing.TB, sheetText string) TestRef {
	t.Helper()
	s, err := ParseSheet(sheetText)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := derive(s.key, 0)
	if err != nil {
		t.Fatal(err)
	}
	return TestRef{ID: ref.id, Key: ref.key}
}

// DeriveGenForTest derives generation gen of a sheet's escrow.
func DeriveGenForTest(t testing.TB, sheetText string, gen int) TestRef {
	t.Helper()
	s, err := ParseSheet(sheetText)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := derive(s.key, gen)
	if err != nil {
		t.Fatal(err)
	}
	return TestRef{ID: ref.id, Key: ref.key}
}

// NewSheetForTest is a sheet with a fresh key for server.
func NewSheetForTest(t testing.TB, server string) Sheet {
	t.Helper()
	k, err := newHeirKey()
	if err != nil {
		t.Fatal(err)
	}
	return Sheet{Server: server, key: k}
}
