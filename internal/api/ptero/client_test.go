package ptero_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/api/ptero"
)

const clientDBs = "/api/client/servers/" + serverIdent + "/databases"

var (
	hash1 = ptero.HashID("test-salt", 1)
	hash2 = ptero.HashID("test-salt", 2)
	hash9 = ptero.HashID("test-salt", 9)
)

func sub(perms string) string { return subPrefix + perms }

func TestClientServerList(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{Name: "Owner", Method: http.MethodGet, Path: "/api/client", Header: bearer(ownerKey), WantStatus: http.StatusOK,
			WantHeader: map[string]string{"X-RateLimit-Limit": "720", "X-RateLimit-Remaining": "719"}},
		{Name: "Subuser", Method: http.MethodGet, Path: "/api/client", Header: bearer(sub("database.read")), WantStatus: http.StatusOK},
		{Name: "AdminUser", Method: http.MethodGet, Path: "/api/client", Header: bearer(adminUserKey), WantStatus: http.StatusOK},
		{Name: "Other", Method: http.MethodGet, Path: "/api/client", Header: bearer(otherKey), WantStatus: http.StatusOK},
		{Name: "PerPage1Page2", Method: http.MethodGet, Path: "/api/client?per_page=1&page=2", Header: bearer(ownerKey), WantStatus: http.StatusOK},
		{Name: "PerPage0", Method: http.MethodGet, Path: "/api/client?per_page=0", Header: bearer(ownerKey), WantStatus: http.StatusBadRequest},
		{
			Name: "NodeGone", Method: http.MethodGet, Path: "/api/client", Header: bearer(ownerKey), WantStatus: http.StatusOK,
			Setup: func(_ *testing.T, m *mocks) {
				m.servers.NodeFn = func(context.Context, string) (*dbplane.Node, error) {
					return nil, dbplane.Errorf(dbplane.CodeNotFound, "Node not found")
				}
			},
		},
		{Name: "AdminKey", Method: http.MethodGet, Path: "/api/client", Header: bearer(appKey), WantStatus: http.StatusForbidden},
		{Name: "NoKey", Method: http.MethodGet, Path: "/api/client", WantStatus: http.StatusUnauthorized},
		{Name: "KeyDisabled", Method: http.MethodGet, Path: "/api/client", Header: bearer(disabledKey), WantStatus: http.StatusUnauthorized},
	})
}

