// Package recovery lets an application keep a secret it can get back when
// the user has forgotten the password that normally guards it, without
// trusting any one place with it.
//
// Protect makes a random Recovery Key, seals the secret with it
// (AES-256-GCM), and splits the key into Shamir fragments
// (github.com/hashicorp/vault/shamir). Each fragment goes to a Location:
// a Passcrow server that releases it when the user proves an identity
// with a code, and later an IMAP mailbox, a friend, a hard copy. What is
// needed to find the fragments again is kept in a Pack, together with the
// sealed secret and, when the Policy asks for a single location, one
// extra fragment kept in the pack itself, so that the pack alone never
// opens the secret.
//
// A Recovery asks every location to send the user a code (RequestCodes),
// trades each code the user types for a fragment (SubmitCode; the code's
// first character says which location it belongs to), and combines the
// fragments once there are enough (Secret). The recovered key is checked
// against the sealed secret, so a wrong fragment is noticed; when more
// fragments than needed are at hand, Combine finds the ones that fit and
// names the location that sent a bad one.
//
// Forget deletes every escrowed fragment; Renew protects the secret afresh
// before the fragments expire. Packs made by the reference Python client
// (.passcrow files) are imported with ImportReferencePack.
//
// Locations and Keepers (location.go) are the extension points: the
// Passcrow-server kind lives in passcrow*.go; new kinds are new files.
// Nothing in this package talks to the user: the flows take a context and
// report through Progress callbacks.
package recovery
