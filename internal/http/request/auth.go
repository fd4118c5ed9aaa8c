package request

import (
	"net"
	"net/http"
	"strings"
)

// BearerKey returns the API key in r's Authorization header. It accepts
// "Bearer <key>", "Token <key>" (either scheme in any case) and the bare key,
// as document 003 does, and returns "" when there is none.
func BearerKey(r *http.Request) string {
	v := strings.TrimSpace(r.Header.Get("Authorization"))
	for _, scheme := range []string{"bearer", "token"} {
		if len(v) < len(scheme) || !strings.EqualFold(v[:len(scheme)], scheme) {
			continue
		}
		rest := v[len(scheme):]
		if rest == "" {
			return "" // the scheme alone: an empty token
		}
		if rest[0] == ' ' || rest[0] == '\t' {
			return strings.TrimSpace(rest)
		}
	}
	return v
}

// ClientIP returns the address of the peer that sent r, without the port.
// Forwarding headers are not read here: the server rewrites r.RemoteAddr
// from X-Forwarded-For only when the peer is a trusted proxy.
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
