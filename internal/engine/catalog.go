package engine

import (
	"context"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/sha256"
	"crypto/subtle"
)

// OpCatalog is the drift sweep's read of a host's catalog (Cataloger).
const OpCatalog = "catalog"

// Cataloger reads what a server holds: its databases and its users, with
// what is needed to check each user's password without logging in and
// what each user's grants amount to, in one round trip (or a fixed few,
// whatever the number of databases). The drift sweep compares it with
// dbplane's records. Every Conn has it; a server without a catalog the
// driver can read answers with an error wrapping ErrUnsupported, and the
// sweep reports the host as not swept.
type Cataloger interface {
	Catalog(ctx context.Context) (*Catalog, error)
}

// Catalog is one read of a server's objects. System databases and users
// (the server's own, and the admin) are left out; everything else is in,
// and the caller picks the names in dbplane's naming scheme.
type Catalog struct {
	Databases []string
	Users     []CatalogUser
	// AccessKnown is true when Locked and Grants say what the engine
	// enforces. FerretDB v1 has no roles and no login restrictions, so
	// there they say nothing.
	AccessKnown bool
}

// CatalogUser is one user as the server stores it.
type CatalogUser struct {
	Name   string
	Remote string // MariaDB host pattern; "" elsewhere
	// Database is the database a MongoDB user is defined on; "" elsewhere.
	Database string
	// Locked is true when the server refuses the user's logins.
	Locked bool
	// Grants is the access level the user's privileges amount to on each
	// database they reach: AccessActive or AccessReadOnly, or "" when they
	// match neither (some privileges revoked or added).
	Grants map[string]Access
	// CheckPassword reports whether password is the user's password, by
	// the credential the server stores (a hash or a SCRAM verifier),
	// without logging in. Nil when the server shows no credential the
	// driver can check. The credential itself stays inside the closure:
	// nothing that can be printed or logged holds it.
	CheckPassword func(password string) bool
	// Fingerprint is SHA-256 over the stored credential, hex: equal
	// fingerprints mean an unchanged credential, so a caller may cache
	// a slow check's answer. "" when CheckPassword is nil.
	Fingerprint string
}

// VerifySCRAMSHA256 reports whether password matches a SCRAM-SHA-256
// credential (RFC 5802, RFC 7677): salt and iterations give the salted
// password, from which StoredKey and ServerKey are derived and compared.
// PostgreSQL and MongoDB store the same four values. The caller's password
// must need no SASLprep (ASCII without NUL; generated passwords are).
func VerifySCRAMSHA256(password string, salt []byte, iterations int, storedKey, serverKey []byte) bool {
	if iterations < 1 || iterations > 1<<20 || len(salt) == 0 || password == "" {
		return false
	}
	salted, err := pbkdf2.Key(sha256.New, password, salt, iterations, sha256.Size)
	if err != nil {
		return false
	}
	mac := func(msg string) []byte {
		m := hmac.New(sha256.New, salted)
		m.Write([]byte(msg))
		return m.Sum(nil)
	}
	stored := sha256.Sum256(mac("Client Key"))
	server := mac("Server Key")
	return subtle.ConstantTimeCompare(stored[:], storedKey) == 1 && subtle.ConstantTimeCompare(server, serverKey) == 1
}
