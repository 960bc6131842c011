package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// decodeJSON parses one wire object strictly (unknown keys are refused, as
// by the reference's whitelists), after spelling keys with '-' for '_' as
// the reference does ("escrow_data_id" is "escrow-data-id").
func decodeJSON(data []byte, v any) error {
	data, err := normalizeKeys(data)
	if err != nil {
		return err
	}
	if err := wire.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%w: %w", ErrBadRequest, err)
	}
	return nil
}

// normalizeKeys rewrites the top-level keys of a JSON object. No key of
// ours has a '_' and base64 never does, so bodies without one are passed
// through untouched.
func normalizeKeys(data []byte) ([]byte, error) {
	if bytes.IndexByte(data, '_') < 0 {
		return data, nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) != nil {
		return data, nil // not an object: let the strict parser say why
	}
	changed := false
	out := make(map[string]json.RawMessage, len(m))
	for k, v := range m {
		nk := strings.ReplaceAll(k, "_", "-")
		if nk != k {
			changed = true
			if _, dup := m[nk]; dup {
				return nil, fmt.Errorf("%w: key %q given twice", ErrBadRequest, nk)
			}
		}
		out[nk] = v
	}
	if !changed {
		return data, nil
	}
	return json.Marshal(out)
}

// kindError is ErrUnsupportedKind for one kind, which the client is told.
type kindError struct{ kind string }

func (e *kindError) Error() string        { return fmt.Sprintf("unsupported kind of identity %q", e.kind) }
func (e *kindError) Is(target error) bool { return target == ErrUnsupportedKind }

// maxIDLen bounds a bare id: ours have 32 hex digits, the reference's at
// most 33, an ephemeral prefer-id 32.
const maxIDLen = 64

// validBareID reports whether s is a bare escrow id: 3 or more lowercase
// hex digits, as the reference demands of prefer-id.
func validBareID(s string) bool {
	if len(s) < 3 || len(s) > maxIDLen {
		return false
	}
	return isLowerHex(s)
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// parseID reads an escrow-data-id in either spelling: the full
// "<expiration hex>-<bare id>" or the bare id alone.
func parseID(s string) (bare string, exp int64, hasExp bool, err error) {
	expHex, rest, full := strings.Cut(s, "-")
	if !full {
		if !validBareID(s) {
			return "", 0, false, fmt.Errorf("%w: %q", ErrBadID, s)
		}
		return s, 0, false, nil
	}
	if expHex == "" || len(expHex) > 16 || !isLowerHex(expHex) || !validBareID(rest) {
		return "", 0, false, fmt.Errorf("%w: %q", ErrBadID, s)
	}
	e, err := strconv.ParseInt(expHex, 16, 64)
	if err != nil {
		return "", 0, false, fmt.Errorf("%w: %q", ErrBadID, s)
	}
	return rest, e, true, nil
}

// fullID is the reference's spelling of a stored escrow's id.
func fullID(e Escrow) string { return strconv.FormatInt(e.Expiration, 16) + "-" + e.ID }
