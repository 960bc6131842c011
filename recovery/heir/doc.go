// Package heir lets an owner leave a secret to an heir who has never
// heard of Passcrow, and lets that heir recover it on a fresh install
// from one printed sheet: a location of kind "heir", as Bitwarden's
// emergency access and Apple's Legacy Contact do it.
//
// The heir's fragment is escrowed on a Passcrow server of ours under the
// heir's own address, together with a copy of the owner's pack, and is
// released only a number of days after the heir's code is first verified.
// The owner's notify identity is told at once and again before release,
// and the owner stops it (Keeper.Cancel) with an owner token that is
// kept only in the owner's pack. The waiting period lives on the server
// (server/release.go), so the heir cannot shorten it; Location places an
// heir's fragment only on a server that advertises it.
//
// The inheritance sheet (WriteSheet) holds the server and a 128-bit heir
// key, as text with a checksum that points at typos and as a QR code
// (Sheet). The heir's side is Claimant: Begin sends the heir a code,
// Claim trades it for the pack and the heir's fragment once the wait is
// over (before that, a *ReleasePendingError says when), and
// Claimed.Recovery goes on to the pack's other fragments.
//
// Every escrow of a sheet is found from its key: ids and keys are
// derived (HKDF-SHA256) for generation 0 to Generations-1, so that
// renewing the pack (RenewLocation) makes a new escrow under the next
// generation and the printed sheet keeps working; the heir asks for all
// of them in one request and takes the newest. docs/INHERITANCE.md has
// the design and what an attacker can and cannot do.
package heir
