package ptero

import (
	"crypto/sha256"
	"encoding/binary"
	"math"
	"math/bits"
)

// hashIDs turns numeric database ids into the client API's short string ids
// ("bEY4yAD5", document 001) and back. It is a salted Feistel permutation of
// the id followed by base62: ids below 2^46 (every id a real deployment will
// reach) take exactly 8 characters, larger ones exactly 11. It obscures the
// id; it is not a secret, and no access decision rests on it.
type hashIDs struct {
	keys [hashRounds]uint64
}

const (
	hashRounds   = 6
	hashAlphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	smallBits    = 46 // 62^8 > 2^46: a permuted small id fits in 8 characters
	smallLen     = 8
	largeLen     = 11 // 62^11 > 2^64
)

// newHashIDs derives the round keys from salt. Every replica of a
// deployment must use the same salt, or ids will not decode.
func newHashIDs(salt string) *hashIDs {
	h := &hashIDs{}
	sum := sha256.Sum256([]byte("dbplane/ptero/hashid\x00" + salt))
	for i := range h.keys {
		if i%4 == 0 && i > 0 {
			sum = sha256.Sum256(sum[:])
		}
		h.keys[i] = binary.BigEndian.Uint64(sum[(i%4)*8:])
	}
	return h
}

// Encode returns the string id of id, which must not be negative.
func (h *hashIDs) Encode(id int64) string {
	v := uint64(id)
	if v < 1<<smallBits {
		return base62(h.permute(v, smallBits/2), smallLen)
	}
	return base62(h.permute(v, 32), largeLen)
}

// Decode returns the numeric id of s. Only strings that Encode makes
// decode: anything else, including a valid-looking string that does not
// round-trip, reports false.
func (h *hashIDs) Decode(s string) (int64, bool) {
	var half uint
	switch len(s) {
	case smallLen:
		half = smallBits / 2
	case largeLen:
		half = 32
	default:
		return 0, false
	}
	v, ok := parseBase62(s)
	if !ok || (len(s) == smallLen && v >= 1<<smallBits) {
		return 0, false
	}
	id := h.unpermute(v, half)
	if id > math.MaxInt64 || h.Encode(int64(id)) != s {
		return 0, false
	}
	return int64(id), true
}

// permute runs a balanced Feistel network over the low 2*half bits of v.
func (h *hashIDs) permute(v uint64, half uint) uint64 {
	mask := uint64(1)<<half - 1
	l, r := v>>half&mask, v&mask
	for _, k := range h.keys {
		l, r = r, l^(mix(r^k)&mask)
	}
	return l<<half | r
}

func (h *hashIDs) unpermute(v uint64, half uint) uint64 {
	mask := uint64(1)<<half - 1
	l, r := v>>half&mask, v&mask
	for i := len(h.keys) - 1; i >= 0; i-- {
		l, r = r^(mix(l^h.keys[i])&mask), l
	}
	return l<<half | r
}

// mix is SplitMix64's finaliser: a cheap bijection with good avalanche.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// base62 writes v in exactly n digits, padding with the zero digit.
func base62(v uint64, n int) string {
	b := make([]byte, n)
	for i := n - 1; i >= 0; i-- {
		b[i] = hashAlphabet[v%62]
		v /= 62
	}
	return string(b)
}

func parseBase62(s string) (uint64, bool) {
	var v uint64
	for i := 0; i < len(s); i++ {
		d := digit62(s[i])
		if d < 0 {
			return 0, false
		}
		hi, lo := bits.Mul64(v, 62)
		lo, carry := bits.Add64(lo, uint64(d), 0)
		if hi != 0 || carry != 0 {
			return 0, false
		}
		v = lo
	}
	return v, true
}

func digit62(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'z':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'Z':
		return int(c-'A') + 36
	}
	return -1
}
