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
		{name: "Owner", method: http.MethodGet, path: "/api/client", header: bearer(ownerKey), wantStatus: http.StatusOK,
			wantHeader: map[string]string{"X-RateLimit-Limit": "720", "X-RateLimit-Remaining": "719"}},
		{name: "Subuser", method: http.MethodGet, path: "/api/client", header: bearer(sub("database.read")), wantStatus: http.StatusOK},
		{name: "AdminUser", method: http.MethodGet, path: "/api/client", header: bearer(adminUserKey), wantStatus: http.StatusOK},
		{name: "Other", method: http.MethodGet, path: "/api/client", header: bearer(otherKey), wantStatus: http.StatusOK},
		{name: "PerPage1Page2", method: http.MethodGet, path: "/api/client?per_page=1&page=2", header: bearer(ownerKey), wantStatus: http.StatusOK},
		{name: "PerPage0", method: http.MethodGet, path: "/api/client?per_page=0", header: bearer(ownerKey), wantStatus: http.StatusBadRequest},
		{
			name: "NodeGone", method: http.MethodGet, path: "/api/client", header: bearer(ownerKey), wantStatus: http.StatusOK,
			setup: func(_ *testing.T, m *mocks) {
				m.servers.NodeFn = func(context.Context, string) (*dbplane.Node, error) {
					return nil, dbplane.Errorf(dbplane.CodeNotFound, "Node not found")
				}
			},
		},
		{name: "AdminKey", method: http.MethodGet, path: "/api/client", header: bearer(appKey), wantStatus: http.StatusForbidden},
		{name: "NoKey", method: http.MethodGet, path: "/api/client", wantStatus: http.StatusUnauthorized},
		{name: "KeyDisabled", method: http.MethodGet, path: "/api/client", header: bearer(disabledKey), wantStatus: http.StatusUnauthorized},
	})
}

func TestClientDatabaseList(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{name: "Owner", method: http.MethodGet, path: clientDBs, header: bearer(ownerKey), wantStatus: http.StatusOK,
			notContains: append([]string{"10.0.0.5"}, secrets...)},
		{name: "ByUUID", method: http.MethodGet, path: "/api/client/servers/" + serverUUID + "/databases", header: bearer(ownerKey),
			wantStatus: http.StatusOK, notContains: secrets},
		{name: "IncludePassword", method: http.MethodGet, path: clientDBs + "?include=password", header: bearer(ownerKey), wantStatus: http.StatusOK},
		{name: "IncludePasswordUpper", method: http.MethodGet, path: clientDBs + "?include=PASSWORD", header: bearer(ownerKey), wantStatus: http.StatusOK},
		{name: "IncludeUnknown", method: http.MethodGet, path: clientDBs + "?include=host", header: bearer(ownerKey), wantStatus: http.StatusOK,
			notContains: secrets},
		{name: "AdminUserIncludePassword", method: http.MethodGet, path: clientDBs + "?include=password", header: bearer(adminUserKey), wantStatus: http.StatusOK},
		{name: "SubuserRead", method: http.MethodGet, path: clientDBs, header: bearer(sub("database.read")), wantStatus: http.StatusOK, notContains: secrets},
		{name: "SubuserReadIncludePassword", method: http.MethodGet, path: clientDBs + "?include=password", header: bearer(sub("database.read")),
			wantStatus: http.StatusForbidden},
		{name: "SubuserViewPassword", method: http.MethodGet, path: clientDBs + "?include=password",
			header: bearer(sub("database.read,database.view_password")), wantStatus: http.StatusOK},
		{name: "SubuserNoRead", method: http.MethodGet, path: clientDBs, header: bearer(sub("database.create,database.view_password")),
			wantStatus: http.StatusForbidden},
		{name: "Other", method: http.MethodGet, path: clientDBs, header: bearer(otherKey), wantStatus: http.StatusNotFound},
		{name: "UnknownServer", method: http.MethodGet, path: "/api/client/servers/deadbeef/databases", header: bearer(ownerKey), wantStatus: http.StatusNotFound},
		{name: "NumericServer", method: http.MethodGet, path: "/api/client/servers/1/databases", header: bearer(ownerKey), wantStatus: http.StatusNotFound},
		{name: "BadServerRef", method: http.MethodGet, path: "/api/client/servers/zzzzzzzz/databases", header: bearer(ownerKey), wantStatus: http.StatusNotFound},
		{name: "AdminKey", method: http.MethodGet, path: clientDBs, header: bearer(appKey), wantStatus: http.StatusForbidden},
		{
			// Pterodactyl does not paginate this list: every page is fetched.
			name: "AllPages", method: http.MethodGet, path: clientDBs, header: bearer(ownerKey), wantStatus: http.StatusOK,
			setup: func(t *testing.T, m *mocks) {
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
		{name: "OK", method: http.MethodGet, path: clientDBs + "/" + hash2, header: bearer(ownerKey), wantStatus: http.StatusOK, notContains: secrets},
		{name: "IncludePassword", method: http.MethodGet, path: clientDBs + "/" + hash1 + "?include=password", header: bearer(ownerKey), wantStatus: http.StatusOK},
		{name: "SubuserReadIncludePassword", method: http.MethodGet, path: clientDBs + "/" + hash1 + "?include=password",
			header: bearer(sub("database.read")), wantStatus: http.StatusForbidden},
		{name: "NotFound", method: http.MethodGet, path: clientDBs + "/" + hash9, header: bearer(ownerKey), wantStatus: http.StatusNotFound},
		{name: "BadHashID", method: http.MethodGet, path: clientDBs + "/bEY4yAD5", header: bearer(ownerKey), wantStatus: http.StatusNotFound},
		{name: "NumericID", method: http.MethodGet, path: clientDBs + "/1", header: bearer(ownerKey), wantStatus: http.StatusNotFound},
		{name: "Other", method: http.MethodGet, path: clientDBs + "/" + hash1, header: bearer(otherKey), wantStatus: http.StatusNotFound},
	})
}

