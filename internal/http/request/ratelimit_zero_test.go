package request_test

import (
	"net/http/httptest"
	"net/textproto"
	"testing"

	"github.com/dbplane/dbplane/internal/http/request"
)

// TestRateLimiter_ZeroIsNoLimit: the deployment turned the limit off.
func TestRateLimiter_ZeroIsNoLimit(t *testing.T) {
	l := request.NewRateLimiter(0, nil)
	for i := 0; i < 1000; i++ {
		w := httptest.NewRecorder()
		if !l.Limit(w, "k") {
			t.Fatalf("request %d refused by a limiter of 0", i+1)
		}
		if h := w.Header().Get("X-RateLimit-Limit"); h != "" {
			t.Fatalf("a limiter of 0 set X-RateLimit-Limit %q", h)
		}
	}
}

// TestRateLimiter_Headers: the limiter writes its headers into the map
// itself, so they must be under the keys Header.Set would use, with the
// values a client reads.
func TestRateLimiter_Headers(t *testing.T) {
	l := request.NewRateLimiter(3, nil)
	for i, want := range []string{"2", "1", "0"} {
		w := httptest.NewRecorder()
		if !l.Limit(w, "k") {
			t.Fatalf("request %d refused", i+1)
		}
		for k := range w.Header() {
			if k != textproto.CanonicalMIMEHeaderKey(k) {
				t.Errorf("header key %q is not canonical", k)
			}
		}
		if got := w.Header().Values("X-RateLimit-Limit"); len(got) != 1 || got[0] != "3" {
			t.Errorf("request %d: X-RateLimit-Limit = %q, want [3]", i+1, got)
		}
		if got := w.Header().Values("X-RateLimit-Remaining"); len(got) != 1 || got[0] != want {
			t.Errorf("request %d: X-RateLimit-Remaining = %q, want [%s]", i+1, got, want)
		}
	}
}
