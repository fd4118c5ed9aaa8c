// Package secret seals stored credentials with AES-256-GCM under a master key.
//
// Every sealed value names the key that sealed it, so the master key can be
// rotated online: a Sealer opens values sealed by any of its keys and seals
// new ones with its primary key, and KeyID tells which values still need to
// be re-sealed.
//
// Sealed format (version 1):
//
//	byte 0            version (1)
//	byte 1            n, the length of the key id (1..32)
//	bytes 2..2+n      key id
//	next 12 bytes     random nonce
//	rest              AES-256-GCM ciphertext and 16-byte tag
//
// The GCM additional data is the header (version, id length, id) followed by
// the caller's aad, so neither the key id nor the row a value belongs to can
// be swapped without Open failing.
//
// Errors from this package never contain plaintext or key bytes.
package secret

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
)

// KeySize is the length in bytes of every key (AES-256).
const KeySize = 32

// maxIDLen bounds key ids, which are stored in every sealed value.
const maxIDLen = 32

// Key is one AES-256 key and the id stored beside everything it seals.
// It prints as its id with the bytes redacted, whatever the format verb.
type Key struct {
	ID    string // 1..32 characters of [a-z0-9-], for example "k1"
	Bytes []byte // KeySize bytes
}

// Errors reported by Open and KeyID. Match them with errors.Is.
var (
	ErrMalformed  = errors.New("secret: malformed sealed value")
	ErrUnknownKey = errors.New("secret: unknown key id")
	ErrDecrypt    = errors.New("secret: cannot decrypt: wrong key, wrong associated data or tampered value")
)

// GenerateKey returns a new random key with the given id. A nil r means
// crypto/rand.Reader.
func GenerateKey(id string, r io.Reader) (Key, error) {
	if !validID(id) {
		return Key{}, errInvalidID
	}
	if r == nil {
		r = rand.Reader
	}
	b := make([]byte, KeySize)
	if _, err := io.ReadFull(r, b); err != nil {
		return Key{}, fmt.Errorf("generate key %s: read random: %w", id, err)
	}
	return Key{ID: id, Bytes: b}, nil
}

var errInvalidID = errors.New("secret: invalid key id: want 1 to 32 characters of a-z, 0-9 and -")

func (k Key) validate() error {
	if !validID(k.ID) {
		return errInvalidID
	}
	if len(k.Bytes) != KeySize {
		return fmt.Errorf("secret: key %s is %d bytes, want %d", k.ID, len(k.Bytes), KeySize)
	}
	return nil
}

func validID(id string) bool {
	if id == "" || len(id) > maxIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

// String returns the key id with the bytes redacted.
func (k Key) String() string { return "secret.Key{ID: " + k.ID + ", Bytes: [redacted]}" }

// GoString keeps %#v quiet.
func (k Key) GoString() string { return k.String() }

// Format keeps every verb quiet, %x and %d included.
func (k Key) Format(f fmt.State, _ rune) { io.WriteString(f, k.String()) }

// LogValue keeps slog quiet.
func (k Key) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", k.ID), slog.String("bytes", "[redacted]"))
}