func TestClientDatabaseCreate(t *testing.T) {
	t.Parallel()
	const doc001 = `{"database":"my_database","remote":"%"}`
	runScenarios(t, []scenario{
		{
			name: "Document001", method: http.MethodPost, path: clientDBs, header: bearer(ownerKey), body: doc001,
			setup:      wantCreateInput(dbplane.ServerDatabaseInput{ServerID: serverUUID, Name: "my_database", Remote: "%", MinNameLength: 3}),
			wantStatus: http.StatusOK, wantCalls: []string{"create my_database"}, notContains: []string{"10.0.0.5", newPassword},
		},
		{
			name: "Engine", method: http.MethodPost, path: clientDBs, header: bearer(ownerKey), body: `{"database":"pgdb","remote":"%","engine":"postgres"}`,
			setup: wantCreateInput(dbplane.ServerDatabaseInput{ServerID: serverUUID, Name: "pgdb", Remote: "%", Engine: "postgres",
				MinNameLength: 3}),
			wantStatus: http.StatusOK, wantCalls: []string{"create pgdb"},
		},
		{name: "UnknownEngine", method: http.MethodPost, path: clientDBs, header: bearer(ownerKey),
			body: `{"database":"abc","remote":"%","engine":"oracle"}`, wantStatus: http.StatusUnprocessableEntity},
		{name: "EngineDisabled", method: http.MethodPost, path: clientDBs, header: bearer(ownerKey), body: doc001,
			setup: failCreate(dbplane.ErrEngineDisabled), wantStatus: http.StatusBadRequest, wantCalls: []string{"create my_database"}},
		{name: "TooShort", method: http.MethodPost, path: clientDBs, header: bearer(ownerKey), body: `{"database":"ab","remote":"%"}`,
			wantStatus: http.StatusUnprocessableEntity},
		{name: "MissingRemote", method: http.MethodPost, path: clientDBs, header: bearer(ownerKey), body: `{"database":"abc"}`,
			wantStatus: http.StatusUnprocessableEntity},
		{name: "HostNotAccepted", method: http.MethodPost, path: clientDBs, header: bearer(ownerKey), body: `{"database":"abc","remote":"%","host":1}`,
			wantStatus: http.StatusBadRequest},
		{name: "NoBody", method: http.MethodPost, path: clientDBs, header: bearer(ownerKey), wantStatus: http.StatusUnprocessableEntity},
		{name: "ServerLimit", method: http.MethodPost, path: clientDBs, header: bearer(ownerKey), body: doc001,
			setup: failCreate(dbplane.Wrap(dbplane.ErrServerLimit, errors.New("5 of 5"))), wantStatus: http.StatusBadRequest,
			wantCalls: []string{"create my_database"}},
		{name: "Duplicate", method: http.MethodPost, path: clientDBs, header: bearer(ownerKey), body: doc001,
			setup:      failCreate(dbplane.Errorf(dbplane.CodeConflict, "taken")),
			wantStatus: http.StatusUnprocessableEntity, wantCalls: []string{"create my_database"}},
		{name: "AdminUser", method: http.MethodPost, path: clientDBs, header: bearer(adminUserKey), body: doc001,
			wantStatus: http.StatusOK, wantCalls: []string{"create my_database"}},
		{name: "SubuserCreateViewPassword", method: http.MethodPost, path: clientDBs, header: bearer(sub("database.create,database.view_password")),
			body: doc001, wantStatus: http.StatusOK, wantCalls: []string{"create my_database"}},
		{name: "SubuserCreateOnly", method: http.MethodPost, path: clientDBs, header: bearer(sub("database.create")), body: doc001,
			wantStatus: http.StatusOK, wantCalls: []string{"create my_database"}, notContains: secrets},
		{name: "SubuserNoCreate", method: http.MethodPost, path: clientDBs, header: bearer(sub("database.read,database.update")), body: doc001,
			wantStatus: http.StatusForbidden},
		{name: "Other", method: http.MethodPost, path: clientDBs, header: bearer(otherKey), body: doc001, wantStatus: http.StatusNotFound},
		{name: "BadJSON", method: http.MethodPost, path: clientDBs, header: bearer(ownerKey), body: `{"database"`, wantStatus: http.StatusBadRequest},
	})
}

