package ptero_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
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

func TestAppServerFilter(t *testing.T) {
	t.Parallel()
	const path = "/api/application/servers"
	// Three servers over two pages of the store, so the filter walks them.
	many := func(_ *testing.T, m *mocks) {
		all := []*dbplane.Server{fixtureServer(), fixtureServer(), fixtureServer()}
		all[1].NumericID, all[1].Name, all[1].ID, all[1].Identifier = 2, "Creative", "9a8b7c6d-0000-4000-8000-000000000002", "9a8b7c6d"
		all[2].NumericID, all[2].Name, all[2].ID, all[2].Identifier = 3, "Survival 2", "1b2c3d4e-0000-4000-8000-000000000003", "1b2c3d4e"
		m.servers.ListServersFn = func(_ context.Context, p dbplane.Page) ([]*dbplane.Server, int, error) {
			if p.PerPage != 100 && p.PerPage != 50 {
				t.Errorf("ListServers per_page = %d", p.PerPage)
			}
			return page(all, dbplane.Page{Page: p.Page, PerPage: 2}), len(all), nil
		}
	}
	runScenarios(t, []scenario{
		{Name: "Name", Method: http.MethodGet, Path: path + "?filter[name]=SURV", Header: bearer(appKey), Setup: many, WantStatus: http.StatusOK},
		{Name: "NameAnyOf", Method: http.MethodGet, Path: path + "?filter%5Bname%5D=creat,nothing", Header: bearer(appKey), Setup: many, WantStatus: http.StatusOK},
		{Name: "UUID", Method: http.MethodGet, Path: path + "?filter[uuid]=" + strings.ToUpper(serverUUID), Header: bearer(appKey), Setup: many, WantStatus: http.StatusOK},
		{Name: "UUIDShort", Method: http.MethodGet, Path: path + "?filter[uuidShort]=1b2c3d4e", Header: bearer(appKey), Setup: many, WantStatus: http.StatusOK},
		{Name: "NameAndPage", Method: http.MethodGet, Path: path + "?filter[name]=surv&per_page=1&page=2", Header: bearer(appKey), Setup: many, WantStatus: http.StatusOK},
		{Name: "ExternalID", Method: http.MethodGet, Path: path + "?filter[external_id]=abc", Header: bearer(appKey), Setup: many, WantStatus: http.StatusOK},
		{Name: "Empty", Method: http.MethodGet, Path: path + "?filter[name]=", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "Unknown", Method: http.MethodGet, Path: path + "?filter[owner]=1&filter[name]=x", Header: bearer(appKey), WantStatus: http.StatusBadRequest},
		// sort= (Pterodactyl 1.11: id, uuid) walks the list as a filter does.
		{Name: "SortIDDesc", Method: http.MethodGet, Path: path + "?sort=-id&per_page=2", Header: bearer(appKey), Setup: many, WantStatus: http.StatusOK},
		{Name: "SortUUID", Method: http.MethodGet, Path: path + "?sort=uuid", Header: bearer(appKey), Setup: many, WantStatus: http.StatusOK},
		{Name: "SortWithFilter", Method: http.MethodGet, Path: path + "?filter[name]=surv&sort=-uuid", Header: bearer(appKey), Setup: many, WantStatus: http.StatusOK},
		{Name: "SortEmpty", Method: http.MethodGet, Path: path + "?sort=", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "SortUnknown", Method: http.MethodGet, Path: path + "?sort=-name,id,owner_id", Header: bearer(appKey), WantStatus: http.StatusBadRequest},
		// The query builder checks filters before sorts.
		{Name: "SortAndFilterUnknown", Method: http.MethodGet, Path: path + "?sort=name&filter[owner]=1", Header: bearer(appKey), WantStatus: http.StatusBadRequest},
		{
			Name: "StoreFails", Method: http.MethodGet, Path: path + "?filter[name]=x", Header: bearer(appKey), WantStatus: http.StatusInternalServerError,
			Setup: func(_ *testing.T, m *mocks) {
				m.servers.ListServersFn = func(context.Context, dbplane.Page) ([]*dbplane.Server, int, error) {
					return nil, 0, errors.New("select servers: busy")
				}
			},
			WantLog: []string{"select servers: busy"},
		},
	})
}

