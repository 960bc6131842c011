package cli_test

import (
	"net"
	"strings"
	"testing"

	"golang.org/x/net/dns/dnsmessage"
)

// dnsZone is what the scripts' DNS server knows: MX hosts per domain; a
// domain not here does not exist. example.org's and gmail.com's mail are
// both handled by Google, so the provider-diversity warning names them.
var dnsZone = map[string][]string{
	"gmail.com.":   {"gmail-smtp-in.l.google.com."},
	"example.org.": {"aspmx.l.google.com."},
	"example.net.": {"in1-smtp.messagingengine.com."},
	"example.com.": {"mx.example.com."},
}

// startDNS runs a DNS server on loopback UDP that answers MX queries
// from dnsZone, for the scripts' passcrow processes (PASSCROW_TEST_DNS,
// export_test.go): a stand-in for the internet's DNS. The resolver, the
// wire format and the parsing of answers are the product's.
func startDNS(t *testing.T) string {
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
			if resp := dnsAnswer(buf[:n]); resp != nil {
				pc.WriteTo(resp, from)
			}
		}
	}()
	return pc.LocalAddr().String()
}

func dnsAnswer(query []byte) []byte {
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
	hosts, ok := dnsZone[name]
	rh := dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true, RecursionAvailable: true}
	if !ok {
		rh.RCode = dnsmessage.RCodeNameError
	}
	b := dnsmessage.NewBuilder(nil, rh)
	b.EnableCompression()
	b.StartQuestions()
	b.Question(q)
	b.StartAnswers()
	if q.Type == dnsmessage.TypeMX && ok {
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
