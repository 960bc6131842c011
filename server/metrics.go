package server

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/passcrow/passcrow-desktop/internal/wire"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// Route names for counting. A fixed, small set: a label taken from the
// request path would let anyone grow the metrics without bound.
const (
	routePolicy       = wire.MethodPolicy
	routeEscrow       = wire.MethodEscrow
	routeVerification = wire.MethodVerification
	routeRecovery     = wire.MethodRecovery
	routeDeletion     = wire.MethodDeletion
	routeStats        = "stats"
	routeExtensions   = "extensions" // our extensions beyond 1.0 (release.go)
	routeOther        = "other"
)

var routeNames = [...]string{routePolicy, routeEscrow, routeVerification,
	routeRecovery, routeDeletion, routeStats, routeExtensions, routeOther}

// routeIndex maps a request path to its place in routeNames.
func routeIndex(path string) int {
	rest, ok := strings.CutPrefix(path, "/passcrow/")
	if !ok {
		return len(routeNames) - 1
	}
	name := rest
	if m, ok := rpcNames[rest]; ok {
		name = m
	} else if rest == wire.MethodExtensions || strings.HasPrefix(rest, "x/") {
		name = routeExtensions
	}
	for i, n := range routeNames {
		if n == name {
			return i
		}
	}
	return len(routeNames) - 1
}

// metrics counts what an operator watches: requests and their latency per
// route, codes handed to verifiers, lockouts. Each Server has a registry
// of its own (tests run many servers in one process); it is served by
// MetricsHandler, which an operator puts on a private address, never on
// the public one.
type metrics struct {
	reg      *prometheus.Registry
	started  time.Time
	requests [len(routeNames)]atomic.Int64 // for /passcrow/stats, as the reference counts

	byStatus *prometheus.CounterVec
	// statusCounters holds byStatus's counter of each route and status
	// (100 to 599) once used: looking it up in byStatus hashes the two
	// labels and formats the status on every request. A series appears
	// when first counted, as with byStatus alone.
	statusCounters [len(routeNames)][500]atomic.Pointer[prometheus.Counter]
	latency        [len(routeNames)]prometheus.Observer
	sends          *prometheus.CounterVec
	lockouts       prometheus.Counter
	connsRefused   [numRefusals]prometheus.Counter // by refusalNames (connlimit.go)
	connsOpen      prometheus.Gauge
}

func newMetrics(now time.Time, verifiers map[string]verify.Verifier) *metrics {
	m := &metrics{reg: prometheus.NewRegistry(), started: now}
	m.byStatus = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "passcrow_requests_total",
		Help: "Requests answered, by route and HTTP status.",
	}, []string{"route", "status"})
	latency := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "passcrow_request_duration_seconds",
		Help:    "Time to answer a request, by route.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
	}, []string{"route"})
	for i, n := range routeNames {
		m.latency[i] = latency.WithLabelValues(n)
	}
	m.sends = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "passcrow_codes_sent_total",
		Help: "Verification codes handed to a verifier, by identity kind and result (ok or error).",
	}, []string{"kind", "result"})
	m.lockouts = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "passcrow_lockouts_total",
		Help: "Escrows locked out after too many wrong codes.",
	})
	refused, open := m.addConnMetrics()
	m.reg.MustRegister(m.byStatus, latency, m.sends, m.lockouts, refused, open, newQueueCollector(verifiers),
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// addConnMetrics makes the connection counts of the listeners
// (connlimit.go), both refusal reasons from zero, and returns them to
// register.
func (m *metrics) addConnMetrics() (*prometheus.CounterVec, prometheus.Gauge) {
	refused := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "passcrow_connections_refused_total",
		Help: "Connections closed as soon as accepted, by the cap they were over: per_client (--max-conns-per-client) or total (--max-conns).",
	}, []string{"reason"})
	for i, n := range refusalNames {
		m.connsRefused[i] = refused.WithLabelValues(n)
	}
	m.connsOpen = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "passcrow_connections_open",
		Help: "Connections open on the listeners serving requests.",
	})
	return refused, m.connsOpen
}

// observe counts one answered request.
func (m *metrics) observe(route, status int, took time.Duration) {
	m.requests[route].Add(1)
	m.statusCounter(route, status).Inc()
	m.latency[route].Observe(took.Seconds())
}

func (m *metrics) statusCounter(route, status int) prometheus.Counter {
	if status < 100 || status > 599 {
		return m.byStatus.WithLabelValues(routeNames[route], strconv.Itoa(status))
	}
	slot := &m.statusCounters[route][status-100]
	if c := slot.Load(); c != nil {
		return *c
	}
	// Two requests may both get here: byStatus gives both the same one.
	c := m.byStatus.WithLabelValues(routeNames[route], strconv.Itoa(status))
	slot.Store(&c)
	return c
}

// codeSent counts a code handed to the verifier of kind; err is what
// the verifier said.
func (m *metrics) codeSent(kind string, err error) {
	result := "ok"
	if err != nil {
		result = "error"
	}
	m.sends.WithLabelValues(kind, result).Inc()
}

// lockedOut counts an escrow locked out for guessing.
func (m *metrics) lockedOut() { m.lockouts.Inc() }

// MetricsHandler serves the server's Prometheus metrics. Serve it on an
// address only the operator reaches (`passcrow serve --admin-listen`):
// the counts say how busy the server is, nothing about anyone's data.
func (s *Server) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{})
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection underneath.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// recorders keeps statusRecorders for reuse: one escapes to the heap
// with every request otherwise (the mux and handlers take it as an
// interface). No handler keeps its ResponseWriter once it returns.
var recorders = sync.Pool{New: func() any { return new(statusRecorder) }}

// counted runs next and counts the request under its route.
func (s *Server) counted(w http.ResponseWriter, r *http.Request, next func(http.ResponseWriter, *http.Request)) {
	start := time.Now()
	rec := recorders.Get().(*statusRecorder)
	rec.ResponseWriter = w
	next(rec, r)
	status := rec.status
	*rec = statusRecorder{}
	recorders.Put(rec)
	if status == 0 {
		status = http.StatusOK
	}
	s.metrics.observe(routeIndex(r.URL.Path), status, time.Since(start))
}
