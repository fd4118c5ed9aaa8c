package ptero_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/google/go-cmp/cmp"
)

const appHosts = "/api/application/database-hosts"

// hostMocks gives the hosts service a second, PostgreSQL host and the
// admin database list the fixture databases (plus one of the management
// API, which belongs to no server).
func hostMocks(_ *testing.T, m *mocks) {
	second := fixtureHost()
	second.ID, second.NumericID, second.Name, second.Engine, second.Hostname, second.Port, second.NodeIDs =
		"5a6b7c8d-0000-4000-8000-000000000002", 2, "pg", dbplane.EnginePostgres, "10.0.0.6", 5432, nil
	m.hosts.ListHostsFn = func(context.Context) ([]*dbplane.Host, error) {
		return []*dbplane.Host{second, fixtureHost()}, nil
	}
	m.adminDBs.ListAllDatabasesFn = func(_ context.Context, f dbplane.DatabaseFilter) ([]*dbplane.Database, int, error) {
		if f.HostID != hostUUID {
			return nil, 0, nil
		}
		own := fixtureDatabases()[0]
		own.ID, own.NumericID, own.ServerID, own.DBName = "01HVDB0000000000000000009", 9, "", "um_own_1"
		all := append(fixtureDatabases(), own)
		return page(all, f.Page), len(all), nil
	}
}

// hostInput checks what the handler passed to CreateHost or UpdateHost.
func wantHostInput(t *testing.T, want dbplane.HostInput, got dbplane.HostInput) {
	t.Helper()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("host input (-want +got):\n%s", diff)
	}
}

