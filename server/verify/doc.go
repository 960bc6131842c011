// Package verify is how a Passcrow server delivers a verification code to
// the identity that protects an escrowed fragment.
//
// A Verifier sends one Message. SMTP hands it to a mail server; Outbox
// writes it as a file, for the demo mode and scripted tests, where ReadCode
// gets the code back out. Compose builds the e-mail text both of them use,
// in the requester's language, and Hint gives the masked address the
// server returns so the user knows where to look without learning the
// address.
package verify
