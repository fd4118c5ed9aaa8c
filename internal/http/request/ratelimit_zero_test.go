package request_test

import (
	"net/http/httptest"
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
