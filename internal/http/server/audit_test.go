package server_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/request"
	"github.com/dbplane/dbplane/internal/http/server"
)

// TestAudit_WhatIsKept runs requests through the server's middleware with
// a surface that routes a few patterns: changes and reveals are kept with
// the route's path values and the actor the surface noted; plain reads,
// unrouted paths and health checks are not; no query string, header or
// body reaches an entry.
func TestAudit_WhatIsKept(t *testing.T) {
	mux := request.NewMux(
		func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNotFound) },
		func(w http.ResponseWriter, r *http.Request, allow string) { w.WriteHeader(http.StatusMethodNotAllowed) },
	)
	ok := func(w http.ResponseWriter, r *http.Request) {
		request.NoteActor(r, request.Actor{AccountID: "acct1", KeyID: "key1", KeyPrefix: "dbpu_ab"})
		w.WriteHeader(http.StatusOK)
	}
	mux.Handle("GET /api/v1/db/databases", ok)
	mux.Handle("GET /api/v1/db/databases/{id}", request.Reveals(ok))
	mux.Handle("POST /api/v1/db/databases/{id}/rotate", ok)
	mux.Handle("DELETE /api/v1/db/keys/{rest...}", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusForbidden) })
	mux.Handle("POST /api/v1/db/signin", func(w http.ResponseWriter, r *http.Request) {
		request.NoteActor(r, request.Actor{Email: "a\x00b\xff"}) // PostgreSQL's text takes neither byte
		w.WriteHeader(http.StatusUnauthorized)
	})
	mux.Fallback("/api/v1/db/")
	var got []dbplane.AuditEntry
	srv := server.New(server.Options{
		Handlers: server.Handlers{DBAPI: mux},
		Audit:    func(e dbplane.AuditEntry) { got = append(got, e) },
	})
	for _, tc := range []struct{ method, target, body string }{
		{"GET", "/api/v1/db/databases?include=password", ""},                  // a plain read
		{"GET", "/api/v1/db/databases/db%201?token=hunter2-secret-query", ""}, // a reveal
		{"POST", "/api/v1/db/databases/db1/rotate?x=secret-query", "hunter2-secret-body"},
		{"DELETE", "/api/v1/db/keys/a/b%2Fc", ""},
		{"POST", "/api/v1/db/nowhere", ""},  // no route
		{"PUT", "/api/v1/db/databases", ""}, // 405
		{"GET", "/healthz", ""},
		{"POST", "/api/v1/db/signin", ""},
	} {
		req := httptest.NewRequest(tc.method, tc.target, strings.NewReader(tc.body))
		req.Header.Set("Authorization", "Bearer dbpu_secret-header-key")
		srv.Handler().ServeHTTP(httptest.NewRecorder(), req)
	}
	type kept struct {
		Action    string
		Resources map[string]string
		Actor     string
		Reveal    bool
		Status    int
	}
	var gotKept []kept
	for _, e := range got {
		gotKept = append(gotKept, kept{e.Action, e.Resources, e.Email + "/" + e.AccountID + "/" + e.KeyID + "/" + e.KeyPrefix, e.Reveal, e.Status})
		if e.IP != "192.0.2.1" || e.RequestID == "" || e.Surface != "dbapi" || e.Time.IsZero() {
			t.Errorf("entry %s: ip %q, request id %q, surface %q, time %v", e.Action, e.IP, e.RequestID, e.Surface, e.Time)
		}
		if s := strings.ToLower(strings.Join([]string{e.Action, e.Email, fmt.Sprint(e.Resources)}, " ")); strings.Contains(s, "secret") {
			t.Errorf("entry holds request data it must not: %+v", e)
		}
	}
	want := []kept{
		{"GET /api/v1/db/databases/{id}", map[string]string{"id": "db 1"}, "/acct1/key1/dbpu_ab", true, 200},
		{"POST /api/v1/db/databases/{id}/rotate", map[string]string{"id": "db1"}, "/acct1/key1/dbpu_ab", false, 200},
		{"DELETE /api/v1/db/keys/{rest...}", map[string]string{"rest": "a/b/c"}, "///", false, 403},
		{"POST /api/v1/db/signin", nil, "a\uFFFDb\uFFFD///", false, 401},
	}
	if diff := cmp.Diff(want, gotKept); diff != "" {
		t.Errorf("kept entries (-want +got):\n%s", diff)
	}
}
