package server_test

import (
	"maps"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dbplane/dbplane/internal/http/server"
)

// FuzzPathValues reads the audit entry's resources from any path a client
// can send, under patterns with a wildcard, a rest wildcard and {$}: it
// never panics, each value is valid UTF-8 within the field bound, and it
// reads what the version built on strings.Split read (pathValuesSplit).
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
			got := server.PathValues(p, u)
			if want := pathValuesSplit(p, u); !maps.Equal(got, want) || (got == nil) != (want == nil) {
				t.Fatalf("PathValues(%q, %q) = %q, want %q", p, raw, got, want)
			}
			for k, v := range got {
				if !utf8.ValidString(v) || strings.ContainsRune(v, 0) || len(v) > server.MaxAuditField || len(k) > server.MaxAuditField {
					t.Fatalf("PathValues(%q, %q): %q=%q is not NUL-free valid UTF-8 within %d bytes", p, raw, k, v, server.MaxAuditField)
				}
			}
		}
	})
}

// pathValuesSplit is pathValues as it was before it walked the strings
// itself: the oracle of FuzzPathValues.
func pathValuesSplit(pattern string, u *url.URL) map[string]string {
	if i := strings.IndexByte(pattern, ' '); i >= 0 {
		pattern = pattern[i+1:]
	}
	if !strings.Contains(pattern, "{") {
		return nil
	}
	ps := strings.Split(pattern, "/")
	segs := strings.Split(u.EscapedPath(), "/")
	out := map[string]string{}
	for i, p := range ps {
		if i >= len(segs) || len(p) < 3 || p[0] != '{' || p[len(p)-1] != '}' || p == "{$}" {
			continue
		}
		name, rest := strings.CutSuffix(p[1:len(p)-1], "...")
		v := segs[i]
		if rest {
			v = strings.Join(segs[i:], "/")
		}
		if uv, err := url.PathUnescape(v); err == nil {
			v = uv
		}
		out[server.Clip(name)] = server.Clip(v)
	}
	return out
}
