package pebbletest

import (
	"net"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

// serveZone answers DNS over TCP on 127.0.0.1 (pebble's VA asks over
// TCP) with one record: domain A 127.0.0.1. Any other name does not
// exist, and domain has no other records, so the VA finds our server
// only through this answer. It returns the server's address; the server
// stops when t ends.
//
// challtestsrv does the same and more, but binds only addresses fixed in
// advance (no port 0), registers its handler in miekg/dns's global mux,
// and gives no sign of having started; a zone of one name is shorter.
func serveZone(t testing.TB, domain string, log func(string, ...any)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("pebbletest: DNS listener: %v", err)
	}
	name := dns.Fqdn(domain)
	srv := &dns.Server{Listener: ln, Net: "tcp", Handler: dns.HandlerFunc(func(w dns.ResponseWriter, q *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(q)
		m.Authoritative = true
		for _, question := range q.Question {
			if !strings.EqualFold(question.Name, name) {
				m.Rcode = dns.RcodeNameError
				continue
			}
			if question.Qtype == dns.TypeA {
				m.Answer = append(m.Answer, &dns.A{
					Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60},
					A:   net.IPv4(127, 0, 0, 1),
				})
			}
		}
		log("DNS %v: %d answers, rcode %d", q.Question, len(m.Answer), m.Rcode)
		_ = w.WriteMsg(m)
	})}
	started := make(chan struct{})
	srv.NotifyStartedFunc = func() { close(started) }
	done := make(chan error, 1)
	go func() { done <- srv.ActivateAndServe() }()
	select {
	case <-started:
	case err := <-done:
		ln.Close()
		t.Fatalf("pebbletest: DNS server: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Shutdown(); err != nil {
			t.Errorf("pebbletest: DNS shutdown: %v", err)
		}
		<-done
	})
	return ln.Addr().String()
}
