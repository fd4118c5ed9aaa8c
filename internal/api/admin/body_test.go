package admin_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestNullBody: a body of JSON null is refused (422) before any service
// is called, on every route that takes a body; a PATCH with null answered
// 200 and changed nothing (issue 10). No mock is set: a call would be 500.
func TestNullBody(t *testing.T) {
	t.Parallel()
	routes := []struct{ method, path string }{
		{http.MethodPost, "/api/admin/database-hosts"},
		{http.MethodPatch, "/api/admin/database-hosts/1"},
		{http.MethodPost, "/api/admin/accounts"},
		{http.MethodPatch, "/api/admin/accounts/" + tenantID},
		{http.MethodPost, "/api/admin/accounts/" + tenantID + "/keys"},
		{http.MethodPatch, "/api/admin/accounts/" + tenantID + "/keys/k1"},
		{http.MethodPost, "/api/admin/keys"},
		{http.MethodPatch, "/api/admin/keys/k1"},
		{http.MethodPost, "/api/admin/nodes"},
		{http.MethodPost, "/api/admin/servers"},
		{http.MethodPatch, "/api/admin/servers/12"},
		{http.MethodPost, "/api/admin/servers/12/subusers"},
		{http.MethodPut, "/api/admin/servers/12/subusers/" + tenantID},
	}
	var scenarios []scenario
	for _, rt := range routes {
		name := rt.method + strings.NewReplacer("/api/admin/", "", "/", "_").Replace(rt.path)
		for _, body := range []string{"null", " null\n"} {
			scenarios = append(scenarios, scenario{
				Name: name + map[string]string{"null": "", " null\n": "Spaced"}[body], Method: rt.method, Path: rt.path,
				Header: bearer(adminKey), Body: body, WantStatus: http.StatusUnprocessableEntity,
			})
		}
	}
	runScenarios(t, scenarios)
}
