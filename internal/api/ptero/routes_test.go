package ptero_test

import (
	"net/http"
	"testing"
)

func TestRoutes(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{name: "ApplicationRoot", method: http.MethodGet, path: "/api/application", wantStatus: http.StatusNotFound},
		{name: "ApplicationRootSlash", method: http.MethodGet, path: "/api/application/", wantStatus: http.StatusNotFound},
		{name: "ApplicationUnknown", method: http.MethodGet, path: "/api/application/nodes", header: bearer(appKey), wantStatus: http.StatusNotFound},
		{name: "ApplicationServer", method: http.MethodGet, path: "/api/application/servers/1", header: bearer(appKey), wantStatus: http.StatusNotFound},
		{name: "ClientRootSlash", method: http.MethodGet, path: "/api/client/", wantStatus: http.StatusNotFound},
		{name: "ClientUnknown", method: http.MethodGet, path: "/api/client/servers/" + serverIdent, header: bearer(ownerKey), wantStatus: http.StatusNotFound},
		{name: "ClientAccount", method: http.MethodGet, path: "/api/client/account", header: bearer(ownerKey), wantStatus: http.StatusNotFound},
		{name: "TrailingSlash", method: http.MethodGet, path: appDBs + "/", header: bearer(appKey), wantStatus: http.StatusNotFound},
		{name: "DoubleSlash", method: http.MethodGet, path: "/api/application/servers//1/databases", header: bearer(appKey), wantStatus: http.StatusNotFound},
		{name: "DotDot", method: http.MethodGet, path: "/api/client/servers/../databases", header: bearer(ownerKey), wantStatus: http.StatusNotFound},
		{name: "DeepPath", method: http.MethodGet, path: appDBs + "/1/reset-password/x", header: bearer(appKey), wantStatus: http.StatusNotFound},
		{name: "ListWrongMethod", method: http.MethodPut, path: appDBs, header: bearer(appKey), wantStatus: http.StatusMethodNotAllowed,
			wantHeader: map[string]string{"Allow": "GET, HEAD, POST"}},
		{name: "DatabaseWrongMethod", method: http.MethodPatch, path: appDBs + "/1", wantStatus: http.StatusMethodNotAllowed,
			wantHeader: map[string]string{"Allow": "GET, HEAD, DELETE"}},
		{name: "ResetWrongMethod", method: http.MethodGet, path: appDBs + "/1/reset-password", wantStatus: http.StatusMethodNotAllowed,
			wantHeader: map[string]string{"Allow": "POST"}},
		{name: "ServersWrongMethod", method: http.MethodPost, path: "/api/application/servers", wantStatus: http.StatusMethodNotAllowed},
		{name: "ClientRootWrongMethod", method: http.MethodPost, path: "/api/client", wantStatus: http.StatusMethodNotAllowed,
			wantHeader: map[string]string{"Allow": "GET, HEAD", "X-RateLimit-Limit": "720"}},
		{name: "RotateWrongMethod", method: http.MethodPut, path: clientDBs + "/" + hash1 + "/rotate-password", wantStatus: http.StatusMethodNotAllowed},
		{name: "HeadList", method: http.MethodHead, path: appDBs, header: bearer(appKey), wantStatus: http.StatusOK},
	})
}
