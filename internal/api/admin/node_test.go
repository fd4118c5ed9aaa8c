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
		{name: "OK", method: http.MethodGet, path: path, header: bearer(permKey("nodes:read")), setup: list, wantStatus: http.StatusOK},
		{
			name: "Empty", method: http.MethodGet, path: path, header: bearer(readOnlyKey),
			setup: func(_ *testing.T, m *mocks) {
				m.servers.ListNodesFn = func(context.Context) ([]*dbplane.Node, error) { return nil, nil }
			},
			wantStatus: http.StatusOK,
		},
		{name: "WriteOnly", method: http.MethodGet, path: path, header: bearer(permKey("nodes:write")), wantStatus: http.StatusForbidden},
		{name: "NoPermission", method: http.MethodGet, path: path, header: bearer(noPermKey), wantStatus: http.StatusForbidden},
		{name: "UserKey", method: http.MethodGet, path: path, header: bearer(userKey), wantStatus: http.StatusForbidden},
		{name: "NoKey", method: http.MethodGet, path: path, wantStatus: http.StatusUnauthorized},
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
			name: "OK", method: http.MethodPost, path: path, header: bearer(permKey("nodes:write")),
			body: `{"name":"  fra-1 "}`, setup: create("fra-1"), wantStatus: http.StatusCreated,
		},
		{name: "MissingName", method: http.MethodPost, path: path, header: bearer(adminKey), body: `{}`, wantStatus: http.StatusUnprocessableEntity},
		{name: "BlankName", method: http.MethodPost, path: path, header: bearer(adminKey), body: `{"name":"  "}`, wantStatus: http.StatusUnprocessableEntity},
		{name: "UnknownField", method: http.MethodPost, path: path, header: bearer(adminKey), body: `{"name":"a","fqdn":"x"}`, wantStatus: http.StatusBadRequest},
		{
			name: "Taken", method: http.MethodPost, path: path, header: bearer(adminKey), body: `{"name":"fra-1"}`,
			setup: func(_ *testing.T, m *mocks) {
				m.servers.CreateNodeFn = func(context.Context, string) (*dbplane.Node, error) {
					return nil, dbplane.Errorf(dbplane.CodeConflict, "A node with that name exists")
				}
			},
			wantStatus: http.StatusConflict,
		},
		{name: "ReadOnlyKey", method: http.MethodPost, path: path, header: bearer(readOnlyKey), body: `{"name":"a"}`, wantStatus: http.StatusForbidden},
		{name: "UserKey", method: http.MethodPost, path: path, header: bearer(userKey), body: `{"name":"a"}`, wantStatus: http.StatusForbidden},
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
		{name: "ByUUID", method: http.MethodGet, path: "/api/admin/nodes/" + nodeID, header: bearer(readOnlyKey), setup: get(nodeID), wantStatus: http.StatusOK},
		{name: "ByNumericID", method: http.MethodGet, path: "/api/admin/nodes/3", header: bearer(readOnlyKey), setup: get("3"), wantStatus: http.StatusOK},
		{
			name: "NotFound", method: http.MethodGet, path: "/api/admin/nodes/99", header: bearer(readOnlyKey),
			setup: func(_ *testing.T, m *mocks) {
				m.servers.NodeFn = func(context.Context, string) (*dbplane.Node, error) { return nil, errNodeNotFound }
			},
			wantStatus: http.StatusNotFound,
		},
		{name: "ServersPermissionOnly", method: http.MethodGet, path: "/api/admin/nodes/3", header: bearer(permKey("servers:read")), wantStatus: http.StatusForbidden},
	})
}