func TestClientDatabaseList(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{Name: "Owner", Method: http.MethodGet, Path: clientDBs, Header: bearer(ownerKey), WantStatus: http.StatusOK,
			NotContains: append([]string{"10.0.0.5"}, secrets...)},
		{Name: "ByUUID", Method: http.MethodGet, Path: "/api/client/servers/" + serverUUID + "/databases", Header: bearer(ownerKey),
			WantStatus: http.StatusOK, NotContains: secrets},
		{Name: "IncludePassword", Method: http.MethodGet, Path: clientDBs + "?include=password", Header: bearer(ownerKey), WantStatus: http.StatusOK},
		{Name: "IncludePasswordUpper", Method: http.MethodGet, Path: clientDBs + "?include=PASSWORD", Header: bearer(ownerKey), WantStatus: http.StatusOK},
		{Name: "IncludeUnknown", Method: http.MethodGet, Path: clientDBs + "?include=host", Header: bearer(ownerKey), WantStatus: http.StatusOK,
			NotContains: secrets},
		{Name: "AdminUserIncludePassword", Method: http.MethodGet, Path: clientDBs + "?include=password", Header: bearer(adminUserKey), WantStatus: http.StatusOK},
		{Name: "SubuserRead", Method: http.MethodGet, Path: clientDBs, Header: bearer(sub("database.read")), WantStatus: http.StatusOK, NotContains: secrets},
		// Without database.view_password the password is the panel's null
		// resource: 200, never the password, never a 403 for the list.
		{Name: "SubuserReadIncludePassword", Method: http.MethodGet, Path: clientDBs + "?include=password", Header: bearer(sub("database.read")),
			WantStatus: http.StatusOK, NotContains: secrets},
		{Name: "SubuserViewPassword", Method: http.MethodGet, Path: clientDBs + "?include=password",
			Header: bearer(sub("database.read,database.view_password")), WantStatus: http.StatusOK},
		{Name: "SubuserNoRead", Method: http.MethodGet, Path: clientDBs, Header: bearer(sub("database.create,database.view_password")),
			WantStatus: http.StatusForbidden},
		{Name: "Other", Method: http.MethodGet, Path: clientDBs, Header: bearer(otherKey), WantStatus: http.StatusNotFound},
		{Name: "UnknownServer", Method: http.MethodGet, Path: "/api/client/servers/deadbeef/databases", Header: bearer(ownerKey), WantStatus: http.StatusNotFound},
		{Name: "NumericServer", Method: http.MethodGet, Path: "/api/client/servers/1/databases", Header: bearer(ownerKey), WantStatus: http.StatusNotFound},
		{Name: "BadServerRef", Method: http.MethodGet, Path: "/api/client/servers/zzzzzzzz/databases", Header: bearer(ownerKey), WantStatus: http.StatusNotFound},
		{Name: "AdminKey", Method: http.MethodGet, Path: clientDBs, Header: bearer(appKey), WantStatus: http.StatusForbidden},
		{
			// Pterodactyl does not paginate this list: every page is fetched.
			Name: "AllPages", Method: http.MethodGet, Path: clientDBs, Header: bearer(ownerKey), WantStatus: http.StatusOK,
			Setup: func(t *testing.T, m *mocks) {
				m.databases.ServerDatabasesFn = func(_ context.Context, _ string, p dbplane.Page) ([]*dbplane.Database, int, error) {
					all := fixtureDatabases()
					if p.Page > len(all) {
						t.Errorf("ServerDatabases page %d, want at most %d", p.Page, len(all))
						return nil, len(all), nil
					}
					return all[p.Page-1 : p.Page], len(all), nil
				}
			},
		},
	})
}

func TestClientDatabaseGet(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{Name: "OK", Method: http.MethodGet, Path: clientDBs + "/" + hash2, Header: bearer(ownerKey), WantStatus: http.StatusOK, NotContains: secrets},
		{Name: "IncludePassword", Method: http.MethodGet, Path: clientDBs + "/" + hash1 + "?include=password", Header: bearer(ownerKey), WantStatus: http.StatusOK},
		{Name: "SubuserReadIncludePassword", Method: http.MethodGet, Path: clientDBs + "/" + hash1 + "?include=password",
			Header: bearer(sub("database.read")), WantStatus: http.StatusOK, NotContains: secrets},
		{Name: "NotFound", Method: http.MethodGet, Path: clientDBs + "/" + hash9, Header: bearer(ownerKey), WantStatus: http.StatusNotFound},
		{Name: "BadHashID", Method: http.MethodGet, Path: clientDBs + "/bEY4yAD5", Header: bearer(ownerKey), WantStatus: http.StatusNotFound},
		// Pelican's client API uses numeric ids.
		{Name: "NumericID", Method: http.MethodGet, Path: clientDBs + "/1", Header: bearer(ownerKey), WantStatus: http.StatusOK},
		{Name: "NumericIDZero", Method: http.MethodGet, Path: clientDBs + "/0", Header: bearer(ownerKey), WantStatus: http.StatusNotFound},
		{Name: "Other", Method: http.MethodGet, Path: clientDBs + "/" + hash1, Header: bearer(otherKey), WantStatus: http.StatusNotFound},
	})
}

