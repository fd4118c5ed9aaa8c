package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
)

const (
	version   = 1
	nonceSize = 12
	tagSize   = 16
)

// Sealer encrypts and decrypts stored credentials. It is immutable once made
// and safe for concurrent use; copies share its keys.
type Sealer struct {
	// Rand is the source of nonces; nil means crypto/rand.Reader. Set it
	// before the first Seal. Seal reads it from every goroutine that seals,
	// so a shared Rand must be safe for concurrent use.
	Rand io.Reader

	primary string
	aeads   map[string]cipher.AEAD
}

// NewSealer returns a Sealer that seals with primary and opens values sealed
// by primary or any of others. Ids must be distinct.
func NewSealer(primary Key, others ...Key) (*Sealer, error) {
	s := &Sealer{primary: primary.ID, aeads: make(map[string]cipher.AEAD, 1+len(others))}
	for _, k := range append([]Key{primary}, others...) {
		if err := k.validate(); err != nil {
			return nil, err
		}
		if _, dup := s.aeads[k.ID]; dup {
			return nil, fmt.Errorf("secret: duplicate key id %s", k.ID)
		}
		block, err := aes.NewCipher(k.Bytes)
		if err != nil {
			return nil, fmt.Errorf("secret: key %s: %w", k.ID, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("secret: key %s: %w", k.ID, err)
		}
		s.aeads[k.ID] = aead
	}
	return s, nil
}

// PrimaryID returns the id of the key that Seal uses.
func (s *Sealer) PrimaryID() string { return s.primary }

// Seal encrypts plaintext under the primary key. aad is authenticated but not
// stored: pass what the value belongs to (for example the database id), and
// Open must be given the same aad.
func (s *Sealer) Seal(plaintext, aad []byte) ([]byte, error) {
	aead, ok := s.aeads[s.primary]
	if !ok {
		return nil, errors.New("secret: sealer has no keys")
	}
	id := s.primary
	hdr := 2 + len(id)
	out := make([]byte, hdr+nonceSize, hdr+nonceSize+len(plaintext)+tagSize)
	out[0] = version
	out[1] = byte(len(id))
	copy(out[2:], id)
	nonce := out[hdr:]
	r := s.Rand
	if r == nil {
		r = rand.Reader
	}
	if _, err := io.ReadFull(r, nonce); err != nil {
		return nil, fmt.Errorf("secret: seal: read nonce: %w", err)
	}
	return aead.Seal(out, nonce, plaintext, additional(out[:hdr], aad)), nil
}

// Open decrypts a value made by Seal with the same aad. It returns an error
// wrapping ErrMalformed, ErrUnknownKey or ErrDecrypt.
func (s *Sealer) Open(sealed, aad []byte) ([]byte, error) {
	id, hdr, err := parseHeader(sealed)
	if err != nil {
		return nil, err
	}
	aead, ok := s.aeads[id]
	if !ok {
		return nil, fmt.Errorf("%w %s", ErrUnknownKey, id)
	}
	nonce := sealed[hdr : hdr+nonceSize]
	plain, err := aead.Open(nil, nonce, sealed[hdr+nonceSize:], additional(sealed[:hdr], aad))
	if err != nil {
		return nil, fmt.Errorf("%w (key %s)", ErrDecrypt, id)
	}
	return plain, nil
}

// KeyID returns the id of the key that sealed a value, without decrypting it
// and whether or not this Sealer holds that key. A value whose KeyID is not
// PrimaryID should be re-sealed after a rotation.
func (s *Sealer) KeyID(sealed []byte) (string, error) {
	id, _, err := parseHeader(sealed)
	return id, err
}

// parseHeader returns the key id and the header length of a sealed value.
func parseHeader(sealed []byte) (id string, hdr int, err error) {
	if len(sealed) < 2 {
		return "", 0, fmt.Errorf("%w: too short", ErrMalformed)
	}
	if sealed[0] != version {
		return "", 0, fmt.Errorf("%w: unsupported version %d", ErrMalformed, sealed[0])
	}
	n := int(sealed[1])
	hdr = 2 + n
	if len(sealed) < hdr+nonceSize+tagSize {
		return "", 0, fmt.Errorf("%w: too short", ErrMalformed)
	}
	id = string(sealed[2:hdr])
	if !validID(id) {
		return "", 0, fmt.Errorf("%w: invalid key id", ErrMalformed)
	}
	return id, hdr, nil
}

// additional returns the GCM additional data: the header, then the caller's aad.
// The header's length prefix keeps the concatenation unambiguous.
func additional(header, aad []byte) []byte {
	ad := make([]byte, 0, len(header)+len(aad))
	ad = append(ad, header...)
	return append(ad, aad...)
}
