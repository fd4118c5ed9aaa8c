package request_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/dbplane/dbplane/internal/http/request"
)

func TestMux(t *testing.T) {
	t.Parallel()
	answer := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(body)) }
	}
	m := request.NewMux(answer("404"), func(w http.ResponseWriter, r *http.Request, allow string) {
		w.Header().Set("Allow", allow)
		_, _ = w.Write([]byte("405"))
	})
	m.Handle("GET /api/x", answer("list"))
	m.Handle("POST /api/x", answer("create"))
	m.Handle("DELETE /api/x/{id}", answer("delete"))
	m.Fallback("/api", "/api/")
	tests := []struct {
		method, path string
		want         string
		wantAllow    string
	}{
		{"GET", "/api/x", "list", ""},
		{"HEAD", "/api/x", "list", ""}, // a GET route takes HEAD; the server drops the body
		{"POST", "/api/x", "create", ""},
		{"PUT", "/api/x", "405", "GET, HEAD, POST"},
		{"DELETE", "/api/x/1", "delete", ""},
		{"GET", "/api/x/1", "405", "DELETE"},
		{"GET", "/api", "404", ""},
		{"GET", "/api/", "404", ""},
		{"GET", "/api/nope", "404", ""},
		{"GET", "/api//x", "404", ""},
		{"GET", "/api/./x", "404", ""},
		{"GET", "/api/y/../x", "404", ""},
		{"DELETE", "/api/x/1/.", "404", ""},
		{"GET", "", "404", ""},
	}
	for _, tc := range tests {
		r := httptest.NewRequest(tc.method, "/", nil)
		r.URL.Path = tc.path
		w := httptest.NewRecorder()
		m.ServeHTTP(w, r)
		if got := w.Body.String(); got != tc.want || w.Code != http.StatusOK {
			t.Errorf("%s %q = %d %q, want 200 %q", tc.method, tc.path, w.Code, got, tc.want)
		}
		if got := w.Header().Get("Allow"); got != tc.wantAllow {
			t.Errorf("%s %q Allow = %q, want %q", tc.method, tc.path, got, tc.wantAllow)
		}
	}
}