func TestClientDatabaseCreate(t *testing.T) {
	t.Parallel()
	const doc001 = `{"database":"my_database","remote":"%"}`
	runScenarios(t, []scenario{
		{
			Name: "Document001", Method: http.MethodPost, Path: clientDBs, Header: bearer(ownerKey), Body: doc001,
			Setup:      wantCreateInput(dbplane.ServerDatabaseInput{ServerID: serverUUID, Name: "my_database", Remote: "%", MinNameLength: 3}),
			WantStatus: http.StatusOK, WantCalls: []string{"create my_database"}, NotContains: []string{"10.0.0.5", newPassword},
		},
		{
			Name: "Engine", Method: http.MethodPost, Path: clientDBs, Header: bearer(ownerKey), Body: `{"database":"pgdb","remote":"%","engine":"postgres"}`,
			Setup: wantCreateInput(dbplane.ServerDatabaseInput{ServerID: serverUUID, Name: "pgdb", Remote: "%", Engine: "postgres",
				MinNameLength: 3}),
			WantStatus: http.StatusOK, WantCalls: []string{"create pgdb"},
		},
		{Name: "UnknownEngine", Method: http.MethodPost, Path: clientDBs, Header: bearer(ownerKey),
			Body: `{"database":"abc","remote":"%","engine":"oracle"}`, WantStatus: http.StatusUnprocessableEntity},
		{Name: "EngineDisabled", Method: http.MethodPost, Path: clientDBs, Header: bearer(ownerKey), Body: doc001,
			Setup: failCreate(dbplane.ErrEngineDisabled), WantStatus: http.StatusBadRequest, WantCalls: []string{"create my_database"}},
		{Name: "TooShort", Method: http.MethodPost, Path: clientDBs, Header: bearer(ownerKey), Body: `{"database":"ab","remote":"%"}`,
			WantStatus: http.StatusUnprocessableEntity},
		{Name: "MissingRemote", Method: http.MethodPost, Path: clientDBs, Header: bearer(ownerKey), Body: `{"database":"abc"}`,
			WantStatus: http.StatusUnprocessableEntity},
		// Laravel ignores fields a route does not take: host is not the
		// client's to choose, and is dropped.
		{Name: "HostIgnored", Method: http.MethodPost, Path: clientDBs, Header: bearer(ownerKey), Body: `{"database":"abc","remote":"%","host":1}`,
			Setup:      wantCreateInput(dbplane.ServerDatabaseInput{ServerID: serverUUID, Name: "abc", Remote: "%", MinNameLength: 3}),
			WantStatus: http.StatusOK, WantCalls: []string{"create abc"}},
		{Name: "Form", Method: http.MethodPost, Path: clientDBs, Body: "database=formdb&remote=%25&engine=mariadb&extra=1",
			Header:     map[string]string{"Authorization": "Bearer " + ownerKey, "Content-Type": "application/x-www-form-urlencoded"},
			Setup:      wantCreateInput(dbplane.ServerDatabaseInput{ServerID: serverUUID, Name: "formdb", Remote: "%", Engine: "mariadb", MinNameLength: 3}),
			WantStatus: http.StatusOK, WantCalls: []string{"create formdb"}},
		{Name: "FormMissingRemote", Method: http.MethodPost, Path: clientDBs, Body: "database=formdb&remote=",
			Header:     map[string]string{"Authorization": "Bearer " + ownerKey, "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"},
			WantStatus: http.StatusUnprocessableEntity},
		{Name: "NoBody", Method: http.MethodPost, Path: clientDBs, Header: bearer(ownerKey), WantStatus: http.StatusUnprocessableEntity},
		{Name: "ServerLimit", Method: http.MethodPost, Path: clientDBs, Header: bearer(ownerKey), Body: doc001,
			Setup: failCreate(dbplane.Wrap(dbplane.ErrServerLimit, errors.New("5 of 5"))), WantStatus: http.StatusBadRequest,
			WantCalls: []string{"create my_database"}},
		{Name: "Duplicate", Method: http.MethodPost, Path: clientDBs, Header: bearer(ownerKey), Body: doc001,
			Setup:      failCreate(dbplane.Errorf(dbplane.CodeConflict, "taken")),
			WantStatus: http.StatusUnprocessableEntity, WantCalls: []string{"create my_database"}},
		{Name: "AdminUser", Method: http.MethodPost, Path: clientDBs, Header: bearer(adminUserKey), Body: doc001,
			WantStatus: http.StatusOK, WantCalls: []string{"create my_database"}},
		{Name: "SubuserCreateViewPassword", Method: http.MethodPost, Path: clientDBs, Header: bearer(sub("database.create,database.view_password")),
			Body: doc001, WantStatus: http.StatusOK, WantCalls: []string{"create my_database"}},
		{Name: "SubuserCreateOnly", Method: http.MethodPost, Path: clientDBs, Header: bearer(sub("database.create")), Body: doc001,
			WantStatus: http.StatusOK, WantCalls: []string{"create my_database"}, NotContains: secrets},
		{Name: "SubuserNoCreate", Method: http.MethodPost, Path: clientDBs, Header: bearer(sub("database.read,database.update")), Body: doc001,
			WantStatus: http.StatusForbidden},
		{Name: "Other", Method: http.MethodPost, Path: clientDBs, Header: bearer(otherKey), Body: doc001, WantStatus: http.StatusNotFound},
		{Name: "BadJSON", Method: http.MethodPost, Path: clientDBs, Header: bearer(ownerKey), Body: `{"database"`, WantStatus: http.StatusBadRequest},
	})
}

