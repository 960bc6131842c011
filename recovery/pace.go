package recovery

import (
	"math"
	"net/http"
	"strconv"
	"strings"
)

// Pacing that fits the server. The reference server takes one request a
// second from an address, so we send no faster to a server that says
// nothing. Our server states how fast one client may go in two answer
// headers, which reference clients never read (a field in the policy
// would break them: they refuse unknown keys):
//
//	X-Passcrow-Rate: 2     requests a second, sustained
//	X-Passcrow-Burst: 10   requests at once after a quiet spell
//
// A server can only make us wait on itself, or send to itself faster;
// still, what it claims is bounded, and what does not parse is ignored.
const (
	headerRate  = "X-Passcrow-Rate"
	headerBurst = "X-Passcrow-Burst"

	// maxStatedRate and maxStatedBurst bound a server's claims.
	maxStatedRate  = 50.0
	maxStatedBurst = 20
	// minStatedRate bounds how slow a server can make us go (one
	// request in 10 s): slower than that is taken as garbage.
	minStatedRate = 0.1
)

// pace is what a host stated: requests a second and burst.
type pace struct {
	rate  float64
	burst int
}

// statedPace reads the headers; ok is false when there is no usable rate.
func statedPace(h http.Header) (pace, bool) {
	v := strings.TrimSpace(h.Get(headerRate))
	if v == "" || len(v) > 16 || strings.Trim(v, "0123456789.") != "" {
		return pace{}, false // only plain decimals: no signs, exponents, hex, Inf
	}
	rate, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(rate) || rate < minStatedRate {
		return pace{}, false
	}
	p := pace{rate: min(rate, maxStatedRate), burst: 1}
	if b, err := strconv.Atoi(strings.TrimSpace(h.Get(headerBurst))); err == nil && b > 1 {
		p.burst = min(b, maxStatedBurst)
	}
	return p, true
}
