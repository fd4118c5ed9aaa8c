package admin_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/dbplane/dbplane"
)

const nodeID = "5b1f9d2c-8e3a-4f6b-a1c7-2d9e0f3b4a51"

func fixtureNode() *dbplane.Node {
	return &dbplane.Node{ID: nodeID, NumericID: 3, Name: "fra-1", CreatedAt: t0, UpdatedAt: t1}
}

var errNodeNotFound = dbplane.Errorf(dbplane.CodeNotFound, "Node not found")

func TestNodeList(t *testing.T) {
	t.Parallel()
	const path = "/api/admin/nodes"
	list := func(_ *testing.T, m *mocks) {
		m.servers.ListNodesFn = func(context.Context) ([]*dbplane.Node, error) {
			other := fixtureNode()
			other.ID, other.NumericID, other.Name = "9c8d7e6f-0000-4000-8000-000000000004", 4, "fra-2"
			return []*dbplane.Node{fixtureNode(), other}, nil
		}
	}
	runScenarios(t, []scenario{
		{Name: "OK", Method: http.MethodGet, Path: path, Header: bearer(permKey("nodes:read")), Setup: list, WantStatus: http.StatusOK},
		{
			Name: "Empty", Method: http.MethodGet, Path: path, Header: bearer(readOnlyKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.servers.ListNodesFn = func(context.Context) ([]*dbplane.Node, error) { return nil, nil }
			},
			WantStatus: http.StatusOK,
		},
		{Name: "WriteOnly", Method: http.MethodGet, Path: path, Header: bearer(permKey("nodes:write")), WantStatus: http.StatusForbidden},
		{Name: "NoPermission", Method: http.MethodGet, Path: path, Header: bearer(noPermKey), WantStatus: http.StatusForbidden},
		{Name: "UserKey", Method: http.MethodGet, Path: path, Header: bearer(userKey), WantStatus: http.StatusForbidden},
		{Name: "NoKey", Method: http.MethodGet, Path: path, WantStatus: http.StatusUnauthorized},
	})
}

func TestNodeCreate(t *testing.T) {
	t.Parallel()
	const path = "/api/admin/nodes"
	create := func(want string) func(*testing.T, *mocks) {
		return func(t *testing.T, m *mocks) {
			m.servers.CreateNodeFn = func(_ context.Context, name string) (*dbplane.Node, error) {
				if name != want {
					t.Errorf("CreateNode(%q), want %q", name, want)
				}
				n := fixtureNode()
				n.Name, n.UpdatedAt = name, t0
				return n, nil
			}
		}
	}
	runScenarios(t, []scenario{
		{
			Name: "OK", Method: http.MethodPost, Path: path, Header: bearer(permKey("nodes:write")),
			Body: `{"name":"  fra-1 "}`, Setup: create("fra-1"), WantStatus: http.StatusCreated,
		},
		{Name: "MissingName", Method: http.MethodPost, Path: path, Header: bearer(adminKey), Body: `{}`, WantStatus: http.StatusUnprocessableEntity},
		{Name: "BlankName", Method: http.MethodPost, Path: path, Header: bearer(adminKey), Body: `{"name":"  "}`, WantStatus: http.StatusUnprocessableEntity},
		{Name: "UnknownField", Method: http.MethodPost, Path: path, Header: bearer(adminKey), Body: `{"name":"a","fqdn":"x"}`, WantStatus: http.StatusBadRequest},
		{
			Name: "Taken", Method: http.MethodPost, Path: path, Header: bearer(adminKey), Body: `{"name":"fra-1"}`,
			Setup: func(_ *testing.T, m *mocks) {
				m.servers.CreateNodeFn = func(context.Context, string) (*dbplane.Node, error) {
					return nil, dbplane.Errorf(dbplane.CodeConflict, "A node with that name exists")
				}
			},
			WantStatus: http.StatusConflict,
		},
		{Name: "ReadOnlyKey", Method: http.MethodPost, Path: path, Header: bearer(readOnlyKey), Body: `{"name":"a"}`, WantStatus: http.StatusForbidden},
		{Name: "UserKey", Method: http.MethodPost, Path: path, Header: bearer(userKey), Body: `{"name":"a"}`, WantStatus: http.StatusForbidden},
	})
}

func TestNodeGet(t *testing.T) {
	t.Parallel()
	get := func(want string) func(*testing.T, *mocks) {
		return func(t *testing.T, m *mocks) {
			m.servers.NodeFn = func(_ context.Context, ref string) (*dbplane.Node, error) {
				if ref != want {
					t.Errorf("Node(%q), want %q", ref, want)
				}
				return fixtureNode(), nil
			}
		}
	}
	runScenarios(t, []scenario{
		{Name: "ByUUID", Method: http.MethodGet, Path: "/api/admin/nodes/" + nodeID, Header: bearer(readOnlyKey), Setup: get(nodeID), WantStatus: http.StatusOK},
		{Name: "ByNumericID", Method: http.MethodGet, Path: "/api/admin/nodes/3", Header: bearer(readOnlyKey), Setup: get("3"), WantStatus: http.StatusOK},
		{
			Name: "NotFound", Method: http.MethodGet, Path: "/api/admin/nodes/99", Header: bearer(readOnlyKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.servers.NodeFn = func(context.Context, string) (*dbplane.Node, error) { return nil, errNodeNotFound }
			},
			WantStatus: http.StatusNotFound,
		},
		{Name: "ServersPermissionOnly", Method: http.MethodGet, Path: "/api/admin/nodes/3", Header: bearer(permKey("servers:read")), WantStatus: http.StatusForbidden},
	})
}
