package request_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/dbplane/dbplane/internal/http/request"
)

func TestBearerKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		header string // "-" = no header
		want   string
	}{
		{name: "NoHeader", header: "-", want: ""},
		{name: "Empty", header: "", want: ""},
		{name: "Bearer", header: "Bearer k1", want: "k1"},
		{name: "BearerLower", header: "bearer k1", want: "k1"},
		{name: "BearerUpper", header: "BEARER   k1  ", want: "k1"},
		{name: "BearerTab", header: "Bearer\tk1", want: "k1"},
		{name: "BearerOnly", header: "Bearer", want: ""},
		{name: "BearerSpaceOnly", header: "Bearer   ", want: ""},
		{name: "Token", header: "Token k2", want: "k2"},
		{name: "TokenMixed", header: "tOkEn k2", want: "k2"},
		{name: "Bare", header: "hepgg_db_abc", want: "hepgg_db_abc"},
		{name: "BareTrimmed", header: "  hepgg_db_abc ", want: "hepgg_db_abc"},
		{name: "BareStartingWithScheme", header: "bearerish", want: "bearerish"},
		{name: "TokenStartingWithScheme", header: "tokenabc", want: "tokenabc"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			if tc.header != "-" {
				r.Header.Set("Authorization", tc.header)
			}
			if got := request.BearerKey(r); got != tc.want {
				t.Errorf("BearerKey(%q) = %q, want %q", tc.header, got, tc.want)
			}
		})
	}
}

func TestClientIP(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]string{
		"192.0.2.1:1234":   "192.0.2.1",
		"[2001:db8::1]:80": "2001:db8::1",
		"pipe":             "pipe",
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = addr
		if got := request.ClientIP(r); got != want {
			t.Errorf("ClientIP(RemoteAddr=%q) = %q, want %q", addr, got, want)
		}
	}
}
