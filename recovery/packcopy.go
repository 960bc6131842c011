package recovery

import (
	"context"
	"fmt"
)

// A PackCopier is a Location whose fragment travels together with a copy
// of the finished pack: an heir's escrow (recovery/heir) gives the heir
// the pack and a fragment, so that an heir with nothing but a printed
// sheet can recover. The pack is finished only once every location is
// placed, so Protect places a PackCopier in two steps: Place, in turn
// with the others, only gets ready (it copies the fragment and checks
// that the place can take it) and returns the Record the pack will hold;
// once every location is placed, PlaceWithPack puts the fragment and the
// copy in place, and what it returns replaces that Record. A failure in
// either step rolls back every placement, so a PackCopier's Keeper must
// take a Delete of a record whose PlaceWithPack never ran.
type PackCopier interface {
	Location
	// PlaceWithPack places the fragment Place got ready, with a copy of
	// p, which is the pack as Protect will return it (r among its
	// Records). It must not change p.
	PlaceWithPack(ctx context.Context, p *Pack, r Record) (Record, error)
}

// placeWithPack runs the second step of every PackCopier among locs, in
// order; p.Records[i] is what locs[i] placed. beforeContact is Protect's
// Spread: a PackCopier's second step is a contact of its own.
func placeWithPack(ctx context.Context, p *Pack, locs []Location, report func(where, stage string, fraction float64),
	beforeContact func(ctx context.Context, where string) error) error {
	for i, l := range locs {
		pc, ok := l.(PackCopier)
		if !ok {
			continue
		}
		if contactsSomeone(l) {
			if err := beforeContact(ctx, l.Describe()); err != nil {
				return fmt.Errorf("recovery: waiting before %s: %w", l.Describe(), err)
			}
		}
		report(l.Describe(), "placing with the pack", -1)
		r, err := pc.PlaceWithPack(ctx, p, p.Records[i])
		if err == nil {
			err = checkPlaced(l, p.Records[i].Prefix, &r)
		}
		if err != nil {
			return fmt.Errorf("recovery: placing a fragment at %s: %w", l.Describe(), err)
		}
		p.Records[i] = r
		report(l.Describe(), "placed", 1)
	}
	return nil
}