func TestAppServerGet(t *testing.T) {
	t.Parallel()
	const path = "/api/application/servers/1"
	runScenarios(t, []scenario{
		{Name: "OK", Method: http.MethodGet, Path: path, Header: bearer(appReadKey), WantStatus: http.StatusOK, NotContains: secrets},
		{Name: "ByUUIDUpper", Method: http.MethodGet, Path: "/api/application/servers/" + strings.ToUpper(serverUUID), Header: bearer(appReadKey), WantStatus: http.StatusOK},
		{Name: "IncludeDatabases", Method: http.MethodGet, Path: path + "?include=databases", Header: bearer(appReadKey), WantStatus: http.StatusOK, NotContains: secrets},
		{Name: "IncludeDatabasesPasswordHost", Method: http.MethodGet, Path: path + "?include=databases.password,databases.host", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "IncludeArray", Method: http.MethodGet, Path: path + "?include[]=user&include[]=node", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "IncludeWithoutPermissions", Method: http.MethodGet, Path: path + "?include=databases,user,node", Header: bearer(serversOnlyKey), WantStatus: http.StatusOK},
		{Name: "IncludeNeutral", Method: http.MethodGet, Path: path + "?include=allocations,egg,nest,location,variables,subusers", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "RootAdminUserKey", Method: http.MethodGet, Path: path + "?include=databases.password", Header: bearer(adminUserKey), WantStatus: http.StatusOK},
		{Name: "Identifier", Method: http.MethodGet, Path: "/api/application/servers/" + serverIdent, Header: bearer(appKey), WantStatus: http.StatusNotFound},
		{Name: "NotFound", Method: http.MethodGet, Path: "/api/application/servers/99", Header: bearer(appKey), WantStatus: http.StatusNotFound},
		{Name: "NoPermission", Method: http.MethodGet, Path: path, Header: bearer(appWriteKey), WantStatus: http.StatusForbidden},
		{Name: "UserKey", Method: http.MethodGet, Path: path, Header: bearer(ownerKey), WantStatus: http.StatusForbidden},
		{
			Name: "DatabasesFail", Method: http.MethodGet, Path: path + "?include=databases", Header: bearer(appKey), WantStatus: http.StatusInternalServerError,
			Setup: failDatabases(errors.New("select databases: busy")), WantLog: []string{"select databases: busy"},
		},
		{
			Name: "OwnerGone", Method: http.MethodGet, Path: path + "?include=user", Header: bearer(appKey), WantStatus: http.StatusInternalServerError,
			Setup: func(_ *testing.T, m *mocks) {
				m.accounts.AccountFn = func(context.Context, string) (*dbplane.Account, error) {
					return nil, dbplane.Errorf(dbplane.CodeNotFound, "Account not found")
				}
			},
		},
	})
}

func TestClientServerGet(t *testing.T) {
	t.Parallel()
	const path = "/api/client/servers/" + serverIdent
	runScenarios(t, []scenario{
		{Name: "Owner", Method: http.MethodGet, Path: path, Header: bearer(ownerKey), WantStatus: http.StatusOK},
		{Name: "OwnerByUUIDUpper", Method: http.MethodGet, Path: "/api/client/servers/" + strings.ToUpper(serverUUID), Header: bearer(ownerKey), WantStatus: http.StatusOK},
		{Name: "IdentifierUpper", Method: http.MethodGet, Path: "/api/client/servers/" + strings.ToUpper(serverIdent), Header: bearer(ownerKey), WantStatus: http.StatusOK},
		{Name: "AdminUser", Method: http.MethodGet, Path: path, Header: bearer(adminUserKey), WantStatus: http.StatusOK},
		// A subuser sees the server whatever its permissions, and which
		// ones it holds.
		{Name: "Subuser", Method: http.MethodGet, Path: path, Header: bearer(subPrefix + "database.read,database.create"), WantStatus: http.StatusOK},
		{Name: "SubuserNoPermissions", Method: http.MethodGet, Path: path, Header: bearer(subPrefix), WantStatus: http.StatusOK},
		{Name: "Other", Method: http.MethodGet, Path: path, Header: bearer(otherKey), WantStatus: http.StatusNotFound},
		{Name: "AdminKey", Method: http.MethodGet, Path: path, Header: bearer(appKey), WantStatus: http.StatusForbidden},
		{Name: "NumericServer", Method: http.MethodGet, Path: "/api/client/servers/1", Header: bearer(ownerKey), WantStatus: http.StatusNotFound},
	})
}
