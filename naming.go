package dbplane

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ValidateLabel checks a management API label: 1–63 characters of
// [A-Za-z0-9_-], starting with a letter or digit (document 003).
func ValidateLabel(s string) error {
	if len(s) < 1 || len(s) > 63 {
		return FieldErrorf("name", "The name must be 1 to 63 characters.")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
		if i == 0 && !alnum {
			return FieldErrorf("name", "The name must start with a letter or digit.")
		}
		if !alnum && c != '_' && c != '-' {
			return FieldErrorf("name", "The name may contain only letters, digits, underscore and dash.")
		}
	}
	return nil
}

// AccountSlug is the last 10 characters of the account id, lowercased, with
// every non-alphanumeric replaced by x (SPEC §3).
func AccountSlug(accountID string) string {
	s := accountID
	if len(s) > 10 {
		s = s[len(s)-10:]
	}
	b := []byte(strings.ToLower(s))
	for i, c := range b {
		if !(('a' <= c && c <= 'z') || ('0' <= c && c <= '9')) {
			b[i] = 'x'
		}
	}
	return string(b)
}

// ManagedNames returns the connection-level database and user names of the
// n-th database of an engine for an account: u{m|p|g}_{slug}_{n} and
// du{m|p|g}_{slug}_{n} (document 003, naming scheme).
func ManagedNames(e Engine, accountID string, n int64) (dbName, dbUser string) {
	base := e.Letter() + "_" + AccountSlug(accountID) + "_" + strconv.FormatInt(n, 10)
	return "u" + base, "du" + base
}

// Causes of the errors of ValidateServerDatabaseName and ValidateRemote,
// for a surface that names the rule that failed (Laravel's min, max,
// alpha_dash and regex on the Pterodactyl APIs). Match them with
// errors.Is.
var (
	ErrTooShort   = errors.New("too short")
	ErrTooLong    = errors.New("too long")
	ErrCharacters = errors.New("characters not allowed")
)

// ValidateServerDatabaseName checks the name part of a Pterodactyl database:
// alpha_dash ([A-Za-z0-9_-]), min to 48 characters (1 on the application
// API, 3 on the client API), checked in that order, in Laravel's words.
func ValidateServerDatabaseName(s string, min int) error {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') || c == '_' || c == '-') {
			return &Error{Code: CodeInvalid, Field: "database", Err: ErrCharacters,
				Message: "The database must only contain letters, numbers, dashes and underscores."}
		}
	}
	switch {
	case len(s) < min:
		return &Error{Code: CodeInvalid, Field: "database", Err: ErrTooShort,
			Message: fmt.Sprintf("The database must be at least %d characters.", min)}
	case len(s) > 48:
		return &Error{Code: CodeInvalid, Field: "database", Err: ErrTooLong,
			Message: "The database must not be greater than 48 characters."}
	}
	return nil
}

// ValidateRemote checks a "connections from" pattern: ^[\w\-/.%:]+$, at most
// 255 characters (SPEC §3), in Laravel's words.
func ValidateRemote(s string) error {
	switch {
	case len(s) < 1:
		return &Error{Code: CodeInvalid, Field: "remote", Err: ErrTooShort, Message: "The remote field is required."}
	case len(s) > 255:
		return &Error{Code: CodeInvalid, Field: "remote", Err: ErrTooLong,
			Message: "The remote must not be greater than 255 characters."}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') || strings.IndexByte("_-/.%:", c) >= 0) {
			return &Error{Code: CodeInvalid, Field: "remote", Err: ErrCharacters, Message: "The remote format is invalid."}
		}
	}
	return nil
}

// ServerDatabaseNames returns a Pterodactyl database's names: s{server}_{name}
// capped at 48 characters, and u{server}_{suffix} (SPEC §3).
func ServerDatabaseNames(serverNumericID int64, name, userSuffix string) (dbName, dbUser string) {
	id := strconv.FormatInt(serverNumericID, 10)
	dbName = "s" + id + "_" + name
	if len(dbName) > 48 {
		dbName = dbName[:48]
	}
	return dbName, "u" + id + "_" + userSuffix
}

// WarmPrefix begins the placeholder names of a warm database and its
// owner role on a PostgreSQL host (issue 12): WarmPrefix + a lower-case
// ULID, for both. It is outside the naming scheme (InNamingScheme), so
// the drift sweep never reports a warm database as unknown.
const WarmPrefix = "dbplane_warm_"
