package packstore

import (
	"encoding/json"
	"testing"
	"time"
)

func TestRecordChecksKeepsWhenLastSeen(t *testing.T) {
	st := newStore(t)
	p := referencePack(t)
	if len(p.Records) < 2 {
		t.Fatalf("the test pack has %d records; want at least 2", len(p.Records))
	}
	a, b := p.Records[0].Prefix, p.Records[1].Prefix
	t1 := time.Unix(1_700_000_000, 0)
	t2 := t1.Add(24 * time.Hour)
	if got, err := LastSeen(st, "ref", p); err != nil || len(got) != 0 {
		t.Fatalf("never checked: %v, %v", got, err)
	}
	if err := RecordChecks(st, "ref", p, []CheckResult{{a, true}, {b, true}}, t1); err != nil {
		t.Fatal(err)
	}
	// The next day a is gone and b cannot be asked: a keeps its last
	// sighting and is missing, b keeps all it had.
	if err := RecordChecks(st, "ref", p, []CheckResult{{a, false}}, t2); err != nil {
		t.Fatal(err)
	}
	got, err := LastSeen(st, "ref", p)
	if err != nil {
		t.Fatal(err)
	}
	if s := got[a]; !s.Seen.Equal(t1) || !s.Checked.Equal(t2) || !s.Missing {
		t.Errorf("%s: %+v, want seen %v, checked %v, missing", a, s, t1, t2)
	}
	if s := got[b]; !s.Seen.Equal(t1) || !s.Checked.Equal(t1) || s.Missing {
		t.Errorf("%s: %+v, want seen and checked %v", b, s, t1)
	}

	// A record placed anew under the same prefix is a new location.
	var data map[string]any
	if err := json.Unmarshal(p.Records[1].Data, &data); err != nil {
		t.Fatal(err)
	}
	data["renewed"] = true
	p.Records[1].Data, _ = json.Marshal(data)
	got, err = LastSeen(st, "ref", p)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got[b]; ok {
		t.Errorf("a replaced record kept the old one's sighting: %+v", got[b])
	}
	if err := DeleteSeen(st, "ref"); err != nil {
		t.Fatal(err)
	}
	if got, _ := LastSeen(st, "ref", p); len(got) != 0 {
		t.Errorf("after DeleteSeen: %v", got)
	}
}
