// Package papercode is the typable text of a fragment printed on paper: a
// short binary payload (a sealed Shamir share, about 50 bytes) written as
// "PC1" followed by bech32 characters and a checksum that not only detects
// typos but says where they are. The same uppercase string goes into the
// QR code (alphanumeric mode) and, split into groups of four by Group, into
// the printed text.
//
// The checksum is codex32's (BIP-93): a BCH code over GF(32) that detects
// any 8 wrong characters and locates up to 4. Its 13-character "short"
// form protects at most 80 data characters, so payloads up to ShortMax (50)
// bytes use it and longer ones, up to MaxPayload (68) bytes, the
// 15-character long form. Only the human-readable part differs from
// codex32: ours is "pc", put through the checksum as bech32 does (its
// expanded symbols go in ahead of the data), so the checksum covers the
// prefix as well as the data. There is no codex32 header
// (threshold, identifier, share index): the payload follows the prefix.
//
// Layout, for a payload of n bytes:
//
//	PC1 | ceil(8n/5) characters: the payload's bits, 5 at a time, most
//	      significant first, the last padded with zero bits
//	    | 13 checksum characters if n ≤ 50, else 15
//
// The checksum characters make the residue of hrp-expansion ‖ data ‖
// checksum, computed by BIP-93's ms32_polymod (or ms32_long_polymod),
// equal to BIP-93's MS32_CONST (or MS32_LONG_CONST).
//
// Decode reports and never corrects: a located typo is an error naming the
// group and character, so the person looks at the paper again instead of
// trusting a guess. A missing or doubled character is located as well.
// The errors' messages are plain English; an app that shows them in other
// languages builds its own from their fields (Positions, Groups, GroupOf).
//
// Beyond four typos a BCH decoder can only detect, and now and then the
// damaged text lies within four characters of another valid code, so the
// places it names are wrong: in our trials (a million texts for each
// count of typos) 29 in a million with five typos, 10 with six, 4 with
// seven, 3 with eight, all with the short checksum, whose length-93 code
// has more low-weight codewords than a random one. Decode then still
// refuses the text; it never returns a payload for a text that is not
// exactly a code.
package papercode
