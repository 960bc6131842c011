package diversity_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/passcrow/passcrow-desktop/recovery/diversity"
)

// zone is what the test's DNS server knows: MX hosts per domain; a
// domain not here does not exist, and servfail fails.
var zone = map[string][]string{
	"gmail.com.":      {"gmail-smtp-in.l.google.com.", "alt1.gmail-smtp-in.l.google.com."},
	"example.org.":    {"aspmx.l.google.com."},           // a company's domain, mail by Google
	"example.net.":    {"in1-smtp.messagingengine.com."}, // Fastmail
	"thorsson.is.":    {"in2-smtp.messagingengine.com."}, // Fastmail too
	"example.co.uk.":  {"mx.example.co.uk."},             // its own servers
	"nomail.example.": {"."},                             // RFC 7505: no mail at all
}

const servfail = "broken.example."

// startLocalDNS runs a DNS server on loopback UDP that answers MX
// queries from zone, and returns the real *net.Resolver (Go's own DNS
// client, as the product uses) pointed at it. It is a stand-in for the
// internet's DNS, which tests cannot reach; the resolver, the wire
// format and the answers' parsing are the product's.
func startLocalDNS(t *testing.T) *net.Resolver {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if resp := answer(buf[:n]); resp != nil {
				pc.WriteTo(resp, from)
			}
		}
	}()
	addr := pc.LocalAddr().String()
	return &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "udp", addr)
		},
	}
}

func answer(query []byte) []byte {
	var p dnsmessage.Parser
	h, err := p.Start(query)
	if err != nil {
		return nil
	}
	q, err := p.Question()
	if err != nil {
		return nil
	}
	name := strings.ToLower(q.Name.String())
	hosts, ok := zone[name]
	rh := dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true, RecursionAvailable: true}
	switch {
	case name == servfail:
		rh.RCode = dnsmessage.RCodeServerFailure
	case !ok:
		rh.RCode = dnsmessage.RCodeNameError
	}
	b := dnsmessage.NewBuilder(nil, rh)
	b.EnableCompression()
	b.StartQuestions()
	b.Question(q)
	b.StartAnswers()
	if q.Type == dnsmessage.TypeMX && rh.RCode == dnsmessage.RCodeSuccess {
		for i, host := range hosts {
			b.MXResource(dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 60},
				dnsmessage.MXResource{Pref: uint16(10 * (i + 1)), MX: dnsmessage.MustNewName(host)})
		}
	}
	out, err := b.Finish()
	if err != nil {
		return nil
	}
	return out
}

func TestDiversityLocalDNSServer(t *testing.T) {
	r := startLocalDNS(t)
	for _, tc := range []struct {
		name   string
		places []diversity.Place
		want   []diversity.Warning
	}{
		{"the same domain, any case", diversity.Addresses("alice@example.org", "Bob@EXAMPLE.org."), []diversity.Warning{
			{A: "alice@example.org", B: "Bob@EXAMPLE.org.", Provider: "example.org", Reason: diversity.SameDomain}}},
		{"a company's domain whose mail Google handles", diversity.Addresses("alice@gmail.com", "bob@example.org"), []diversity.Warning{
			{A: "alice@gmail.com", B: "bob@example.org", Provider: "google.com", Reason: diversity.SameMailServers}}},
		{"two domains at Fastmail", diversity.Addresses("carol@example.net", "dave@thorsson.is"), []diversity.Warning{
			{A: "carol@example.net", B: "dave@thorsson.is", Provider: "messagingengine.com", Reason: diversity.SameMailServers}}},
		{"a mailbox's server and an address", []diversity.Place{
			{Label: "mailbox a* at imap.gmail.com", Names: []string{"imap.gmail.com"}},
			{Label: "friend", Names: []string{"erin@gmail.com"}},
			{Label: "mailbox at mail.example.co.uk", Names: []string{"alice", "mail.example.co.uk"}},
		}, []diversity.Warning{
			{A: "mailbox a* at imap.gmail.com", B: "friend", Provider: "gmail.com", Reason: diversity.SameDomain}}},
		{"different providers", diversity.Addresses("alice@gmail.com", "carol@example.net", "x@example.co.uk", "y@nomail.example", "z@nxdomain.example"), nil},
		{"an IP address; single labels say nothing", diversity.Addresses("127.0.0.1", "localhost", "alice@[127.0.0.1]", "localhost", "alice"), []diversity.Warning{
			{A: "127.0.0.1", B: "alice@[127.0.0.1]", Provider: "127.0.0.1", Reason: diversity.SameDomain}}},
		{"a name in any script", diversity.Addresses("a@Ísland.is", "b@xn--sland-ysa.is"), []diversity.Warning{
			{A: "a@Ísland.is", B: "b@xn--sland-ysa.is", Provider: "xn--sland-ysa.is", Reason: diversity.SameDomain}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := diversity.Check(context.Background(), r, tc.places)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("warnings %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("warning %d: %+v, want %+v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

// TestDiversityLocalDNSServerFailure: a lookup that fails is named in the
// error, and the warnings found without it are still returned.
func TestDiversityLocalDNSServerFailure(t *testing.T) {
	r := startLocalDNS(t)
	got, err := diversity.Check(context.Background(), r, diversity.Addresses("a@broken.example", "b@gmail.com", "c@example.org"))
	var dnsErr *net.DNSError
	if !errors.As(err, &dnsErr) || !strings.Contains(err.Error(), "broken.example") {
		t.Errorf("err = %v, want a DNS error naming broken.example", err)
	}
	if len(got) != 1 || got[0].A != "b@gmail.com" || got[0].B != "c@example.org" {
		t.Errorf("warnings %v, want b and c at google.com", got)
	}
	if s := got[0].String(); !strings.Contains(s, "google.com") || !strings.Contains(s, "b@gmail.com") {
		t.Errorf("String() = %q", s)
	}
}
