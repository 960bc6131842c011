package recovery

import "maps"

// Fetched returns a copy of the fragments fetched so far, by code prefix.
// A program that stops before it has enough (the CLI between two runs)
// keeps them and calls Resume later: a code works only once, so without
// them the user would have to ask for codes again.
func (r *Recovery) Fetched() map[string]Fragment {
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.fetched)
}

// Resume adds fragments fetched earlier by another Recovery of the same
// pack. Prefixes the pack does not have are ignored; a wrong fragment is
// found, and named, when the secret is combined.
func (r *Recovery) Resume(fetched map[string]Fragment) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, rec := range r.pack.Records {
		if f, ok := fetched[rec.Prefix]; ok {
			r.fetched[rec.Prefix] = f
		}
	}
}
