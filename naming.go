package dbplane

import (
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

// ValidateServerDatabaseName checks the name part of a Pterodactyl database:
// alpha_dash ([A-Za-z0-9_-]), min to 48 characters (1 on the application
// API, 3 on the client API).
func ValidateServerDatabaseName(s string, min int) error {
	if len(s) < min || len(s) > 48 {
		return FieldErrorf("database", "The database must be between %d and 48 characters.", min)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') || c == '_' || c == '-') {
			return FieldErrorf("database", "The database may only contain letters, numbers, dashes and underscores.")
		}
	}
	return nil
}

// ValidateRemote checks a "connections from" pattern: ^[\w\-/.%:]+$, at most
// 255 characters (SPEC §3).
func ValidateRemote(s string) error {
	if len(s) < 1 || len(s) > 255 {
		return FieldErrorf("remote", "The remote must be 1 to 255 characters.")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') || strings.IndexByte("_-/.%:", c) >= 0) {
			return FieldErrorf("remote", "The remote format is invalid.")
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
