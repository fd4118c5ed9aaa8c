package openapitest_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dbplane/dbplane/internal/api/openapitest"
)

// recorder is a testing.TB that keeps what Check reports instead
// of failing the test that runs it.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, format)
}

// TestCheck proves that the check fails on what the document does
// not describe, so that a surface's scenarios cannot pass unchecked.
func TestCheck(t *testing.T) {
	const db = `{"id":"01HV","name":"app","engine":"mariadb","dbName":"um_x_1","dbUser":"dum_x_1","sizeBytes":0,"sizeRefreshedAt":null,"status":"active","createdAt":"2026-05-20T09:30:00.000Z"}`
	json := http.Header{"Content-Type": {"application/json"}}
	tests := []struct {
		name         string
		method, path string
		status       int
		header       http.Header
		body         string
		wantOK       bool
	}{
		{"Documented", "GET", "/api/v1/db/databases", 200, json, `{"ok":true,"data":{"databases":[` + db + `]}}`, true},
		{"UndocumentedField", "GET", "/api/v1/db/databases", 200, json, `{"ok":true,"data":{"databases":[` + strings.Replace(db, `"id"`, `"secret":"x","id"`, 1) + `]}}`, false},
		{"MissingField", "GET", "/api/v1/db/databases", 200, json, `{"ok":true,"data":{"databases":[` + strings.Replace(db, `"name":"app",`, "", 1) + `]}}`, false},
		{"WrongEnvelope", "GET", "/api/v1/db/databases", 200, json, `{"data":{"databases":[]}}`, false},
		{"UndocumentedStatus", "GET", "/api/v1/db/databases", 418, json, `{"ok":false,"error":"teapot"}`, false},
		{"DocumentedError", "GET", "/api/v1/db/databases", 401, json, `{"ok":false,"error":"No key","code":"NO_KEY"}`, true},
		{"ErrorOfAnotherSurface", "GET", "/api/v1/db/databases", 401, json, `{"error":{"code":"unauthenticated","message":"No key"}}`, false},
		{"UnknownRoute404", "GET", "/api/v1/db/nope", 404, json, `{"ok":false,"error":"Not found","code":"NOT_FOUND"}`, true},
		{"UnknownRoute200", "GET", "/api/v1/db/nope", 200, json, `{"ok":true,"data":{}}`, false},
		{"UnknownRouteWrongShape", "GET", "/api/admin/nope", 404, json, `{"ok":false,"error":"Not found"}`, false},
		{"WrongMethod405", "PUT", "/api/admin/nodes", 405, http.Header{"Content-Type": {"application/json"}, "Allow": {"GET, HEAD, POST"}}, `{"error":{"code":"method_not_allowed","message":"Method not allowed"}}`, true},
		{"WrongMethodNoAllow", "PUT", "/api/admin/nodes", 405, json, `{"error":{"code":"method_not_allowed","message":"Method not allowed"}}`, false},
		{"WrongMethod200", "PUT", "/api/admin/nodes", 200, json, `{"data":[]}`, false},
		{"HeadAsGet", "HEAD", "/api/admin/nodes", 200, json, ``, true},
		{"HeadUndocumentedStatus", "HEAD", "/api/admin/nodes", 418, json, ``, false},
		{"PteroTrailingSlash", "GET", "/api/client/", 401, json, `{"errors":[{"code":"AuthenticationException","status":"401","detail":"Unauthenticated."}]}`, true},
		{"PteroStatusIsAString", "GET", "/api/client", 401, json, `{"errors":[{"code":"AuthenticationException","status":401,"detail":"Unauthenticated."}]}`, false},
		{"Dashboard", "GET", "/databases", 200, http.Header{"Content-Type": {"text/html"}}, `<html>`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := &recorder{TB: t}
			r := httptest.NewRequest(tc.method, "http://dbplane.test"+tc.path, nil)
			openapitest.Check(rec, r, tc.status, tc.header, []byte(tc.body))
			if got := len(rec.errs) == 0; got != tc.wantOK {
				t.Errorf("Check(%s %s %d %s) passed = %v, want %v", tc.method, tc.path, tc.status, tc.body, got, tc.wantOK)
			}
		})
	}
}

// TestCheckAccepted proves that an accepted request the document does
// not describe fails the check.
func TestCheckAccepted(t *testing.T) {
	tests := []struct {
		name, method, path, body string
		wantOK                   bool
	}{
		{"Documented", "POST", "/api/v1/db/databases", `{"name":"app","engine":"postgres"}`, true},
		{"NoContentType", "POST", "/api/admin/nodes", `{"name":"fra-1"}`, true},
		{"UndocumentedField", "POST", "/api/admin/nodes", `{"name":"fra-1","region":"eu"}`, false},
		{"WrongType", "POST", "/api/v1/db/databases", `{"name":5}`, false},
		{"UnknownEngine", "POST", "/api/v1/db/databases", `{"name":"app","engine":"oracle"}`, false},
		{"PanelIgnoresUnknownFields", "POST", "/api/client/servers/6f1b5c2a/databases/", `{"database":"app","remote":"%","host":3}`, true},
		{"Undocumented", "GET", "/databases", ``, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := &recorder{TB: t}
			r := httptest.NewRequest(tc.method, "http://dbplane.test"+tc.path, strings.NewReader(tc.body))
			if strings.HasPrefix(tc.path, "/api/v1") {
				r.Header.Set("Content-Type", "application/json")
			}
			openapitest.CheckAccepted(rec, r)
			if got := len(rec.errs) == 0; got != tc.wantOK {
				t.Errorf("CheckAccepted(%s %s %s) passed = %v, want %v", tc.method, tc.path, tc.body, got, tc.wantOK)
			}
		})
	}
}
