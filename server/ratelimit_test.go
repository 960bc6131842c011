package server

import (
	"net/http"
	"testing"
	"time"
)

// One IPv6 host commonly has a whole /64 to pick addresses from, so the
// limiter must count the network, or it limits nothing.
func TestClientIPGroupsIPv6Networks(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"[2001:db8:1:2::1]:4000", "[2001:db8:1:2:ffff:ee:dd:cc]:4001"},
		{"[::ffff:192.0.2.7]:80", "192.0.2.7:81"},
	} {
		if a, b := clientIP(&http.Request{RemoteAddr: tc.a}), clientIP(&http.Request{RemoteAddr: tc.b}); a != b {
			t.Errorf("%s and %s are limited apart: %q, %q", tc.a, tc.b, a, b)
		}
	}
	for _, tc := range []struct{ a, b string }{
		{"[2001:db8:1:2::1]:4000", "[2001:db8:1:3::1]:4000"},
		{"192.0.2.7:80", "192.0.2.8:80"},
	} {
		if a, b := clientIP(&http.Request{RemoteAddr: tc.a}), clientIP(&http.Request{RemoteAddr: tc.b}); a == b {
			t.Errorf("%s and %s share a limit: %q", tc.a, tc.b, a)
		}
	}

	l := newRateLimiter(1, 2)
	now := time.Unix(testStart, 0)
	for i, addr := range []string{"[2001:db8::1]:1", "[2001:db8::2]:1", "[2001:db8::3]:1"} {
		ok := l.allow(clientIP(&http.Request{RemoteAddr: addr}), now)
		if ok != (i < 2) {
			t.Errorf("request %d from %s: allowed %v", i+1, addr, ok)
		}
	}
}
