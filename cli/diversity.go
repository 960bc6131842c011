package cli

import (
	"context"
	"net"
	"time"

	"github.com/passcrow/passcrow-desktop/recovery/diversity"
)

// diversityResolver looks up mail servers for the provider-diversity
// warning; tests point it at a DNS server of their own (export_test.go).
var diversityResolver diversity.Resolver = net.DefaultResolver

// diversityTimeout bounds the MX lookups: the warning is advice, and a
// computer without DNS must still be able to protect.
const diversityTimeout = 10 * time.Second

// diversityWarnings says which locations seem to sit with one mail
// provider, who could then lose, read or be made to hand over both.
// Lookups that fail are said as a notice; the warnings found without
// them still count.
func (e *env) diversityWarnings(plans []*planned) []string {
	var places []diversity.Place
	for _, p := range plans {
		places = append(places, p.places...)
	}
	if len(places) < 2 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), diversityTimeout)
	defer cancel()
	ws, err := diversity.Check(ctx, diversityResolver, places)
	if err != nil {
		e.notice("passcrow: could not compare every mail provider: %v", err)
	}
	out := make([]string, 0, len(ws))
	for _, w := range ws {
		out = append(out, w.String())
	}
	return out
}
