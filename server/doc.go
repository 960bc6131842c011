// Package server is a Passcrow escrow server anyone can run: it keeps
// encrypted fragments of other people's secrets and gives each back only to
// someone who proves control of the identity named inside it.
//
// It speaks protocol 1.0 exactly as the Python reference server does (see
// ../shared/protocol/WIRE-FORMAT.txt), so the reference client works against
// it unchanged, and it closes the reference's weak spots: verification codes
// die after five wrong guesses and after one successful recovery, a code is
// kept only once its message went out, hashcash tokens cannot be replayed,
// underpayment is refused instead of silently shortened, an escrow id is
// never overwritten, malformed requests get a JSON error instead of a crash,
// and deletion can require the escrow key.
//
// Anyone can escrow a fragment naming someone else's address for free, so
// the server would otherwise mail that person as often as it was asked.
// It sends at most one code per escrow per Config.ResendInterval (default
// a minute) and answers a request within it with the error "Please wait
// before asking for another code" and a Retry-After header. Voiding a code
// with wrong guesses does not reset the wait; a failed send does. A
// per-IP token bucket (Config.RateLimit, RateBurst) bounds requests of
// every kind.
//
// The pieces: Server (an http.Handler; serveX methods do HTTP, processX
// methods hold the logic), Store (where escrows, codes and spent payment
// tokens live: NewMemoryStore, or OpenBoltStore, the default when
// Config.DataDir is set, which keeps escrows on disk and the short-lived
// codes and tokens in memory), the payment schemes of the policy, and
// ListenAndServe, which runs a handler with sane timeouts until its context
// ends. Codes are delivered by a verify.Verifier per identity kind.
package server
