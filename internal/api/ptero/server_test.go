package ptero_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/api/ptero"
	"github.com/dbplane/dbplane/internal/mock"
	"github.com/google/go-cmp/cmp"
)

func TestAppServerList(t *testing.T) {
	t.Parallel()
	const path = "/api/application/servers"
	runScenarios(t, []scenario{
		{Name: "OK", Method: http.MethodGet, Path: path, Header: bearer(appReadKey), WantStatus: http.StatusOK},
		{
			Name: "UnlimitedNoNode", Method: http.MethodGet, Path: path + "?per_page=1", Header: bearer(appKey), WantStatus: http.StatusOK,
			Setup: func(_ *testing.T, m *mocks) {
				m.servers.FindServersFn = func(context.Context, dbplane.ServerFilter) ([]*dbplane.Server, int, error) {
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
				m.servers.FindServersFn = func(context.Context, dbplane.ServerFilter) ([]*dbplane.Server, int, error) {
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
	// Three servers, filtered, sorted and paged by the service.
	many := func(_ *testing.T, m *mocks) { m.servers.FindServersFn = mock.FindServersIn(manyServers, nil) }
	runScenarios(t, []scenario{
		{Name: "Name", Method: http.MethodGet, Path: path + "?filter[name]=SURV", Header: bearer(appKey), Setup: many, WantStatus: http.StatusOK},
		{Name: "NameAnyOf", Method: http.MethodGet, Path: path + "?filter%5Bname%5D=creat,nothing", Header: bearer(appKey), Setup: many, WantStatus: http.StatusOK},
		{Name: "UUID", Method: http.MethodGet, Path: path + "?filter[uuid]=" + strings.ToUpper(serverUUID), Header: bearer(appKey), Setup: many, WantStatus: http.StatusOK},
		{Name: "UUIDShort", Method: http.MethodGet, Path: path + "?filter[uuidShort]=1b2c3d4e", Header: bearer(appKey), Setup: many, WantStatus: http.StatusOK},
		{Name: "NameAndPage", Method: http.MethodGet, Path: path + "?filter[name]=surv&per_page=1&page=2", Header: bearer(appKey), Setup: many, WantStatus: http.StatusOK},
		// filter[external_id] is exact (panel-2 is not panel-22) and any
		// of several.
		{Name: "ExternalID", Method: http.MethodGet, Path: path + "?filter[external_id]=panel-2", Header: bearer(appKey), Setup: many, WantStatus: http.StatusOK},
		{Name: "ExternalIDAnyOf", Method: http.MethodGet, Path: path + "?filter[external_id]=panel-22,panel-2", Header: bearer(appKey), Setup: many, WantStatus: http.StatusOK},
		{Name: "ExternalIDNone", Method: http.MethodGet, Path: path + "?filter[external_id]=abc", Header: bearer(appKey), Setup: many, WantStatus: http.StatusOK},
		{Name: "ExternalIDCase", Method: http.MethodGet, Path: path + "?filter[external_id]=PANEL-2", Header: bearer(appKey), Setup: many, WantStatus: http.StatusOK},
		// GET /servers/external/{external_id}, with includes as GET
		// /servers/{server}.
		{Name: "ExternalGet", Method: http.MethodGet, Path: path + "/external/panel-22", Header: bearer(appKey), Setup: many, WantStatus: http.StatusOK},
		{Name: "ExternalGetIncludes", Method: http.MethodGet, Path: path + "/external/panel-2?include=user,node", Header: bearer(appKey), Setup: many, WantStatus: http.StatusOK},
		{Name: "ExternalGetNotFound", Method: http.MethodGet, Path: path + "/external/panel", Header: bearer(appKey), Setup: many, WantStatus: http.StatusNotFound},
		{Name: "Empty", Method: http.MethodGet, Path: path + "?filter[name]=", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "Unknown", Method: http.MethodGet, Path: path + "?filter[owner]=1&filter[name]=x", Header: bearer(appKey), WantStatus: http.StatusBadRequest},
		// sort= (Pterodactyl 1.11: id, uuid).
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
				m.servers.FindServersFn = func(context.Context, dbplane.ServerFilter) ([]*dbplane.Server, int, error) {
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

// manyServers are three servers with names, UUIDs and external ids to
// filter and sort on: their UUIDs do not run in their numeric ids' order,
// and panel-2 is part of panel-22.
func manyServers() []*dbplane.Server {
	all := []*dbplane.Server{fixtureServer(), fixtureServer(), fixtureServer()}
	all[1].NumericID, all[1].Name, all[1].ID, all[1].Identifier = 2, "Creative", "9a8b7c6d-0000-4000-8000-000000000002", "9a8b7c6d"
	all[2].NumericID, all[2].Name, all[2].ID, all[2].Identifier = 3, "Survival 2", "1b2c3d4e-0000-4000-8000-000000000003", "1b2c3d4e"
	all[1].ExternalID, all[2].ExternalID = ptr("panel-2"), ptr("panel-22")
	return all
}

// TestAppServersAskForAPage: the servers list asks the service for the
// page it shows, in the order asked, with the exact filter the store's
// index answers (external_id); the substring filters go as Match with the
// page, and GET /servers/external/{id} looks up that one external id.
// Nothing reads every server.
func TestAppServersAskForAPage(t *testing.T) {
	t.Parallel()
	type asked struct {
		ExternalIDs []string
		Match       bool
		Order       dbplane.ServerOrder
		Desc        bool
		Page        dbplane.Page
	}
	byNumeric, byID := dbplane.ServersByNumericID, dbplane.ServersByID
	for _, tc := range []struct {
		path string
		want []asked
	}{
		{"/api/application/servers", []asked{{Order: byNumeric, Page: dbplane.Page{Page: 1, PerPage: 50}}}},
		{"/api/application/servers?sort=-id&per_page=2&page=2", []asked{{Order: byNumeric, Desc: true, Page: dbplane.Page{Page: 2, PerPage: 2}}}},
		{"/api/application/servers?sort=-uuid,id&per_page=1", []asked{{Order: byID, Desc: true, Page: dbplane.Page{Page: 1, PerPage: 1}}}},
		{"/api/application/servers?sort=uuid", []asked{{Order: byID, Page: dbplane.Page{Page: 1, PerPage: 50}}}},
		{"/api/application/servers?filter[external_id]=panel-22,panel-2", []asked{{ExternalIDs: []string{"panel-22", "panel-2"}, Order: byNumeric, Page: dbplane.Page{Page: 1, PerPage: 50}}}},
		{"/api/application/servers?filter[name]=surv&per_page=1&page=2", []asked{{Match: true, Order: byNumeric, Page: dbplane.Page{Page: 2, PerPage: 1}}}},
		{"/api/application/servers?filter[uuidShort]=1b2c&filter[external_id]=panel-22&sort=-uuid", []asked{{ExternalIDs: []string{"panel-22"}, Match: true, Order: byID, Desc: true, Page: dbplane.Page{Page: 1, PerPage: 50}}}},
		{"/api/application/servers/external/panel-22", []asked{{ExternalIDs: []string{"panel-22"}}}},
		{"/api/application/servers/external/panel-2?include=user,node", []asked{{ExternalIDs: []string{"panel-2"}}}},
	} {
		m := newMocks()
		m.servers.ListServersFn = func(context.Context, dbplane.Page) ([]*dbplane.Server, int, error) {
			t.Errorf("GET %s called ListServers, not FindServers", tc.path)
			return manyServers(), 3, nil
		}
		var calls []dbplane.ServerFilter
		m.servers.FindServersFn = mock.FindServersIn(manyServers, &calls)
		r := httptest.NewRequest(http.MethodGet, tc.path, nil)
		r.Header.Set("Authorization", "Bearer "+appKey)
		w := httptest.NewRecorder()
		newHandler(m, io.Discard, ptero.Options{}).ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			t.Errorf("GET %s = %d %s, want 200", tc.path, w.Code, w.Body)
		}
		var got []asked
		for _, f := range calls {
			got = append(got, asked{ExternalIDs: f.ExternalIDs, Match: f.Match != nil, Order: f.Order, Desc: f.Desc, Page: f.Page})
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("GET %s asked FindServers (-want +got):\n%s", tc.path, diff)
		}
	}
}
