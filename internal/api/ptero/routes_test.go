package ptero_test

import (
	"net/http"
	"testing"
)

func TestRoutes(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{Name: "ApplicationRoot", Method: http.MethodGet, Path: "/api/application", WantStatus: http.StatusNotFound},
		{Name: "ApplicationRootSlash", Method: http.MethodGet, Path: "/api/application/", WantStatus: http.StatusNotFound},
		{Name: "ApplicationUnknown", Method: http.MethodGet, Path: "/api/application/eggs", Header: bearer(appKey), WantStatus: http.StatusNotFound},
		// dbplane has no external ids: the panel's lookup by one finds nothing.
		{Name: "ApplicationServerExternal", Method: http.MethodGet, Path: "/api/application/servers/external/abc", Header: bearer(appKey), WantStatus: http.StatusNotFound},
		{Name: "ApplicationServerExternalNoPermission", Method: http.MethodGet, Path: "/api/application/servers/external/abc", Header: bearer(hostsOnlyKey), WantStatus: http.StatusForbidden},
		{Name: "ApplicationServerExternalDelete", Method: http.MethodDelete, Path: "/api/application/servers/external/abc", Header: bearer(appKey), WantStatus: http.StatusMethodNotAllowed},
		// The client root with a trailing slash is the client root (Laravel).
		{Name: "ClientRootSlash", Method: http.MethodGet, Path: "/api/client/", WantStatus: http.StatusUnauthorized},
		{Name: "ClientUnknown", Method: http.MethodGet, Path: "/api/client/servers/" + serverIdent + "/files", Header: bearer(ownerKey), WantStatus: http.StatusNotFound},
		{Name: "ClientAccountKeys", Method: http.MethodGet, Path: "/api/client/account/api-keys", Header: bearer(ownerKey), WantStatus: http.StatusNotFound},
		// A trailing slash matches the route, as Laravel's router does.
		{Name: "TrailingSlash", Method: http.MethodGet, Path: appDBs + "/", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "TrailingSlashes", Method: http.MethodGet, Path: "/api/client/servers/" + serverIdent + "/databases//", Header: bearer(ownerKey), WantStatus: http.StatusOK},
		{Name: "TrailingSlashCreate", Method: http.MethodPost, Path: appDBs + "/", Header: bearer(appKey), Body: `{"database":"slash","remote":"%","host":1}`,
			WantStatus: http.StatusCreated, WantCalls: []string{"create slash"}},
		{Name: "DoubleSlash", Method: http.MethodGet, Path: "/api/application/servers//1/databases", Header: bearer(appKey), WantStatus: http.StatusNotFound},
		{Name: "DotDot", Method: http.MethodGet, Path: "/api/client/servers/../databases", Header: bearer(ownerKey), WantStatus: http.StatusNotFound},
		{Name: "DeepPath", Method: http.MethodGet, Path: appDBs + "/1/reset-password/x", Header: bearer(appKey), WantStatus: http.StatusNotFound},
		{Name: "ListWrongMethod", Method: http.MethodPut, Path: appDBs, Header: bearer(appKey), WantStatus: http.StatusMethodNotAllowed,
			WantHeader: map[string]string{"Allow": "GET, HEAD, POST"}},
		{Name: "DatabaseWrongMethod", Method: http.MethodPatch, Path: appDBs + "/1", WantStatus: http.StatusMethodNotAllowed,
			WantHeader: map[string]string{"Allow": "GET, HEAD, DELETE"}},
		{Name: "ResetWrongMethod", Method: http.MethodGet, Path: appDBs + "/1/reset-password", WantStatus: http.StatusMethodNotAllowed,
			WantHeader: map[string]string{"Allow": "POST"}},
		{Name: "ServersWrongMethod", Method: http.MethodPost, Path: "/api/application/servers", WantStatus: http.StatusMethodNotAllowed},
		{Name: "ClientRootWrongMethod", Method: http.MethodPost, Path: "/api/client", WantStatus: http.StatusMethodNotAllowed,
			WantHeader: map[string]string{"Allow": "GET, HEAD", "X-RateLimit-Limit": "720"}},
		{Name: "RotateWrongMethod", Method: http.MethodPut, Path: clientDBs + "/" + hash1 + "/rotate-password", WantStatus: http.StatusMethodNotAllowed},
		{Name: "HeadList", Method: http.MethodHead, Path: appDBs, Header: bearer(appKey), WantStatus: http.StatusOK},
	})
}
