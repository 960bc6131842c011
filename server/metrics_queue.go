package server

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/passcrow/passcrow-desktop/server/verify"
)

// queueCollector reports, at each scrape, the counts of every verifier
// that keeps them (verify.Queue): what was queued, sent, retried, given
// up on and dropped at shutdown, and what is waiting now. A verifier
// serving several kinds is reported once, under its first kind.
type queueCollector struct {
	sources map[string]verify.StatsSource // kind -> source
	descs   map[string]*prometheus.Desc
}

func newQueueCollector(verifiers map[string]verify.Verifier) *queueCollector {
	c := &queueCollector{sources: map[string]verify.StatsSource{}, descs: map[string]*prometheus.Desc{}}
	seen := map[verify.StatsSource]bool{}
	for _, kind := range sortedKinds(verifiers) {
		if s, ok := verifiers[kind].(verify.StatsSource); ok && !seen[s] {
			seen[s] = true
			c.sources[kind] = s
		}
	}
	for name, help := range map[string]string{
		"queued":   "Messages taken by the verifier's queue.",
		"sent":     "Messages the queue handed on successfully.",
		"retries":  "Tries after a failed one.",
		"failed":   "Messages given up on: a permanent error, or every try failed.",
		"dropped":  "Messages abandoned when the server stopped.",
		"pending":  "Messages queued, in flight or waiting to retry now.",
		"inflight": "Messages being handed on right now.",
	} {
		suffix := "_total"
		if name == "pending" || name == "inflight" {
			suffix = ""
		}
		c.descs[name] = prometheus.NewDesc("passcrow_outbound_"+name+suffix, help, []string{"kind"}, nil)
	}
	return c
}

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
}

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	for kind, s := range c.sources {
		st := s.Stats()
		for name, v := range map[string]int64{"queued": st.Queued, "sent": st.Sent, "retries": st.Retries,
			"failed": st.Failed, "dropped": st.Dropped} {
			ch <- prometheus.MustNewConstMetric(c.descs[name], prometheus.CounterValue, float64(v), kind)
		}
		ch <- prometheus.MustNewConstMetric(c.descs["pending"], prometheus.GaugeValue, float64(st.Pending), kind)
		ch <- prometheus.MustNewConstMetric(c.descs["inflight"], prometheus.GaugeValue, float64(st.InFlight), kind)
	}
}
