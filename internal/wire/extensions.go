package wire

import "encoding/json"

// Extensions of our server beyond protocol 1.0. The reference client
// refuses any key it does not know in any message it parses, and the
// reference server any key in a request, so nothing here ever appears in
// a 1.0 message: a server advertises its extensions at a path of its own
// (MethodExtensions, where a reference server answers with an error), and
// a client uses an extension only with a server that advertised it, in
// requests to the extension's own paths. See docs/INHERITANCE.md.
const (
	// MethodExtensions answers an Extensions object to POST "{}" or GET.
	MethodExtensions = "extensions"

	// ExtReleaseDelay is an escrow released only a number of days after
	// its code was first verified, which its owner can stop meanwhile.
	ExtReleaseDelay = "release-delay"

	// The methods of ExtReleaseDelay, after /passcrow/.
	MethodDelayedEscrow = "x/delayed-escrow"
	MethodReleaseStatus = "x/release-status"
	MethodReleaseCancel = "x/release-cancel"
	MethodReleaseDelete = "x/release-delete"
)

// Error strings of ExtReleaseDelay. ErrReleasePendingP is followed by the
// time of release in RFC 3339 form, UTC ("2026-05-01T12:00:00Z"); it is
// the answer to a 1.0 recovery request, whose other fields stay as 1.0
// has them.
const (
	ErrReleasePendingP = "Release pending until "
	ErrOwnerToken      = "Wrong owner token"
	ErrReleaseOwned    = "This escrow has a waiting period; only its owner can delete it"
)

// Extensions is a server's answer at MethodExtensions. A client ignores
// extensions it does not know.
type Extensions struct {
	Extensions   []string          `json:"passcrow-extensions"`
	ReleaseDelay *ReleaseDelayInfo `json:"release-delay,omitempty"`
}

// ReleaseDelayInfo is what a server says about ExtReleaseDelay.
type ReleaseDelayInfo struct {
	MinDays int `json:"min-days"`
	MaxDays int `json:"max-days"`
	// MaxRequestBytes bounds a MethodDelayedEscrow request, which may be
	// larger than a 1.0 request (it carries a copy of a pack).
	MaxRequestBytes int64 `json:"max-request-bytes"`
}

// DelayedEscrowRequest is a 1.0 escrow request, unchanged, with the
// waiting period its escrow gets from birth: the server stores both in
// one step, so there is no moment at which the escrow would be released
// at once. The answer is the 1.0 EscrowResponse.
type DelayedEscrowRequest struct {
	Version       string          `json:"passcrow-delayed-escrow-request"`
	EscrowRequest json.RawMessage `json:"escrow-request"`
	DelayDays     int             `json:"release-delay-days"`
	// OwnerToken (base64 of 32 random bytes) is kept by the owner only;
	// it cancels a pending release and deletes the escrow. The server
	// keeps only its SHA-256.
	OwnerToken string `json:"owner-token"`
	// OwnerLanguage is the language of the notices to the owner.
	OwnerLanguage string `json:"owner-language"`
}

// EscrowRef names an escrow and proves its key.
type EscrowRef struct {
	EscrowDataID  string `json:"escrow-data-id"`
	EscrowDataKey string `json:"escrow-data-key"`
}

// ReleaseStatusRequest asks about several escrows at once (an heir looks
// for the newest of a sheet's escrows in one request).
type ReleaseStatusRequest struct {
	Version string      `json:"passcrow-release-status-request"`
	Escrows []EscrowRef `json:"escrows"`
}

// ReleaseStatusResponse answers in the order asked.
type ReleaseStatusResponse struct {
	Version string          `json:"passcrow-release-status-response"`
	Escrows []ReleaseStatus `json:"escrows,omitempty"`
	Error   string          `json:"error,omitempty"`
}

// ReleaseStatus is one escrow's state; times are unix seconds, 0 for
// none. Found is false for an escrow that is gone or whose key is wrong.
type ReleaseStatus struct {
	EscrowDataID string `json:"escrow-data-id"`
	Found        bool   `json:"found"`
	Expiration   int64  `json:"expiration,omitempty"`
	DelayDays    int    `json:"release-delay-days,omitempty"`
	// ClaimedAt is when a verified code started the waiting period,
	// ReleaseAt when it ends, RemindedAt when the owner was told again
	// before release, ReleasedAt when the escrow was first released.
	ClaimedAt  int64 `json:"claimed-at,omitempty"`
	ReleaseAt  int64 `json:"release-at,omitempty"`
	RemindedAt int64 `json:"reminded-at,omitempty"`
	ReleasedAt int64 `json:"released-at,omitempty"`
}

// OwnerRequest cancels a pending release (MethodReleaseCancel) or deletes
// the escrow (MethodReleaseDelete), proven by the owner token.
type OwnerRequest struct {
	Version      string `json:"passcrow-owner-request"`
	EscrowDataID string `json:"escrow-data-id"`
	OwnerToken   string `json:"owner-token"`
}

// OwnerResponse says whether a release was pending when it was cancelled
// (always false for a deletion).
type OwnerResponse struct {
	Version   string `json:"passcrow-owner-response"`
	Cancelled bool   `json:"cancelled,omitempty"`
	Error     string `json:"error,omitempty"`
}

// ExtVersion is the version of our extension messages.
const ExtVersion = "1"
