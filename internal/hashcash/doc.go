// Package hashcash is the Passcrow 1.0 proof of work that pays for an escrow
// request: tokens "hashcash-<bits>:<counter hex>-<ts hex>" whose scrypt
// digest ends in <bits> zero bits, checked by servers (Verify) and found by
// clients (Solve). WIRE-FORMAT.txt section 7 describes the rule.
//
// The scrypt parameters are fixed by the protocol (N=256, r=8, p=1, empty
// salt, 16 bytes), so the package carries its own scrypt for exactly those:
// pooled buffers instead of 260 KiB allocated per try, and on amd64 an SSE2
// Salsa20/8, together about twice as fast as golang.org/x/crypto/scrypt,
// against which the tests check it.
package hashcash
