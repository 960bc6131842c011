package hashcash

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"sync"
)

// The protocol fixes scrypt's parameters, so the key derivation below is
// specialised to them: N=256, r=8, p=1, empty salt, 16-byte output. Solving
// runs thousands of derivations; golang.org/x/crypto/scrypt allocates about
// 260 KiB on each one, while a scrypter keeps its buffers and is pooled.
// Tests check it against x/crypto/scrypt on random passwords.
const (
	scryptN    = 256
	scryptR    = 8
	blockWords = 32 * scryptR // one scrypt block B_i: 128*r bytes as uint32s
	keyLen     = 16
)

type block [blockWords]uint32

// A scrypter holds the working memory of one derivation at a time.
type scrypter struct {
	m    *mixer
	v    [scryptN]block
	x, y block
	b    [4 * blockWords]byte
	sum  [sha256.Size]byte
}

var scrypters = sync.Pool{New: func() any { return newScrypter(defaultMixer) }}

func newScrypter(m *mixer) *scrypter { return &scrypter{m: m} }

// key returns scrypt(password, "", 256, 8, 1, 16).
func (s *scrypter) key(password []byte) (out [keyLen]byte) {
	mac := hmac.New(sha256.New, password)

	// B = PBKDF2-HMAC-SHA256(password, salt="", c=1, 128*r bytes).
	for i := 0; i < len(s.b)/sha256.Size; i++ {
		mac.Reset()
		pbkdf2Block(mac, uint32(i+1), s.b[i*sha256.Size:i*sha256.Size])
	}
	m := s.m
	m.load(&s.v[0], s.b[:])
	// ROMix, with V_0 = X and X = BlockMix(V_{N-1}) taken in place.
	for i := 0; i < scryptN-1; i++ {
		m.mix(&s.v[i], &zeroBlock, &s.v[i+1])
	}
	m.mix(&s.v[scryptN-1], &zeroBlock, &s.x)
	for i := 0; i < scryptN; i += 2 {
		m.mix(&s.x, &s.v[s.x[blockWords-16]&(scryptN-1)], &s.y)
		m.mix(&s.y, &s.v[s.y[blockWords-16]&(scryptN-1)], &s.x)
	}
	m.store(s.b[:], &s.x)

	// DK = PBKDF2-HMAC-SHA256(password, salt=B, c=1, 16 bytes).
	mac.Reset()
	mac.Write(s.b[:])
	pbkdf2Block(mac, 1, s.sum[:0])
	copy(out[:], s.sum[:])
	return out
}

// pbkdf2Block appends U_1 = HMAC(password, salt || BE32(i)) to dst, the
// whole of PBKDF2's block i when c=1; mac has been fed the salt already.
func pbkdf2Block(mac hash.Hash, i uint32, dst []byte) {
	var ctr [4]byte
	binary.BigEndian.PutUint32(ctr[:], i)
	mac.Write(ctr[:])
	mac.Sum(dst)
}

// A mixer is one implementation of BlockMix with the word order it keeps
// blocks in; word 0 of each 16-word sub-block must stay in place, because
// ROMix reads it from the last sub-block to pick V_j.
type mixer struct {
	name  string
	load  func(x *block, b []byte) // little-endian bytes -> x
	store func(b []byte, x *block)
	mix   func(in, v, out *block) // out = BlockMix(in ^ v); out aliases neither
}

var zeroBlock block
