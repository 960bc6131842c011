package recovery

import (
	"context"
	"errors"
	"fmt"
)

// Forget deletes every fragment of p from its location, and the escrowed
// copy of an imported ephemeral pack. It tries them all and returns the
// failures joined, each naming its location. Delete the pack only when
// Forget succeeded (or the user insists): it is the only list of what
// is out there.
func Forget(ctx context.Context, p *Pack, keepers Keepers) error {
	recs := p.Records
	if p.Ephemeral != nil {
		recs = append(recs[:len(recs):len(recs)], *p.Ephemeral)
	}
	var errs []error
	for _, r := range recs {
		k, err := keepers.keeper(r.Kind)
		if err == nil {
			err = k.Delete(ctx, r)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("recovery: deleting the fragment at %s: %w", describe(r), err))
		}
	}
	return errors.Join(errs...)
}
