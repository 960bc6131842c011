// Package wire holds the Passcrow protocol 1.0 as it is on the wire: the
// message types, the JSON spelling of the Python reference implementation,
// and the AES-GCM envelope that protects escrowed data.
//
// Both the client in recovery/ and the server in server/ speak through this
// package only, so the bytes they exchange are defined in one place and
// checked against the captured traffic in ../shared/vectors.
package wire
