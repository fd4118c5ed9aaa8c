package secret_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/dbplane/dbplane/internal/secret"
)

const marker = "hunter2-PLAINTEXT-MARKER"

// testRand returns a deterministic randomness source for one test.
func testRand(seed byte) *rand.ChaCha8 {
	var s [32]byte
	s[0] = seed
	return rand.NewChaCha8(s)
}

func mustKey(tb testing.TB, id string, seed byte) secret.Key {
	tb.Helper()
	k, err := secret.GenerateKey(id, testRand(seed))
	if err != nil {
		tb.Fatalf("GenerateKey(%q) error = %v", id, err)
	}
	return k
}

func mustSealer(tb testing.TB, primary secret.Key, others ...secret.Key) *secret.Sealer {
	tb.Helper()
	s, err := secret.NewSealer(primary, others...)
	if err != nil {
		tb.Fatalf("NewSealer(%s) error = %v", primary.ID, err)
	}
	s.Rand = testRand(99)
	return s
}

func mustSeal(tb testing.TB, s *secret.Sealer, plaintext, aad string) []byte {
	tb.Helper()
	sealed, err := s.Seal([]byte(plaintext), []byte(aad))
	if err != nil {
		tb.Fatalf("Seal() error = %v", err)
	}
	return sealed
}

// assertQuiet fails if err's text holds the plaintext or any form of a key.
func assertQuiet(tb testing.TB, err error, keys ...secret.Key) {
	tb.Helper()
	if err == nil {
		return
	}
	msg := err.Error()
	leaks := []string{marker}
	for _, k := range keys {
		leaks = append(leaks, string(k.Bytes), base64.StdEncoding.EncodeToString(k.Bytes), hex.EncodeToString(k.Bytes), fmt.Sprint(k.Bytes))
	}
	for _, l := range leaks {
		if len(l) >= 8 && strings.Contains(msg, l) {
			tb.Errorf("error %q leaks a secret (%q)", msg, l)
		}
	}
}

func TestSealer_RoundTrip(t *testing.T) {
	k1 := mustKey(t, "k1", 1)
	s := mustSealer(t, k1)
	for _, plain := range []string{"", "x", marker, strings.Repeat("p", 4096)} {
		sealed := mustSeal(t, s, plain, "db_01")
		if bytes.Contains(sealed, []byte(marker)) {
			t.Fatalf("Seal(%q) output contains the plaintext", plain)
		}
		if want := 1 + 1 + 2 + 12 + len(plain) + 16; len(sealed) != want {
			t.Errorf("len(Seal(%d bytes)) = %d, want %d", len(plain), len(sealed), want)
		}
		got, err := s.Open(sealed, []byte("db_01"))
		if err != nil {
			t.Fatalf("Open(Seal(%d bytes)) error = %v", len(plain), err)
		}
		if string(got) != plain {
			t.Errorf("Open(Seal(%d bytes)) = %d bytes, want the plaintext back", len(plain), len(got))
		}
		if id, err := s.KeyID(sealed); err != nil || id != "k1" {
			t.Errorf("KeyID() = %q, %v; want k1, nil", id, err)
		}
	}
	if got := s.PrimaryID(); got != "k1" {
		t.Errorf("PrimaryID() = %q, want k1", got)
	}
}

func TestSealer_FreshNonces(t *testing.T) {
	s := mustSealer(t, mustKey(t, "k1", 1))
	a := mustSeal(t, s, marker, "db_01")
	b := mustSeal(t, s, marker, "db_01")
	if bytes.Equal(a, b) {
		t.Fatal("Seal() twice returned the same output; nonces are reused")
	}
}

func TestSealer_Layout(t *testing.T) {
	s := mustSealer(t, mustKey(t, "key-2", 1))
	sealed := mustSeal(t, s, "abc", "")
	if sealed[0] != 1 || sealed[1] != 5 || string(sealed[2:7]) != "key-2" {
		t.Errorf("Seal() header = % x, want version 1, length 5, id key-2", sealed[:7])
	}
}

