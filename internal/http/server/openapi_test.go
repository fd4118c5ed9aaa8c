package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/dbplane/dbplane/internal/http/server"
)

// TestServer_OpenAPI checks that /openapi.json serves the bytes it was
// given, GET and HEAD only, and that without a document the path is the
// dashboard's like any other.
func TestServer_OpenAPI(t *testing.T) {
	t.Parallel()
	doc := []byte(`{"openapi":"3.1.0"}`)
	h := server.New(server.Options{OpenAPI: doc, Handlers: server.Handlers{Web: named("web")}}).Handler()

	w := serve(h, http.MethodGet, "/openapi.json", nil)
	if w.Code != http.StatusOK || w.Body.String() != string(doc) || w.Header().Get("Content-Type") != "application/json" {
		t.Errorf("GET /openapi.json = %d %q %q, want 200 application/json %s", w.Code, w.Header().Get("Content-Type"), w.Body, doc)
	}
	w = serve(h, http.MethodHead, "/openapi.json", nil)
	if w.Code != http.StatusOK || w.Body.Len() != 0 || w.Header().Get("Content-Length") != "19" {
		t.Errorf("HEAD /openapi.json = %d %q Content-Length %q, want 200, no body, 19", w.Code, w.Body, w.Header().Get("Content-Length"))
	}
	w = serve(h, http.MethodPost, "/openapi.json", nil)
	if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST /openapi.json = %d Allow %q, want 405 GET, HEAD", w.Code, w.Header().Get("Allow"))
	}

	none := server.New(server.Options{Handlers: server.Handlers{Web: named("web")}}).Handler()
	if w := serve(none, http.MethodGet, "/openapi.json", nil); !strings.HasPrefix(w.Body.String(), "web ") {
		t.Errorf("GET /openapi.json without a document went to %q, want the dashboard", w.Body)
	}
}
