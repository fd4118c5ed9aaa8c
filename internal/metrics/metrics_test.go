package metrics_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dbplane/dbplane/internal/metrics"
)

// TestObserveRequest: each request lands in its own series, by surface,
// route (or "unmatched") and status, in the counter and the histogram,
// however often the series was seen before.
func TestObserveRequest(t *testing.T) {
	m := metrics.New(nil, nil)
	for range 3 {
		m.ObserveRequest("dbapi", "GET /api/v1/db/databases/{id}", 200, time.Millisecond)
	}
	m.ObserveRequest("dbapi", "GET /api/v1/db/databases/{id}", 404, 2*time.Second)
	m.ObserveRequest("admin", "", 404, time.Millisecond)
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`dbplane_http_requests_total{route="GET /api/v1/db/databases/{id}",status="200",surface="dbapi"} 3`,
		`dbplane_http_requests_total{route="GET /api/v1/db/databases/{id}",status="404",surface="dbapi"} 1`,
		`dbplane_http_requests_total{route="unmatched",status="404",surface="admin"} 1`,
		`dbplane_http_request_duration_seconds_count{route="GET /api/v1/db/databases/{id}",surface="dbapi"} 4`,
		`dbplane_http_request_duration_seconds_bucket{route="GET /api/v1/db/databases/{id}",surface="dbapi",le="0.001"} 3`,
		`dbplane_http_request_duration_seconds_count{route="unmatched",surface="admin"} 1`,
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("metrics lack %s", want)
		}
	}
}
