package ptero_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/dbplane/dbplane"
)

func TestAppServerList(t *testing.T) {
	t.Parallel()
	const path = "/api/application/servers"
	runScenarios(t, []scenario{
		{Name: "OK", Method: http.MethodGet, Path: path, Header: bearer(appReadKey), WantStatus: http.StatusOK},
		{
			Name: "UnlimitedNoNode", Method: http.MethodGet, Path: path + "?per_page=1", Header: bearer(appKey), WantStatus: http.StatusOK,
			Setup: func(_ *testing.T, m *mocks) {
				m.servers.ListServersFn = func(context.Context, dbplane.Page) ([]*dbplane.Server, int, error) {
					s := fixtureServer()
					s.DatabaseLimit, s.NodeID = nil, ""
					return []*dbplane.Server{s}, 2, nil
				}
			},
		},
		{Name: "PerPage101", Method: http.MethodGet, Path: path + "?per_page=101", Header: bearer(appKey), WantStatus: http.StatusBadRequest},
		{Name: "NoPermission", Method: http.MethodGet, Path: path, Header: bearer(appWriteKey), WantStatus: http.StatusForbidden},
		{Name: "UserKey", Method: http.MethodGet, Path: path, Header: bearer(ownerKey), WantStatus: http.StatusForbidden},
		// A user key of an admin account is Pterodactyl's root admin's
		// account key: every permission on the application API.
		{Name: "RootAdminUserKey", Method: http.MethodGet, Path: path, Header: bearer(adminUserKey), WantStatus: http.StatusOK},
		{
			Name: "Internal", Method: http.MethodGet, Path: path, Header: bearer(appKey), WantStatus: http.StatusInternalServerError,
			Setup: func(_ *testing.T, m *mocks) {
				m.servers.ListServersFn = func(context.Context, dbplane.Page) ([]*dbplane.Server, int, error) {
					return nil, 0, errors.New("select servers: timeout")
				}
			},
			WantLog: []string{"select servers: timeout"}, NotInBody: []string{"timeout"},
		},
		{
			Name: "NodeFails", Method: http.MethodGet, Path: path, Header: bearer(appKey), WantStatus: http.StatusInternalServerError,
			Setup: func(_ *testing.T, m *mocks) {
				m.servers.NodeFn = func(context.Context, string) (*dbplane.Node, error) { return nil, errors.New("select node: busy") }
			},
			WantLog: []string{"select node: busy"},
		},
	})
}