func TestSealer_Tamper(t *testing.T) {
	k1 := mustKey(t, "k1", 1)
	s := mustSealer(t, k1)
	sealed := mustSeal(t, s, marker, "db_01")
	for i := range sealed {
		for bit := range 8 {
			bad := bytes.Clone(sealed)
			bad[i] ^= 1 << bit
			got, err := s.Open(bad, []byte("db_01"))
			if err == nil {
				t.Fatalf("Open() with byte %d bit %d flipped = %q, want an error", i, bit, got)
			}
			assertQuiet(t, err, k1)
		}
	}
	for n := range len(sealed) {
		if _, err := s.Open(sealed[:n], []byte("db_01")); err == nil {
			t.Fatalf("Open() of the first %d bytes succeeded, want an error", n)
		}
	}
	if _, err := s.Open(append(bytes.Clone(sealed), 0), []byte("db_01")); !errors.Is(err, secret.ErrDecrypt) {
		t.Errorf("Open() with a byte appended error = %v, want ErrDecrypt", err)
	}
}

func TestSealer_WrongAAD(t *testing.T) {
	k1 := mustKey(t, "k1", 1)
	s := mustSealer(t, k1)
	sealed := mustSeal(t, s, marker, "db_01")
	for _, aad := range []string{"db_02", "", "db_01 ", "db_0"} {
		_, err := s.Open(sealed, []byte(aad))
		if !errors.Is(err, secret.ErrDecrypt) {
			t.Errorf("Open(aad %q) error = %v, want ErrDecrypt", aad, err)
		}
		assertQuiet(t, err, k1)
	}
}

func TestSealer_UnknownKey(t *testing.T) {
	k1, k2 := mustKey(t, "k1", 1), mustKey(t, "k2", 2)
	sealed := mustSeal(t, mustSealer(t, k1), marker, "db_01")
	_, err := mustSealer(t, k2).Open(sealed, []byte("db_01"))
	if !errors.Is(err, secret.ErrUnknownKey) {
		t.Fatalf("Open() with another key error = %v, want ErrUnknownKey", err)
	}
	if !strings.Contains(err.Error(), "k1") {
		t.Errorf("Open() error = %q, want it to name key k1", err)
	}
	assertQuiet(t, err, k1, k2)

	// Same id, different bytes: the tag does not verify.
	_, err = mustSealer(t, mustKey(t, "k1", 3)).Open(sealed, []byte("db_01"))
	if !errors.Is(err, secret.ErrDecrypt) {
		t.Errorf("Open() with a different k1 error = %v, want ErrDecrypt", err)
	}
	assertQuiet(t, err, k1)
}

func TestSealer_Rotation(t *testing.T) {
	k1, k2 := mustKey(t, "k1", 1), mustKey(t, "k2", 2)
	old := mustSeal(t, mustSealer(t, k1), marker, "db_01")

	s := mustSealer(t, k2, k1)
	if got := s.PrimaryID(); got != "k2" {
		t.Errorf("PrimaryID() = %q, want k2", got)
	}
	if id, _ := s.KeyID(old); id != "k1" {
		t.Errorf("KeyID(old) = %q, want k1", id)
	}
	plain, err := s.Open(old, []byte("db_01"))
	if err != nil || string(plain) != marker {
		t.Fatalf("Open(old) = %q, %v; want the plaintext", plain, err)
	}
	resealed, err := s.Seal(plain, []byte("db_01"))
	if err != nil {
		t.Fatalf("Seal() error = %v", err)
	}
	if id, _ := s.KeyID(resealed); id != "k2" {
		t.Errorf("KeyID(resealed) = %q, want k2", id)
	}
	// Once k1 is retired, only the re-sealed value opens.
	retired := mustSealer(t, k2)
	if _, err := retired.Open(resealed, []byte("db_01")); err != nil {
		t.Errorf("Open(resealed) without k1 error = %v", err)
	}
	if _, err := retired.Open(old, []byte("db_01")); !errors.Is(err, secret.ErrUnknownKey) {
		t.Errorf("Open(old) without k1 error = %v, want ErrUnknownKey", err)
	}
}

