package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"":                     "/",
		"/":                    "/",
		"/keys?page=2":         "/keys?page=2",
		"//evil.example":       "/",
		"/\\evil.example":      "/",
		"https://evil.example": "/",
		"javascript:alert(1)":  "/",
		"keys":                 "/",
		"/a/../\\evil.example": "/",
		"/./\\evil.example":    "/",
		"/%5Cevil.example":     "/%5Cevil.example",
		"/a\tb":                "/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzSafeNext: whatever ?next= holds, sign-in redirects to a path on
// this site.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/", "//x", "/\\x", "http://x", "/a?b#c", "/%2F%2Fx", "\t//x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := safeNext(s)
		// What the browser gets: http.Redirect cleans the path, and a
		// browser reads a backslash as a slash.
		rec := httptest.NewRecorder()
		http.Redirect(rec, httptest.NewRequest("GET", "/login", nil), got, http.StatusSeeOther)
		loc := strings.ReplaceAll(rec.Header().Get("Location"), "\\", "/")
		u, err := url.Parse(loc)
		if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") {
			t.Errorf("safeNext(%q) = %q redirects to %q, off the site", s, got, loc)
		}
	})
}

func TestClientBucket(t *testing.T) {
	for addr, want := range map[string]string{
		"192.0.2.7:1234":             "ip:192.0.2.7",
		"[2001:db8:1:2:3:4:5:6]:443": "ip:2001:db8:1:2::/64",
		"[2001:db8:1:2:ffff::1]:443": "ip:2001:db8:1:2::/64",
		"[::ffff:192.0.2.7]:80":      "ip:192.0.2.7",
		"not-an-address":             "ip:not-an-address",
	} {
		r := httptest.NewRequest("POST", "/login", nil)
		r.RemoteAddr = addr
		if got := clientBucket(r); got != want {
			t.Errorf("clientBucket(%s) = %q, want %q", addr, got, want)
		}
	}
}

func TestAuditEmail(t *testing.T) {
	for in, want := range map[string]string{
		"ada@example.com":       "ada@example.com",
		"correct horse battery": "(not an email address)",
		"Ada <ada@example.com>": "(not an email address)",
		"":                      "(not an email address)",
	} {
		if got := auditEmail(in); got != want {
			t.Errorf("auditEmail(%q) = %q, want %q", in, got, want)
		}
	}
}