func TestAppDatabaseHosts(t *testing.T) {
	t.Parallel()
	str := func(s string) *string { return &s }
	runScenarios(t, []scenario{
		{Name: "List", Method: http.MethodGet, Path: appHosts, Header: bearer(appKey), Setup: hostMocks, WantStatus: http.StatusOK,
			NotContains: []string{hostAdminPassword}},
		{Name: "ListFilterHost", Method: http.MethodGet, Path: appHosts + "?filter[host]=10.0.0.6", Header: bearer(appKey), Setup: hostMocks, WantStatus: http.StatusOK},
		{Name: "ListSortNameDesc", Method: http.MethodGet, Path: appHosts + "?sort=-name", Header: bearer(appKey), Setup: hostMocks, WantStatus: http.StatusOK},
		{Name: "ListSortUnknown", Method: http.MethodGet, Path: appHosts + "?sort=uuid", Header: bearer(appKey), Setup: hostMocks, WantStatus: http.StatusBadRequest},
		{Name: "ListNoPermission", Method: http.MethodGet, Path: appHosts, Header: bearer(appReadKey), WantStatus: http.StatusForbidden},
		{Name: "Get", Method: http.MethodGet, Path: appHosts + "/1", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "GetByUUIDUpper", Method: http.MethodGet, Path: appHosts + "/" + strings.ToUpper(hostUUID), Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "GetIncludes", Method: http.MethodGet, Path: appHosts + "/1?include=nodes,databases", Header: bearer(appKey), Setup: hostMocks,
			WantStatus: http.StatusOK},
		{Name: "GetIncludesHidden", Method: http.MethodGet, Path: appHosts + "/1?include=nodes,databases", Header: bearer(hostsOnlyKey), Setup: hostMocks,
			WantStatus: http.StatusOK},
		{Name: "GetNotFound", Method: http.MethodGet, Path: appHosts + "/7", Header: bearer(appKey), WantStatus: http.StatusNotFound},
		{
			Name: "Create", Method: http.MethodPost, Path: appHosts, Header: bearer(appKey),
			Body: `{"name":"db2","host":"10.0.0.7","port":3306,"username":"pelican","password":"s3cret","node_ids":[3],"driver":"mysql","extra":1}`,
			Setup: func(t *testing.T, m *mocks) {
				m.hosts.CreateHostFn = func(_ context.Context, in dbplane.HostInput) (*dbplane.Host, error) {
					port, pw, engine := 3306, dbplane.Secret("s3cret"), "mariadb"
					wantHostInput(t, dbplane.HostInput{Name: str("db2"), Hostname: str("10.0.0.7"), Port: &port, Username: str("pelican"),
						Password: &pw, Engine: &engine, NodeIDs: &[]string{"3"}}, in)
					h := fixtureHost()
					h.NumericID, h.Name, h.Hostname = 5, "db2", "10.0.0.7"
					m.record("create host")
					return h, nil
				}
			},
			WantStatus: http.StatusCreated, WantCalls: []string{"create host"}, NotContains: []string{"s3cret"},
		},
		{
			Name: "CreateForm", Method: http.MethodPost, Path: appHosts + "/", Body: "name=db2&host=10.0.0.7&port=5432&username=pelican&password=pw&driver=pgsql&node_ids[]=3",
			Header: map[string]string{"Authorization": "Bearer " + appKey, "Content-Type": "application/x-www-form-urlencoded"},
			Setup: func(t *testing.T, m *mocks) {
				m.hosts.CreateHostFn = func(_ context.Context, in dbplane.HostInput) (*dbplane.Host, error) {
					if in.Engine == nil || *in.Engine != "postgres" || in.Port == nil || *in.Port != 5432 || in.NodeIDs == nil || !slices.Equal(*in.NodeIDs, []string{"3"}) {
						t.Errorf("CreateHost input = %+v, want postgres on 5432, node 3", in)
					}
					m.record("create host")
					return fixtureHost(), nil
				}
			},
			WantStatus: http.StatusCreated, WantCalls: []string{"create host"},
		},
		{Name: "CreateMissing", Method: http.MethodPost, Path: appHosts, Header: bearer(appKey), Body: `{"port":"x","driver":"oracle"}`,
			WantStatus: http.StatusUnprocessableEntity},
		{
			// Pelican links a host to several nodes: every id reaches the
			// service, and include=nodes lists them all.
			Name: "CreateTwoNodes", Method: http.MethodPost, Path: appHosts + "?include=nodes", Header: bearer(appKey),
			Body: `{"name":"a","host":"h","port":1,"username":"u","password":"p","node_ids":[4,"3"]}`,
			Setup: func(t *testing.T, m *mocks) {
				m.hosts.CreateHostFn = func(_ context.Context, in dbplane.HostInput) (*dbplane.Host, error) {
					if in.NodeIDs == nil || !slices.Equal(*in.NodeIDs, []string{"4", "3"}) {
						t.Errorf("CreateHost NodeIDs = %v, want [4 3]", in.NodeIDs)
					}
					m.record("create host")
					h := fixtureHost()
					h.NodeIDs = []string{fixtureNode2().ID, "node-1"}
					return h, nil
				}
			},
			WantStatus: http.StatusCreated, WantCalls: []string{"create host"},
		},
		{Name: "CreateSecondNodeUnknown", Method: http.MethodPost, Path: appHosts, Header: bearer(appKey),
			Body: `{"name":"a","host":"h","port":1,"username":"u","password":"p","node_ids":[3,9]}`, WantStatus: http.StatusUnprocessableEntity},
		{Name: "CreateNodeIDsNotArray", Method: http.MethodPost, Path: appHosts, Header: bearer(appKey),
			Body: `{"name":"a","host":"h","port":1,"username":"u","password":"p","node_ids":3}`, WantStatus: http.StatusUnprocessableEntity},
		{
			Name: "UpdateUnlinkNodes", Method: http.MethodPatch, Path: appHosts + "/1", Header: bearer(appKey), Body: `{"node_ids":[]}`,
			Setup: func(t *testing.T, m *mocks) {
				m.hosts.UpdateHostFn = func(_ context.Context, _ string, in dbplane.HostInput) (*dbplane.Host, error) {
					wantHostInput(t, dbplane.HostInput{NodeIDs: &[]string{}}, in)
					m.record("update host")
					h := fixtureHost()
					h.NodeIDs = nil
					return h, nil
				}
			},
			WantStatus: http.StatusOK, WantCalls: []string{"update host"},
		},
		{Name: "CreateUnknownNode", Method: http.MethodPost, Path: appHosts, Header: bearer(appKey),
			Body: `{"name":"a","host":"h","port":1,"username":"u","password":"p","node_ids":[9]}`, WantStatus: http.StatusUnprocessableEntity},
		{
			// The connection test fails: the domain's reason, per field.
			Name: "CreateCheckFails", Method: http.MethodPost, Path: appHosts, Header: bearer(appKey),
			Body: `{"name":"a","host":"h","port":1,"username":"u","password":"p"}`,
			Setup: func(_ *testing.T, m *mocks) {
				m.hosts.CreateHostFn = func(context.Context, dbplane.HostInput) (*dbplane.Host, error) {
					m.record("create host")
					return nil, dbplane.FieldErrorf("hostname", "Cannot connect to h:1: connection refused")
				}
			},
			WantStatus: http.StatusUnprocessableEntity, WantCalls: []string{"create host"},
		},
		{Name: "CreateReadOnly", Method: http.MethodPost, Path: appHosts, Header: bearer(hostsOnlyKey), Body: `{}`, WantStatus: http.StatusForbidden},
		{
			Name: "Update", Method: http.MethodPatch, Path: appHosts + "/1", Header: bearer(appKey), Body: `{"name":"renamed","max_databases":null}`,
			Setup: func(t *testing.T, m *mocks) {
				m.hosts.UpdateHostFn = func(_ context.Context, id string, in dbplane.HostInput) (*dbplane.Host, error) {
					wantHostInput(t, dbplane.HostInput{Name: str("renamed"), MaxDatabasesSet: true}, in)
					if id != hostUUID {
						t.Errorf("UpdateHost(%q), want the host's UUID", id)
					}
					m.record("update host")
					h := fixtureHost()
					h.Name = "renamed"
					return h, nil
				}
			},
			WantStatus: http.StatusOK, WantCalls: []string{"update host"},
		},
		{
			Name: "Delete", Method: http.MethodDelete, Path: appHosts + "/1", Header: bearer(appKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.hosts.DeleteHostFn = func(context.Context, string) error { m.record("delete host"); return nil }
			},
			WantStatus: http.StatusNoContent, WantCalls: []string{"delete host"},
		},
		{
			Name: "DeleteWithDatabases", Method: http.MethodDelete, Path: appHosts + "/1", Header: bearer(appKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.hosts.DeleteHostFn = func(context.Context, string) error {
					m.record("delete host")
					return dbplane.Errorf(dbplane.CodeConflict, "The host has 2 database(s); delete them first")
				}
			},
			WantStatus: http.StatusConflict, WantCalls: []string{"delete host"},
		},
	})
}
