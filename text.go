package dbplane

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// ValidateText reports whether s may be stored as a name or other free
// text (SPEC §6): valid UTF-8, without control characters (NUL, tab,
// newlines, escape, DEL, C1), line and paragraph separators, or bidi
// controls (U+200E, U+200F, U+061C, U+202A–U+202E, U+2066–U+2069), which
// make a name read differently from what it is in a list, a log line or a
// terminal. field names the input in the error (CodeInvalid).
func ValidateText(field, s string) error {
	if !utf8.ValidString(s) {
		return FieldErrorf(field, "The %s must be valid UTF-8.", field)
	}
	for _, r := range s {
		if forbiddenRune(r) {
			return FieldErrorf(field, "The %s must not contain control, line-break or text-direction characters (found %U).", field, r)
		}
	}
	return nil
}

// forbiddenRune reports the runes ValidateText refuses.
func forbiddenRune(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) ||
		r == '\u2028' || r == '\u2029'
}

// ValidateName trims s and checks it is a name of 1 to max bytes that
// ValidateText accepts; it returns the trimmed name. Every name an
// account, key, node, server or host is given goes through it, once, at
// the domain edge.
func ValidateName(field, s string, max int) (string, error) {
	if err := ValidateText(field, s); err != nil {
		return "", err
	}
	s = strings.TrimSpace(s)
	if s == "" || len(s) > max {
		return "", FieldErrorf(field, "The %s must be 1 to %d characters.", field, max)
	}
	return s, nil
}

// MaxExternalIDLength is the longest external id, the panel's (191).
const MaxExternalIDLength = 191

// ValidateExternalID checks an account's or server's external id (field
// externalId): nil is none; otherwise a name as ValidateName takes it, of
// at most MaxExternalIDLength bytes. It returns the trimmed id.
func ValidateExternalID(id *string) (*string, error) {
	if id == nil {
		return nil, nil
	}
	s, err := ValidateName("externalId", *id, MaxExternalIDLength)
	if err != nil {
		return nil, err
	}
	return &s, nil
}
