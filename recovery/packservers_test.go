package recovery_test

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/recovery"
)

// plantedPack is a pack protected with two locations on our real
// server, then edited the way someone handing it to the user could:
// the second record and an ephemeral record name other servers.
func plantedPack(t *testing.T) (p *recovery.Pack, ours string) {
	t.Helper()
	hs, _ := ourServer(t)
	c := quickClient(t, hs.URL)
	var locs []recovery.Location
	for _, id := range []string{"email:alice@example.org", "email:bob@example.org"} {
		l, err := recovery.NewPasscrowLocation(c, id)
		if err != nil {
			t.Fatal(err)
		}
		locs = append(locs, l)
	}
	p, err := recovery.Protect(context.Background(), recovery.ProtectRequest{
		Name: "wallet", Secret: []byte("s"), Policy: recovery.AnyOne(),
		Locations: locs, Expires: time.Now().Add(time.Hour),
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var d recovery.PasscrowRecordData
	if err := json.Unmarshal(p.Records[1].Data, &d); err != nil {
		t.Fatal(err)
	}
	old, _ := json.Marshal(d.Server)
	first := bytes.Index(b, old)
	second := first + len(old) + bytes.Index(b[first+len(old):], old)
	planted := slices.Concat(b[:second], []byte(`"HTTPS://Attacker.Example/"`), b[second+len(old):])
	p, err = recovery.ParsePack(planted)
	if err != nil {
		t.Fatalf("planted pack: %v\n%s", err, planted)
	}
	p.Ephemeral = &recovery.Record{Kind: recovery.KindPasscrow, Data: json.RawMessage(`{"server":"http://plain.example","escrow-data-id":"a-b","escrow-key":"x"}`)}
	return p, c.Server()
}

func TestPackServersOfAPlantedPack(t *testing.T) {
	p, ours := plantedPack(t)
	want := []string{ours, "attacker.example", "http://plain.example"}
	if got := recovery.PackServers(p); !slices.Equal(got, want) {
		t.Errorf("PackServers = %q, want %q", got, want)
	}
	for _, tc := range []struct {
		known, want []string
	}{
		{nil, want},
		{[]string{ours}, want[1:]},
		{[]string{ours + "/", "attacker.example"}, want[2:]},
		{[]string{"https://attacker.example", " http://plain.example "}, want[:1]},
		{[]string{ours, "https://ATTACKER.example/", "http://plain.example"}, nil},
		{[]string{"https://attacker.example/other-path"}, want},
	} {
		if got := recovery.UnknownServers(p, tc.known); !slices.Equal(got, tc.want) {
			t.Errorf("UnknownServers(known %q) = %q, want %q", tc.known, got, tc.want)
		}
	}
}

func TestPackServersSpellings(t *testing.T) {
	rec := func(kind, data string) recovery.Record {
		return recovery.Record{Kind: kind, Data: json.RawMessage(data)}
	}
	p := &recovery.Pack{Records: []recovery.Record{
		rec(recovery.KindPasscrow, `{"server":"passcrow.example.org"}`),
		rec(recovery.KindPasscrow, `{"server":"https://Passcrow.Example.org/"}`),
		rec(recovery.KindPasscrow, `{"server":"https://passcrow.example.org:8443"}`),
		rec(recovery.KindPasscrow, `{"server":"https://example.org/pc/"}`),
		rec(recovery.KindPasscrow, `{"server":""}`),
		rec(recovery.KindPasscrow, `"not an object"`),
		rec("email", `{"server":"mail.example.org"}`),
	}}
	want := []string{"passcrow.example.org", "passcrow.example.org:8443", "https://example.org/pc"}
	if got := recovery.PackServers(p); !slices.Equal(got, want) {
		t.Errorf("PackServers = %q, want %q", got, want)
	}
	if got := recovery.UnknownServers(p, []string{"https://example.org/pc", "https://passcrow.example.org"}); !slices.Equal(got, want[1:2]) {
		t.Errorf("UnknownServers = %q, want %q", got, want[1:2])
	}
	if got := recovery.PackServers(nil); got != nil {
		t.Errorf("PackServers(nil) = %q", got)
	}
}

// An heir's record names its server too: the owner token and escrow ids
// go there when checking or forgetting.
func TestPackServersOfRegisteredKinds(t *testing.T) {
	recovery.RegisterServerKind("test-heir-kind")
	p := &recovery.Pack{Records: []recovery.Record{
		{Kind: recovery.KindPasscrow, Data: json.RawMessage(`{"server":"a.example"}`)},
		{Kind: "test-heir-kind", Data: json.RawMessage(`{"server":"heirs.example","generation":1}`)},
		{Kind: "imap", Data: json.RawMessage(`{"server":"not.a.passcrow.example"}`)},
	}}
	if got, want := recovery.PackServers(p), []string{"a.example", "heirs.example"}; !slices.Equal(got, want) {
		t.Errorf("PackServers = %q, want %q", got, want)
	}
}
