package secret_test

import (
	"bytes"
	"testing"
)

// FuzzOpen feeds arbitrary bytes to Open and KeyID: they must never panic,
// and nothing but the one genuine sealed value may open.
func FuzzOpen(f *testing.F) {
	s := mustSealer(f, mustKey(f, "k1", 1), mustKey(f, "k0", 2))
	genuine := mustSeal(f, s, marker, "db_01")
	f.Add(genuine, []byte("db_01"))
	f.Add(genuine[:len(genuine)-1], []byte("db_01"))
	f.Add([]byte{}, []byte{})
	f.Add([]byte{1}, []byte{})
	f.Add([]byte{1, 255}, []byte{})
	f.Add([]byte{1, 2, 'k', '0', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, []byte("x"))
	f.Fuzz(func(t *testing.T, sealed, aad []byte) {
		_, _ = s.KeyID(sealed)
		got, err := s.Open(sealed, aad)
		if err != nil {
			assertQuiet(t, err)
			return
		}
		if !bytes.Equal(sealed, genuine) || string(aad) != "db_01" || string(got) != marker {
			t.Fatalf("Open(% x, %q) = %q, want an error", sealed, aad, got)
		}
	})
}
