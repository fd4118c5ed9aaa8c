package postgres_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/dbplane/dbplane/internal/engine/postgres"
	"github.com/dbplane/dbplane/internal/must"
)

// fromPostgres was made by PostgreSQL 15 itself:
//
//	CREATE ROLE kat PASSWORD 'pencil';
//	SELECT rolpassword FROM pg_authid WHERE rolname = 'kat';
const fromPostgres = "SCRAM-SHA-256$4096:UgccPU0XeSn+8L8FGS1Zfg==$BD1zYzCAEiKDYq2aY2NeXw0ch+9uJvLBPNqODAAtzGI=:VRkGbbhDW184jxj1/q0fVuh5Uy7wCKAtoefmOmhI4S4="

func TestScramVerifier_MatchesPostgres(t *testing.T) {
	v := parseVerifier(t, fromPostgres)
	got, err := postgres.ScramVerifierSalt("pencil", v.salt, v.iterations)
	if err != nil {
		t.Fatalf("ScramVerifierSalt: %v", err)
	}
	if got != fromPostgres {
		t.Errorf("ScramVerifierSalt(pencil) = %s, want PostgreSQL's %s", got, fromPostgres)
	}
}

// TestScramVerifier_IndependentImplementation checks StoredKey and ServerKey
// against a second derivation written here from RFC 5802 §3 and RFC 8018
// §5.2 with crypto/hmac and crypto/sha256 only.
func TestScramVerifier_IndependentImplementation(t *testing.T) {
	tests := []struct {
		name, password string
		salt           []byte
		iterations     int
	}{
		{"generated password", "Xq3k9ZpL0aVbN7mR2cT5wY8eH1jU4sDf", bytes.Repeat([]byte{0xa5}, 16), 4096},
		{"short", "a", make([]byte, 16), 4096},
		{"one iteration", "pencil", []byte("0123456789abcdef"), 1},
		{"quote and backslash", `it's a \ test`, []byte("fedcba9876543210"), 4096},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := postgres.ScramVerifierSalt(tc.password, tc.salt, tc.iterations)
			if err != nil {
				t.Fatalf("ScramVerifierSalt: %v", err)
			}
			v := parseVerifier(t, got)
			salted := handPBKDF2(tc.password, tc.salt, tc.iterations)
			clientKey := handHMAC(salted, []byte("Client Key"))
			wantStored := sha256.Sum256(clientKey)
			wantServer := handHMAC(salted, []byte("Server Key"))
			if !bytes.Equal(v.salt, tc.salt) || v.iterations != tc.iterations {
				t.Errorf("verifier salt/iterations = %x/%d, want %x/%d", v.salt, v.iterations, tc.salt, tc.iterations)
			}
			if !bytes.Equal(v.storedKey, wantStored[:]) {
				t.Errorf("StoredKey = %x, want %x", v.storedKey, wantStored)
			}
			if !bytes.Equal(v.serverKey, wantServer) {
				t.Errorf("ServerKey = %x, want %x", v.serverKey, wantServer)
			}
		})
	}
}

// TestScramVerifier_RFC7677Exchange plays the server's part of the example
// exchange in RFC 7677 §3 with a verifier computed here: the client's proof
// must verify against StoredKey, and ServerKey must sign as the RFC shows.
func TestScramVerifier_RFC7677Exchange(t *testing.T) {
	const (
		clientFirstBare  = "n=user,r=rOprNGfwEbeRWgbNEkqO"
		serverFirst      = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
		clientFinalBare  = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"
		clientProof      = "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
		serverSignature  = "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="
		salt, iterations = "W22ZaJ0SNY7soEsUEjb6gQ==", 4096
	)
	s := must.Get(base64.StdEncoding.DecodeString(salt))(t)
	got, err := postgres.ScramVerifierSalt("pencil", s, iterations)
	if err != nil {
		t.Fatalf("ScramVerifierSalt: %v", err)
	}
	v := parseVerifier(t, got)
	authMessage := []byte(clientFirstBare + "," + serverFirst + "," + clientFinalBare)

	proof := must.Get(base64.StdEncoding.DecodeString(clientProof))(t)
	clientSignature := handHMAC(v.storedKey, authMessage)
	clientKey := make([]byte, len(proof))
	for i := range proof {
		clientKey[i] = proof[i] ^ clientSignature[i]
	}
	if sum := sha256.Sum256(clientKey); !bytes.Equal(sum[:], v.storedKey) {
		t.Errorf("RFC 7677 client proof does not verify against StoredKey of %s", got)
	}
	if sig := base64.StdEncoding.EncodeToString(handHMAC(v.serverKey, authMessage)); sig != serverSignature {
		t.Errorf("ServerSignature = %s, want %s", sig, serverSignature)
	}
}

