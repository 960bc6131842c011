package server

import (
	"errors"

	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// Expected outcomes of a request. wireError turns each into the string the
// client sees; anything else is reported as "Internal Error" and logged.
var (
	ErrBadRequest         = errors.New("malformed request")
	ErrVersion            = errors.New("unsupported protocol version")
	ErrEscrowDataCount    = errors.New("escrow-data must have exactly one element")
	ErrBadKey             = errors.New("malformed key")
	ErrWrongKey           = errors.New("key does not open the data")
	ErrUnsupportedKind    = errors.New("unsupported kind of identity")
	ErrInsufficientPay    = errors.New("insufficient payment")
	ErrPaymentSpent       = errors.New("payment token already spent")
	ErrExpired            = errors.New("expiration is not in the future")
	ErrBadID              = errors.New("malformed escrow-data-id")
	ErrIDTaken            = errors.New("escrow-data-id already in use")
	ErrNoEscrow           = errors.New("no such escrow")
	ErrBadLanguage        = errors.New("missing or malformed language")
	ErrBadPrefix          = errors.New("prefix must be at most one printable character")
	ErrSendFailed         = errors.New("verification message could not be sent")
	ErrNoCode             = errors.New("no verification code pending")
	ErrIncorrectCode      = errors.New("incorrect verification code")
	ErrRequestTooLarge    = errors.New("request too large")
	ErrRateLimited        = errors.New("rate limited")
	ErrTooSoon            = errors.New("verification asked again too soon")
	errMalformedEscrowRaw = errors.New("stored escrow data is malformed")
)

// Error strings of our own, where the reference has only "Internal Error".
// The reference client treats every "error" alike, so clearer words cost
// nothing in compatibility.
const (
	errStrVersion         = "Unsupported protocol version"
	errStrEscrowDataCount = "Exactly one escrow-data element is supported"
	errStrBadKey          = "Malformed key"
	errStrWrongKey        = "Wrong key"
	errStrPaymentSpent    = "Payment already used"
	errStrExpired         = "Expiration must be in the future"
	errStrBadID           = "Malformed escrow-data-id"
	errStrIDTaken         = "Escrow ID already in use"
	errStrNoEscrow        = "No such escrow"
	errStrBadLanguage     = "Missing or malformed language"
	errStrBadPrefix       = "Prefix must be at most one character"
	errStrSendFailed      = "Could not send the verification code"
	errStrNoCode          = wire.ErrNoCode
	errStrNotFound        = "Not found"
	errStrMethod          = "Method not allowed"
	errStrTooSoon         = wire.ErrTooSoon
)

// wireError is the one place that decides what a client learns about an
// error.
func wireError(err error) string {
	if we, ok := errors.AsType[wireErrorer](err); ok {
		return we.wireString()
	}
	switch {
	case errors.Is(err, ErrBadRequest):
		return wire.ErrBadRequest
	case errors.Is(err, ErrVersion):
		return errStrVersion
	case errors.Is(err, ErrEscrowDataCount):
		return errStrEscrowDataCount
	case errors.Is(err, ErrBadKey):
		return errStrBadKey
	case errors.Is(err, ErrWrongKey):
		return errStrWrongKey
	case errors.Is(err, ErrUnsupportedKind):
		kind := ""
		if ke, ok := errors.AsType[*kindError](err); ok {
			kind = ke.kind
		}
		return wire.ErrUnsupportedKindP + kind
	case errors.Is(err, ErrInsufficientPay):
		return wire.ErrInsufficientPay
	case errors.Is(err, ErrPaymentSpent):
		return errStrPaymentSpent
	case errors.Is(err, ErrExpired):
		return errStrExpired
	case errors.Is(err, ErrBadID):
		return errStrBadID
	case errors.Is(err, ErrIDTaken):
		return errStrIDTaken
	case errors.Is(err, ErrNoEscrow):
		return errStrNoEscrow
	case errors.Is(err, ErrBadLanguage):
		return errStrBadLanguage
	case errors.Is(err, ErrBadPrefix):
		return errStrBadPrefix
	case errors.Is(err, ErrSendFailed):
		return errStrSendFailed
	case errors.Is(err, ErrNoCode):
		return errStrNoCode
	case errors.Is(err, ErrIncorrectCode):
		return wire.ErrIncorrectCode
	case errors.Is(err, ErrRequestTooLarge):
		return wire.ErrRequestTooLarge
	case errors.Is(err, ErrRateLimited):
		return wire.ErrRateLimited
	case errors.Is(err, ErrTooSoon):
		return errStrTooSoon
	}
	return wire.ErrInternal
}

// A wireErrorer is an error that words its own answer (extensions of
// ours, release.go).
type wireErrorer interface {
	error
	wireString() string
}

// expected reports whether err is an ordinary refusal rather than a fault
// worth an operator's attention.
func expected(err error) bool {
	return wireError(err) != wire.ErrInternal
}
