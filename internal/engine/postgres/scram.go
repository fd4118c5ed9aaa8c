package postgres

import (
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// SCRAM-SHA-256 parameters, as PostgreSQL's own clients choose them
// (src/common/scram-common.c, libpq's PQencryptPasswordConn).
const (
	scramIterations = 4096
	scramSaltLen    = 16
)

// scramVerifier reads a fresh salt from rand and returns the SCRAM-SHA-256
// verifier PostgreSQL stores in pg_authid.rolpassword for password (RFC 5802
// and RFC 7677):
//
//	SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>
//
// Computing it here means the plaintext never reaches the server, its logs
// or pg_stat_statements.
func scramVerifier(rand io.Reader, password string) (string, error) {
	if err := checkPassword(password); err != nil {
		return "", err
	}
	salt := make([]byte, scramSaltLen)
	if _, err := io.ReadFull(rand, salt); err != nil {
		return "", fmt.Errorf("read scram salt: %w", err)
	}
	return scramVerifierWithSalt(password, salt, scramIterations)
}

// scramVerifierWithSalt is scramVerifier with the salt and iteration count
// given, for known-answer tests.
func scramVerifierWithSalt(password string, salt []byte, iterations int) (string, error) {
	salted, err := pbkdf2.Key(sha256.New, password, salt, iterations, sha256.Size)
	if err != nil {
		return "", fmt.Errorf("derive scram key: %w", err)
	}
	clientKey := hmacSHA256(salted, "Client Key")
	storedKey := sha256.Sum256(clientKey)
	serverKey := hmacSHA256(salted, "Server Key")

	b64 := base64.StdEncoding.EncodeToString
	return "SCRAM-SHA-256$" + strconv.Itoa(iterations) + ":" + b64(salt) +
		"$" + b64(storedKey[:]) + ":" + b64(serverKey), nil
}

func hmacSHA256(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

// errPasswordUnsupported is returned for passwords whose verifier this
// driver cannot compute exactly as the server would check it.
var errPasswordUnsupported = errors.New("password must be non-empty ASCII without NUL bytes")

// checkPassword accepts exactly the passwords for which SASLprep (RFC 4013),
// which PostgreSQL applies before hashing, is the identity: non-empty
// strings of ASCII without NUL. PostgreSQL's pg_saslprep returns pure ASCII
// input unchanged. Anything else would need a full SASLprep implementation,
// and a verifier computed without it would store a password that does not
// log in; refusing is the safer failure. Generated passwords are
// [A-Za-z0-9] (SPEC §3).
func checkPassword(password string) error {
	if password == "" || !utf8.ValidString(password) {
		return errPasswordUnsupported
	}
	for i := 0; i < len(password); i++ {
		if c := password[i]; c == 0 || c >= utf8.RuneSelf {
			return errPasswordUnsupported
		}
	}
	return nil
}
