package server_test

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dbplane/dbplane/internal/http/server"
)

// FuzzPathValues reads the audit entry's resources from any path a client
// can send, under patterns with a wildcard, a rest wildcard and {$}: it
// never panics, and each value is valid UTF-8 within the field bound.
func FuzzPathValues(f *testing.F) {
	for _, s := range []string{"/api/v1/db/databases/01J/rotate", "/api/v1/db/databases/%ff%fe/rotate", "/a/b%2Fc/d", "/x/%00/y", "//", "", "/api/v1/db/databases/" + string(make([]byte, 600))} {
		f.Add(s)
	}
	patterns := []string{"POST /api/v1/db/databases/{id}/rotate", "DELETE /api/admin/accounts/{id}/keys/{keyId}", "GET /static/{file...}", "GET /{$}", "/x/{a}/{b}"}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := url.Parse(raw)
		if err != nil {
			return
		}
		for _, p := range patterns {
			for k, v := range server.PathValues(p, u) {
				if !utf8.ValidString(v) || strings.ContainsRune(v, 0) || len(v) > server.MaxAuditField || len(k) > server.MaxAuditField {
					t.Fatalf("PathValues(%q, %q): %q=%q is not NUL-free valid UTF-8 within %d bytes", p, raw, k, v, server.MaxAuditField)
				}
			}
		}
	})
}
