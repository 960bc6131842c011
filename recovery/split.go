package recovery

import (
	"fmt"

	"github.com/hashicorp/vault/shamir"
)

// splitKey splits a Recovery Key into total fragments, any threshold of
// which give it back. A fragment is the key's length plus one byte: the
// last byte is its x coordinate (random, not its index).
func splitKey(key []byte, threshold, total int) ([]Fragment, error) {
	if total > maxFragments {
		return nil, fmt.Errorf("recovery: %d fragments asked for but at most %d are possible", total, maxFragments)
	}
	parts, err := shamir.Split(key, total, threshold)
	if err != nil {
		return nil, fmt.Errorf("recovery: splitting the key: %w", err)
	}
	out := make([]Fragment, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return out, nil
}