func TestNewSealer_Invalid(t *testing.T) {
	good := mustKey(t, "k1", 1)
	tests := []struct {
		name    string
		primary secret.Key
		others  []secret.Key
	}{
		{"EmptyID", secret.Key{Bytes: good.Bytes}, nil},
		{"UpperCaseID", secret.Key{ID: "K1", Bytes: good.Bytes}, nil},
		{"LongID", secret.Key{ID: strings.Repeat("k", 33), Bytes: good.Bytes}, nil},
		{"ShortKey", secret.Key{ID: "k1", Bytes: good.Bytes[:16]}, nil},
		{"NoKey", secret.Key{ID: "k1"}, nil},
		{"BadOther", good, []secret.Key{{ID: "k2", Bytes: []byte("short")}}},
		{"DuplicateID", good, []secret.Key{mustKey(t, "k1", 2)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := secret.NewSealer(tc.primary, tc.others...)
			if err == nil {
				t.Fatal("NewSealer() error = nil, want an error")
			}
			assertQuiet(t, err, append(tc.others, tc.primary)...)
		})
	}
}

func TestSealer_Malformed(t *testing.T) {
	s := mustSealer(t, mustKey(t, "k1", 1))
	good := mustSeal(t, s, marker, "")
	tests := []struct {
		name   string
		sealed []byte
	}{
		{"Nil", nil},
		{"Version0", append([]byte{0}, good[1:]...)},
		{"Version2", append([]byte{2}, good[1:]...)},
		{"ZeroIDLength", append([]byte{1, 0}, good[4:]...)},
		{"IDLengthPastEnd", []byte{1, 200, 'k', '1'}},
		{"BadIDChars", append([]byte{1, 2, 'K', '!'}, good[4:]...)},
		{"NoTag", good[:4+12+5]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := s.Open(tc.sealed, nil); !errors.Is(err, secret.ErrMalformed) {
				t.Errorf("Open() error = %v, want ErrMalformed", err)
			}
			if _, err := s.KeyID(tc.sealed); !errors.Is(err, secret.ErrMalformed) {
				t.Errorf("KeyID() error = %v, want ErrMalformed", err)
			}
		})
	}
}

func TestSealer_ZeroValue(t *testing.T) {
	var s secret.Sealer
	if _, err := s.Seal([]byte(marker), nil); err == nil {
		t.Error("zero Sealer: Seal() error = nil, want an error")
	}
}

func TestSealer_RandFailure(t *testing.T) {
	s := mustSealer(t, mustKey(t, "k1", 1))
	s.Rand = bytes.NewReader(nil)
	_, err := s.Seal([]byte(marker), nil)
	if err == nil {
		t.Fatal("Seal() with exhausted Rand error = nil, want an error")
	}
	assertQuiet(t, err)
}

func TestSealer_Concurrent(t *testing.T) {
	k1 := mustKey(t, "k1", 1)
	s, err := secret.NewSealer(k1) // Rand nil: crypto/rand, safe for concurrent use
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			aad := []byte(fmt.Sprint("db_", i))
			for range 100 {
				sealed, err := s.Seal([]byte(marker), aad)
				if err != nil {
					t.Error(err)
					return
				}
				if got, err := s.Open(sealed, aad); err != nil || string(got) != marker {
					t.Errorf("Open() = %q, %v", got, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestKey_Quiet(t *testing.T) {
	k := mustKey(t, "k1", 1)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%X", "%d", "%q"} {
		got := fmt.Sprintf(verb, k)
		if !strings.Contains(got, "k1") || strings.Contains(got, hex.EncodeToString(k.Bytes)[:8]) || strings.Contains(got, fmt.Sprint(k.Bytes[0], " ", k.Bytes[1])) {
			t.Errorf("Sprintf(%q, key) = %q, want the id with the bytes redacted", verb, got)
		}
	}
	if got := fmt.Sprintf("%v", []secret.Key{k}); strings.Contains(got, hex.EncodeToString(k.Bytes)[:8]) {
		t.Errorf("Sprintf(%%v, []Key) = %q leaks the key", got)
	}
}
