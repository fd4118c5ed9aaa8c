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
		{name: "OK", method: http.MethodGet, path: path, header: bearer(appReadKey), wantStatus: http.StatusOK},
		{
			name: "UnlimitedNoNode", method: http.MethodGet, path: path + "?per_page=1", header: bearer(appKey), wantStatus: http.StatusOK,
			setup: func(_ *testing.T, m *mocks) {
				m.servers.ListServersFn = func(context.Context, dbplane.Page) ([]*dbplane.Server, int, error) {
					s := fixtureServer()
					s.DatabaseLimit, s.NodeID = nil, ""
					return []*dbplane.Server{s}, 2, nil
				}
			},
		},
		{name: "PerPage101", method: http.MethodGet, path: path + "?per_page=101", header: bearer(appKey), wantStatus: http.StatusBadRequest},
		{name: "NoPermission", method: http.MethodGet, path: path, header: bearer(appWriteKey), wantStatus: http.StatusForbidden},
		{name: "UserKey", method: http.MethodGet, path: path, header: bearer(ownerKey), wantStatus: http.StatusForbidden},
		{
			name: "Internal", method: http.MethodGet, path: path, header: bearer(appKey), wantStatus: http.StatusInternalServerError,
			setup: func(_ *testing.T, m *mocks) {
				m.servers.ListServersFn = func(context.Context, dbplane.Page) ([]*dbplane.Server, int, error) {
					return nil, 0, errors.New("select servers: timeout")
				}
			},
			wantLog: []string{"select servers: timeout"}, notInBody: []string{"timeout"},
		},
		{
			name: "NodeFails", method: http.MethodGet, path: path, header: bearer(appKey), wantStatus: http.StatusInternalServerError,
			setup: func(_ *testing.T, m *mocks) {
				m.servers.NodeFn = func(context.Context, string) (*dbplane.Node, error) { return nil, errors.New("select node: busy") }
			},
			wantLog: []string{"select node: busy"},
		},
	})
}
