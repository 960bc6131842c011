package recovery

import "testing"

// Every Client gets SOCKS credentials of its own (Tor then gives it a
// circuit of its own), unless the proxy URL fixed them.
func TestProxyCredentialsPerClient(t *testing.T) {
	p, err := ParseProxy("socks5h://127.0.0.1:9050")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for range 20 {
		a := p.clientAuth()
		if len(a.User) < 26 || len(a.Password) < 26 {
			t.Fatalf("credentials %q/%q are short", a.User, a.Password)
		}
		if seen[a.User] || seen[a.Password] {
			t.Fatalf("credentials %q/%q came twice", a.User, a.Password)
		}
		seen[a.User], seen[a.Password] = true, true
	}
	fixed, err := ParseProxy("socks5h://me:secret@127.0.0.1:9050")
	if err != nil {
		t.Fatal(err)
	}
	if a := fixed.clientAuth(); a.User != "me" || a.Password != "secret" {
		t.Errorf("credentials from the URL: %q/%q", a.User, a.Password)
	}
	if s := fixed.String(); s != "socks5h://me@127.0.0.1:9050" {
		t.Errorf("String() = %q: the password must not show", s)
	}
}