func TestClientDatabaseRotate(t *testing.T) {
	t.Parallel()
	path := clientDBs + "/" + hash1 + "/rotate-password"
	runScenarios(t, []scenario{
		{Name: "Owner", Method: http.MethodPost, Path: path, Header: bearer(ownerKey), WantStatus: http.StatusOK,
			WantCalls: []string{"rotate 1"}, NotContains: []string{dbPassword}},
		{Name: "SubuserUpdateViewPassword", Method: http.MethodPost, Path: path, Header: bearer(sub("database.update,database.view_password")),
			WantStatus: http.StatusOK, WantCalls: []string{"rotate 1"}},
		{Name: "SubuserUpdateOnly", Method: http.MethodPost, Path: path, Header: bearer(sub("database.update")),
			WantStatus: http.StatusOK, WantCalls: []string{"rotate 1"}, NotContains: secrets},
		{Name: "SubuserRead", Method: http.MethodPost, Path: path, Header: bearer(sub("database.read,database.view_password")),
			WantStatus: http.StatusForbidden},
		{Name: "NotFound", Method: http.MethodPost, Path: clientDBs + "/" + hash9 + "/rotate-password", Header: bearer(ownerKey),
			WantStatus: http.StatusNotFound, WantCalls: []string{"rotate 9"}},
		{Name: "BadHashID", Method: http.MethodPost, Path: clientDBs + "/xxxxxxxx/rotate-password", Header: bearer(ownerKey),
			WantStatus: http.StatusNotFound},
		{Name: "Other", Method: http.MethodPost, Path: path, Header: bearer(otherKey), WantStatus: http.StatusNotFound},
	})
}

func TestClientDatabaseDelete(t *testing.T) {
	t.Parallel()
	path := clientDBs + "/" + hash2
	runScenarios(t, []scenario{
		{Name: "Owner", Method: http.MethodDelete, Path: path, Header: bearer(ownerKey), WantStatus: http.StatusNoContent, WantCalls: []string{"delete 2"}},
		{Name: "SubuserDelete", Method: http.MethodDelete, Path: path, Header: bearer(sub("database.delete")),
			WantStatus: http.StatusNoContent, WantCalls: []string{"delete 2"}},
		{Name: "SubuserRead", Method: http.MethodDelete, Path: path, Header: bearer(sub("database.read")), WantStatus: http.StatusForbidden},
		{Name: "NotFound", Method: http.MethodDelete, Path: clientDBs + "/" + hash9, Header: bearer(ownerKey),
			WantStatus: http.StatusNotFound, WantCalls: []string{"delete 9"}},
		{Name: "BadHashID", Method: http.MethodDelete, Path: clientDBs + "/1234567890X", Header: bearer(ownerKey), WantStatus: http.StatusNotFound},
		{Name: "NumericID", Method: http.MethodDelete, Path: clientDBs + "/2", Header: bearer(ownerKey), WantStatus: http.StatusNoContent, WantCalls: []string{"delete 2"}},
		{Name: "Other", Method: http.MethodDelete, Path: path, Header: bearer(otherKey), WantStatus: http.StatusNotFound},
		{Name: "AdminKey", Method: http.MethodDelete, Path: path, Header: bearer(appKey), WantStatus: http.StatusForbidden},
	})
}
