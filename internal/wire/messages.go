package wire

// Version is the only protocol version there is.
const Version = "1.0"

// The RPC method names, as they appear after /passcrow/.
const (
	MethodPolicy       = "policy"
	MethodEscrow       = "escrowrequest"
	MethodVerification = "verificationrequest"
	MethodRecovery     = "recoveryrequest"
	MethodDeletion     = "deletionrequest"
)

// Policy is a server's answer to /passcrow/policy.
type Policy struct {
	Versions             []string        `json:"passcrow-versions"`
	CountryCode          string          `json:"country-code"`
	AboutURL             string          `json:"about-url"`
	Kinds                []string        `json:"kinds"`
	MaxRequestBytes      int64           `json:"max-request-bytes"`
	MaxExpirationSeconds int64           `json:"max-expiration-seconds"`
	MaxTimeoutSeconds    int64           `json:"max-timeout-seconds"`
	PaymentSchemes       []PaymentScheme `json:"payment-schemes"`
	Error                string          `json:"error,omitempty"`
}

// PaymentScheme is one way to pay for escrow: "free" or "hashcash".
type PaymentScheme struct {
	Scheme            string `json:"scheme"`
	SchemeID          string `json:"scheme-id"`
	Description       string `json:"description"`
	ExpirationSeconds int64  `json:"expiration-seconds"`
	HashcashBits      int    `json:"hashcash-bits,omitempty"`
}

// EscrowRequest asks a server to keep one fragment. Parameters and each
// EscrowData element are sealed envelopes; ParametersKey opens Parameters,
// while the key of EscrowData stays with the client (the pack's
// "recovery-key"). EscrowData must have exactly one element: the reference
// server joins the list with "" and stores that.
type EscrowRequest struct {
	Version       string   `json:"passcrow-escrow-request"`
	Parameters    string   `json:"parameters"`
	ParametersKey string   `json:"parameters-key"`
	EscrowData    []string `json:"escrow-data"`
}

// EscrowParameters is the plaintext of EscrowRequest.Parameters.
type EscrowParameters struct {
	Kind       string `json:"kind"`
	Expiration int64  `json:"expiration"`
	Payment    string `json:"payment"`
	PreferID   string `json:"prefer-id,omitempty"`
}

// EscrowData is the plaintext of one EscrowRequest.EscrowData element.
type EscrowData struct {
	Description string `json:"description"`
	Secret      string `json:"secret"`
	Verify      string `json:"verify"`
	Timeout     int64  `json:"timeout"`
	Notify      string `json:"notify,omitempty"`
}

// EscrowResponse is the answer to an EscrowRequest. The reference client
// stores it verbatim in its pack, so its key order matters.
type EscrowResponse struct {
	Version      string `json:"passcrow-escrow-response"`
	Expiration   int64  `json:"expiration,omitempty"`
	EscrowDataID string `json:"escrow-data-id,omitempty"`
	Error        string `json:"error,omitempty"`
}

// VerificationRequest asks a server to send a code to the escrow's identity.
type VerificationRequest struct {
	Version       string `json:"passcrow-verification-request"`
	Language      string `json:"language"`
	Prefix        string `json:"prefix"`
	EscrowDataID  string `json:"escrow-data-id"`
	EscrowDataKey string `json:"escrow-data-key"`
}

// VerificationResponse says where the code went (Hint) and until when it
// is valid; ActionURL, when set, is a page the user must visit.
type VerificationResponse struct {
	Version      string `json:"passcrow-verification-response"`
	EscrowDataID string `json:"escrow-data-id,omitempty"`
	Expiration   int64  `json:"expiration,omitempty"`
	Hint         string `json:"hint,omitempty"`
	ActionURL    string `json:"action-url,omitempty"`
	Error        string `json:"error,omitempty"`
}

// RecoveryRequest trades a verification code for the escrowed secret.
type RecoveryRequest struct {
	Version       string `json:"passcrow-recovery-request"`
	Verification  string `json:"verification"`
	EscrowDataID  string `json:"escrow-data-id"`
	EscrowDataKey string `json:"escrow-data-key"`
}

// RecoveryResponse carries the escrowed secret (EscrowData.Secret).
type RecoveryResponse struct {
	Version      string `json:"passcrow-recovery-response"`
	EscrowSecret string `json:"escrow-secret,omitempty"`
	Error        string `json:"error,omitempty"`
}

// DeletionRequest removes an escrow. EscrowDataKey is our extension: the
// reference neither sends nor needs it, and our server accepts it to prove
// ownership when present.
type DeletionRequest struct {
	Version       string `json:"passcrow-deletion-request"`
	EscrowDataID  string `json:"escrow-data-id"`
	EscrowDataKey string `json:"escrow-data-key,omitempty"`
}

// DeletionResponse is empty but for the version, or an error.
type DeletionResponse struct {
	Version string `json:"passcrow-deletion-response"`
	Error   string `json:"error,omitempty"`
}

// ErrorResponse is the bare {"error": ...} used where no method applies.
type ErrorResponse struct {
	Error string `json:"error"`
}

// Error strings the reference puts on the wire; clients match on them.
const (
	ErrInternal         = "Internal Error"
	ErrInsufficientPay  = "Insufficient payment"
	ErrIncorrectCode    = "Incorrect verfication code" // sic: the typo is on the wire
	ErrRequestTooLarge  = "Request too large"
	ErrUnsupportedKindP = "Unsupported kind of Identity: " // followed by the kind
	ErrUnsupportedP     = "Unsupported: "                  // followed by the method
	ErrRateLimited      = "Sorry, rate limited."
	// ErrNoCode is our server's answer when no code is pending: never
	// asked for, expired, used up by a recovery or by 5 wrong guesses.
	// The reference says "Internal Error" there.
	ErrNoCode = "No valid verification code, please request a new one"
	// ErrTooSoon is our server's answer to a second code for one escrow
	// within its resend interval (a minute by default).
	ErrTooSoon    = "Please wait before asking for another code"
	ErrBadRequest = "Bad request"
	// ErrLockedOutP starts our server's answer for an escrow locked out
	// after too many wrong codes, and ErrSendLimitP its answer when the
	// identity had as many codes as it may for now; RetryTimeFormat
	// follows, the time to try again.
	ErrLockedOutP   = "Too many wrong codes for this escrow; try again after "
	ErrSendLimitP   = "Too many codes sent to this address; try again after "
	RetryTimeFormat = "2006-01-02 15:04 UTC"
)
