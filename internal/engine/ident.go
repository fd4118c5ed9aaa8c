package engine

import (
	"fmt"
	"strings"
)

// CheckName is the drivers' last line of defence: database and user names
// must be 1–63 bytes of [A-Za-z0-9_-], starting with a letter (Pterodactyl's
// alpha_dash names carry upper case and dashes; dbplane's own are
// [a-z0-9_]). The control plane validates before calling, so a failure here
// is a bug, never tenant input.
func CheckName(kind, s string) error {
	if len(s) < 1 || len(s) > 63 {
		return fmt.Errorf("engine: %s name must be 1 to 63 bytes, got %d", kind, len(s))
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
		ok := letter || (i > 0 && (c == '_' || c == '-' || ('0' <= c && c <= '9')))
		if !ok {
			return fmt.Errorf("engine: %s name %q has a character outside [A-Za-z0-9_-] or does not start with a letter", kind, s)
		}
	}
	return nil
}

// CheckRemote validates a MariaDB host pattern: ^[\w\-/.%:]+$, at most 255
// characters (SPEC §3).
func CheckRemote(s string) error {
	if len(s) < 1 || len(s) > 255 {
		return fmt.Errorf("engine: remote must be 1 to 255 characters")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') ||
			strings.IndexByte("_-/.%:", c) >= 0
		if !ok {
			return fmt.Errorf("engine: remote %q has a character outside [\\w\\-/.%%:]", s)
		}
	}
	return nil
}

// QuoteIdent quotes an identifier with q (a backtick or a double quote),
// doubling any q inside it.
func QuoteIdent(q byte, s string) string {
	qs := string(q)
	return qs + strings.ReplaceAll(s, qs, qs+qs) + qs
}

// QuoteLiteral quotes a string literal in single quotes, doubling single
// quotes and, when backslashEscapes is set (MariaDB's default sql_mode),
// backslashes too.
func QuoteLiteral(s string, backslashEscapes bool) string {
	if backslashEscapes {
		s = strings.ReplaceAll(s, `\`, `\\`)
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
