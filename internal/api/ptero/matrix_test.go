package ptero_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dbplane/dbplane/internal/api/ptero"
)

// route is one request of a permission matrix.
type route struct {
	name, method, path, body string
}

// cell runs one request on fresh mocks and returns its status and, for an
// error, the first error code.
func cell(t *testing.T, key string, rt route) (int, string) {
	t.Helper()
	m := newMocks()
	var logs bytes.Buffer
	h := newHandler(m, &logs, ptero.Options{})
	w := httptest.NewRecorder()
	h.ServeHTTP(w, surface.Request(rt.method, rt.path, rt.body, bearer(key)))
	var e struct {
		Errors []struct {
			Code string `json:"code"`
		} `json:"errors"`
	}
	if w.Code >= 400 {
		if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || len(e.Errors) == 0 {
			t.Errorf("%s %s = %d with body %s, want Pterodactyl's error shape", rt.method, rt.path, w.Code, w.Body)
			return w.Code, ""
		}
		return w.Code, e.Errors[0].Code
	}
	return w.Code, ""
}

func TestClientPermissionMatrix(t *testing.T) {
	t.Parallel()
	routes := []route{
		{name: "list", method: http.MethodGet, path: clientDBs},
		{name: "get", method: http.MethodGet, path: clientDBs + "/" + hash1},
		{name: "listPasswords", method: http.MethodGet, path: clientDBs + "?include=password"},
		{name: "getPassword", method: http.MethodGet, path: clientDBs + "/" + hash1 + "?include=password"},
		{name: "create", method: http.MethodPost, path: clientDBs, body: `{"database":"abc","remote":"%"}`},
		{name: "rotate", method: http.MethodPost, path: clientDBs + "/" + hash1 + "/rotate-password"},
		{name: "delete", method: http.MethodDelete, path: clientDBs + "/" + hash1},
	}
	// What each route needs, as a set of database.* permissions.
	needs := map[string][]string{
		"list": {"database.read"}, "get": {"database.read"},
		// Without database.view_password the password is a null
		// resource (the goldens show it), not a 403.
		"listPasswords": {"database.read"},
		"getPassword":   {"database.read"},
		"create":        {"database.create"}, "rotate": {"database.update"}, "delete": {"database.delete"},
	}
	okStatus := map[string]int{"list": 200, "get": 200, "listPasswords": 200, "getPassword": 200, "create": 200, "rotate": 200, "delete": 204}

	type principal struct {
		name  string
		key   string
		perms []string // nil: owner/admin/other decided below
	}
	principals := []principal{
		{name: "owner", key: ownerKey},
		{name: "adminUser", key: adminUserKey},
		{name: "other", key: otherKey},
		{name: "adminKey", key: appKey},
		{name: "subNone", key: sub(""), perms: []string{}},
	}
	for _, p := range []string{"database.create", "database.read", "database.update", "database.delete", "database.view_password"} {
		principals = append(principals, principal{name: "sub[" + p + "]", key: sub(p), perms: []string{p}})
	}
	principals = append(principals,
		principal{name: "sub[read,view_password]", key: sub("database.read,database.view_password"),
			perms: []string{"database.read", "database.view_password"}},
		principal{name: "subAll", key: sub("database.create,database.read,database.update,database.delete,database.view_password"),
			perms: []string{"database.create", "database.read", "database.update", "database.delete", "database.view_password"}},
	)
	for _, p := range principals {
		for _, rt := range routes {
			t.Run(p.name+"/"+rt.name, func(t *testing.T) {
				t.Parallel()
				wantStatus, wantCode := okStatus[rt.name], ""
				switch {
				case p.key == otherKey:
					wantStatus, wantCode = http.StatusNotFound, "NotFoundHttpException"
				case p.key == appKey:
					wantStatus, wantCode = http.StatusForbidden, "AccessDeniedHttpException"
				case p.perms != nil:
					for _, need := range needs[rt.name] {
						if !strings.Contains(","+strings.Join(p.perms, ",")+",", ","+need+",") {
							wantStatus, wantCode = http.StatusForbidden, "AccessDeniedHttpException"
						}
					}
				}
				status, code := cell(t, p.key, rt)
				if status != wantStatus || code != wantCode {
					t.Errorf("%s %s as %s = %d %s, want %d %s", rt.method, rt.path, p.name, status, code, wantStatus, wantCode)
				}
			})
		}
	}
}

func TestApplicationPermissionMatrix(t *testing.T) {
	t.Parallel()
	routes := []struct {
		route
		perm string
		ok   int
	}{
		{route{name: "servers", method: http.MethodGet, path: "/api/application/servers"}, "servers:read", 200},
		{route{name: "list", method: http.MethodGet, path: appDBs}, "server_databases:read", 200},
		{route{name: "get", method: http.MethodGet, path: appDBs + "/1?include=password,host"}, "server_databases:read", 200},
		{route{name: "create", method: http.MethodPost, path: appDBs, body: `{"database":"a","remote":"%","host":1}`}, "server_databases:write", 201},
		{route{name: "reset", method: http.MethodPost, path: appDBs + "/1/reset-password"}, "server_databases:write", 204},
		{route{name: "delete", method: http.MethodDelete, path: appDBs + "/1"}, "server_databases:write", 204},
	}
	keys := []struct {
		name  string
		key   string
		perms []string // nil = none work
	}{
		{name: "all", key: appKey, perms: []string{"servers:read", "server_databases:read", "server_databases:write"}},
		{name: "read", key: appReadKey, perms: []string{"servers:read", "server_databases:read"}},
		{name: "write", key: appWriteKey, perms: []string{"server_databases:write"}},
		{name: "none", key: appNoPermKey},
		{name: "userKey", key: ownerKey},
		// A root admin's account key holds every permission (SPEC §4.3).
		{name: "adminAccountUserKey", key: adminUserKey, perms: []string{"servers:read", "server_databases:read", "server_databases:write"}},
		{name: "demoted", key: demotedKey},
		{name: "suspended", key: suspendedKey},
	}
	for _, k := range keys {
		for _, rt := range routes {
			t.Run(k.name+"/"+rt.name, func(t *testing.T) {
				t.Parallel()
				wantStatus, wantCode := http.StatusForbidden, "AccessDeniedHttpException"
				for _, p := range k.perms {
					if p == rt.perm {
						wantStatus, wantCode = rt.ok, ""
					}
				}
				status, code := cell(t, k.key, rt.route)
				if status != wantStatus || code != wantCode {
					t.Errorf("%s %s with %s key = %d %s, want %d %s", rt.method, rt.path, k.name, status, code, wantStatus, wantCode)
				}
			})
		}
	}
}