func TestClientDatabaseRotate(t *testing.T) {
	t.Parallel()
	path := clientDBs + "/" + hash1 + "/rotate-password"
	runScenarios(t, []scenario{
		{name: "Owner", method: http.MethodPost, path: path, header: bearer(ownerKey), wantStatus: http.StatusOK,
			wantCalls: []string{"rotate 1"}, notContains: []string{dbPassword}},
		{name: "SubuserUpdateViewPassword", method: http.MethodPost, path: path, header: bearer(sub("database.update,database.view_password")),
			wantStatus: http.StatusOK, wantCalls: []string{"rotate 1"}},
		{name: "SubuserUpdateOnly", method: http.MethodPost, path: path, header: bearer(sub("database.update")),
			wantStatus: http.StatusOK, wantCalls: []string{"rotate 1"}, notContains: secrets},
		{name: "SubuserRead", method: http.MethodPost, path: path, header: bearer(sub("database.read,database.view_password")),
			wantStatus: http.StatusForbidden},
		{name: "NotFound", method: http.MethodPost, path: clientDBs + "/" + hash9 + "/rotate-password", header: bearer(ownerKey),
			wantStatus: http.StatusNotFound, wantCalls: []string{"rotate 9"}},
		{name: "BadHashID", method: http.MethodPost, path: clientDBs + "/xxxxxxxx/rotate-password", header: bearer(ownerKey),
			wantStatus: http.StatusNotFound},
		{name: "Other", method: http.MethodPost, path: path, header: bearer(otherKey), wantStatus: http.StatusNotFound},
	})
}

func TestClientDatabaseDelete(t *testing.T) {
	t.Parallel()
	path := clientDBs + "/" + hash2
	runScenarios(t, []scenario{
		{name: "Owner", method: http.MethodDelete, path: path, header: bearer(ownerKey), wantStatus: http.StatusNoContent, wantCalls: []string{"delete 2"}},
		{name: "SubuserDelete", method: http.MethodDelete, path: path, header: bearer(sub("database.delete")),
			wantStatus: http.StatusNoContent, wantCalls: []string{"delete 2"}},
		{name: "SubuserRead", method: http.MethodDelete, path: path, header: bearer(sub("database.read")), wantStatus: http.StatusForbidden},
		{name: "NotFound", method: http.MethodDelete, path: clientDBs + "/" + hash9, header: bearer(ownerKey),
			wantStatus: http.StatusNotFound, wantCalls: []string{"delete 9"}},
		{name: "BadHashID", method: http.MethodDelete, path: clientDBs + "/12345678901", header: bearer(ownerKey), wantStatus: http.StatusNotFound},
		{name: "Other", method: http.MethodDelete, path: path, header: bearer(otherKey), wantStatus: http.StatusNotFound},
		{name: "AdminKey", method: http.MethodDelete, path: path, header: bearer(appKey), wantStatus: http.StatusForbidden},
	})
}
