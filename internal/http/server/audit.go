package server

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/request"
	"github.com/dbplane/dbplane/internal/http/response"
)

// audited reports whether the audit log keeps r: a request a surface
// routed (an unknown path or method is not an action) that changes
// something, signs in or out, or asks for a password.
func audited(r *http.Request, surface string, t *request.Trail) bool {
	switch surface {
	case "dbapi", "admin", "application", "client", "web":
	default:
		return false
	}
	if t.Route == "" {
		return false
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return t.Reveal
	}
	return true
}

// maxAuditField bounds each string an entry takes from a request (a path
// value, an email typed at the sign-in form).
const maxAuditField = 256

// auditEntry is what the audit log keeps of r: who, what, from where and
// the outcome. It reads the route pattern and its path values, never the
// body, the headers or the query string.
func auditEntry(r *http.Request, surface string, t *request.Trail, status int) dbplane.AuditEntry {
	a := t.Actor
	res := pathValues(t.Route, r.URL)
	if t.Created != "" {
		if res == nil {
			res = map[string]string{}
		}
		res["created"] = clip(t.Created)
	}
	return dbplane.AuditEntry{
		Time:      time.Now(),
		Surface:   surface,
		Action:    t.Route,
		Resources: res,
		AccountID: clip(a.AccountID),
		KeyID:     clip(a.KeyID),
		KeyPrefix: clip(a.KeyPrefix),
		SessionID: clip(a.SessionID),
		Email:     clip(a.Email),
		Reveal:    t.Reveal,
		IP:        request.ClientIP(r),
		Status:    status,
		RequestID: response.RequestID(r),
	}
}

// pathValues returns the values of pattern's wildcards in u's path
// ({"id": "01J…"}), or nil when it has none. It walks the pattern and the
// path a segment at a time, as strings.Split of both would, without
// copying either.
func pathValues(pattern string, u *url.URL) map[string]string {
	if i := strings.IndexByte(pattern, ' '); i >= 0 {
		pattern = pattern[i+1:]
	}
	if !strings.Contains(pattern, "{") {
		return nil
	}
	out := map[string]string{}
	path, inPath := u.EscapedPath(), true
	for pat, inPat := pattern, true; inPat && inPath; {
		var p, seg string
		p, pat, inPat = strings.Cut(pat, "/")
		rest := path // this segment and every one after it
		seg, path, inPath = strings.Cut(path, "/")
		if len(p) < 3 || p[0] != '{' || p[len(p)-1] != '}' || p == "{$}" {
			continue
		}
		name, isRest := strings.CutSuffix(p[1:len(p)-1], "...")
		v := seg
		if isRest {
			v = rest
		}
		if uv, err := url.PathUnescape(v); err == nil {
			v = uv
		}
		out[clip(name)] = clip(v)
	}
	return out
}

// clip makes s storable in either store dialect and bounded: invalid
// UTF-8 and NUL bytes (which PostgreSQL's text refuses, and which would
// fail a whole batch of entries) become U+FFFD, and it is cut to
// maxAuditField bytes on a character boundary.
func clip(s string) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
	if len(s) > maxAuditField {
		s = strings.ToValidUTF8(s[:maxAuditField], "")
	}
	return s
}