func TestScramVerifier_Salt(t *testing.T) {
	salt := bytes.Repeat([]byte{7}, 16)
	got, err := postgres.ScramVerifier(bytes.NewReader(salt), "pencil")
	if err != nil {
		t.Fatalf("ScramVerifier: %v", err)
	}
	want := must.Get(postgres.ScramVerifierSalt("pencil", salt, 4096))(t)
	if got != want {
		t.Errorf("ScramVerifier(fixed salt) = %s, want %s", got, want)
	}
	format := regexp.MustCompile(`^SCRAM-SHA-256\$4096:[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$`)
	if !format.MatchString(got) {
		t.Errorf("ScramVerifier = %s, not in PostgreSQL's format", got)
	}
	if _, err := postgres.ScramVerifier(bytes.NewReader(salt[:3]), "pencil"); err == nil {
		t.Error("ScramVerifier(short salt source) = nil error, want an error")
	}
	if _, err := postgres.ScramVerifier(iotest.ErrReader(errors.New("boom")), "pencil"); err == nil {
		t.Error("ScramVerifier(failing salt source) = nil error, want an error")
	}
}

func TestScramVerifier_RefusesPassword(t *testing.T) {
	for _, tc := range []struct{ name, password string }{
		{"empty", ""},
		{"non-ASCII", "pässword"},
		{"NUL", "pass\x00word"},
		{"invalid UTF-8", "pass\xffword"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := postgres.ScramVerifier(bytes.NewReader(make([]byte, 16)), tc.password)
			if err == nil {
				t.Fatalf("ScramVerifier(%q) = nil error, want an error", tc.password)
			}
			if tc.password != "" && strings.Contains(err.Error(), tc.password) {
				t.Errorf("ScramVerifier error %q contains the password", err)
			}
		})
	}
}

type verifier struct {
	iterations                 int
	salt, storedKey, serverKey []byte
}

func parseVerifier(t *testing.T, s string) verifier {
	t.Helper()
	m := regexp.MustCompile(`^SCRAM-SHA-256\$([0-9]+):([^$]+)\$([^:]+):(.+)$`).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("verifier %q does not parse", s)
	}
	var v verifier
	var err error
	v.iterations, _ = strconv.Atoi(m[1])
	for i, dst := range []*[]byte{&v.salt, &v.storedKey, &v.serverKey} {
		if *dst, err = base64.StdEncoding.DecodeString(m[i+2]); err != nil {
			t.Fatalf("verifier %q: field %d: %v", s, i+2, err)
		}
	}
	return v
}

// handPBKDF2 is PBKDF2-HMAC-SHA256 for one 32-byte block (RFC 8018 §5.2):
// U1 = PRF(P, S || INT(1)), Ui = PRF(P, Ui-1), T = U1 ^ ... ^ Uc.
func handPBKDF2(password string, salt []byte, iterations int) []byte {
	u := handHMAC([]byte(password), binary.BigEndian.AppendUint32(append([]byte{}, salt...), 1))
	t := append([]byte{}, u...)
	for i := 1; i < iterations; i++ {
		u = handHMAC([]byte(password), u)
		for j := range t {
			t[j] ^= u[j]
		}
	}
	return t
}

func handHMAC(key, msg []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(msg)
	return m.Sum(nil)
}
