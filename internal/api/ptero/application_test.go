package ptero_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/google/go-cmp/cmp"
)

const appDBs = "/api/application/servers/1/databases"

func failDatabases(err error) func(*testing.T, *mocks) {
	return func(_ *testing.T, m *mocks) {
		m.databases.ServerDatabasesFn = func(context.Context, string, dbplane.Page) ([]*dbplane.Database, int, error) {
			return nil, 0, err
		}
	}
}

func failCreate(err error) func(*testing.T, *mocks) {
	return func(_ *testing.T, m *mocks) {
		m.databases.CreateServerDatabaseFn = func(_ context.Context, in dbplane.ServerDatabaseInput) (*dbplane.Credentials, error) {
			m.record("create " + in.Name)
			return nil, err
		}
	}
}

// wantCreateInput checks what the handler passed to CreateServerDatabase.
func wantCreateInput(want dbplane.ServerDatabaseInput) func(*testing.T, *mocks) {
	return func(t *testing.T, m *mocks) {
		next := m.databases.CreateServerDatabaseFn
		m.databases.CreateServerDatabaseFn = func(ctx context.Context, in dbplane.ServerDatabaseInput) (*dbplane.Credentials, error) {
			if diff := cmp.Diff(want, in); diff != "" {
				t.Errorf("CreateServerDatabase input (-want +got):\n%s", diff)
			}
			return next(ctx, in)
		}
	}
}

func TestAppDatabaseList(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{name: "OK", method: http.MethodGet, path: appDBs, header: bearer(appKey), wantStatus: http.StatusOK,
			wantHeader: map[string]string{"X-RateLimit-Limit": "240", "X-RateLimit-Remaining": "239"}, notContains: secrets},
		{name: "ByUUID", method: http.MethodGet, path: "/api/application/servers/" + serverUUID + "/databases",
			header: bearer(appReadKey), wantStatus: http.StatusOK, notContains: secrets},
		{name: "ByUUIDUpper", method: http.MethodGet, path: "/api/application/servers/" + strings.ToUpper(serverUUID) + "/databases",
			header: bearer(appReadKey), wantStatus: http.StatusNotFound},
		{name: "IncludePassword", method: http.MethodGet, path: appDBs + "?include=password", header: bearer(appKey), wantStatus: http.StatusOK},
		{name: "IncludePasswordHost", method: http.MethodGet, path: appDBs + "?include=password,host", header: bearer(appKey), wantStatus: http.StatusOK,
			notContains: []string{"10.0.0.5"}},
		{name: "IncludeHostPassword", method: http.MethodGet, path: appDBs + "?include=host,password", header: bearer(appKey), wantStatus: http.StatusOK},
		{name: "IncludeEncoded", method: http.MethodGet, path: appDBs + "?include=password%2Chost", header: bearer(appKey), wantStatus: http.StatusOK},
		{name: "IncludeSpacesAndCase", method: http.MethodGet, path: appDBs + "?include=%20Host%20,%20PASSWORD", header: bearer(appKey), wantStatus: http.StatusOK},
		{name: "IncludeRepeated", method: http.MethodGet, path: appDBs + "?include=host&include=password", header: bearer(appKey), wantStatus: http.StatusOK},
		{name: "IncludeHost", method: http.MethodGet, path: appDBs + "?include=host", header: bearer(appKey), wantStatus: http.StatusOK, notContains: secrets},
		{name: "IncludeUnknown", method: http.MethodGet, path: appDBs + "?include=server,,allocations", header: bearer(appKey), wantStatus: http.StatusOK, notContains: secrets},
		{name: "IncludeHostWithoutHostsRead", method: http.MethodGet, path: appDBs + "?include=host", header: bearer(appReadKey),
			wantStatus: http.StatusOK, notContains: append([]string{"pterodactyl", "db.example.com"}, secrets...)},
		{name: "PerPage1", method: http.MethodGet, path: appDBs + "?per_page=1", header: bearer(appKey), wantStatus: http.StatusOK},
		{name: "Page2", method: http.MethodGet, path: appDBs + "?per_page=1&page=2&include=host", header: bearer(appKey), wantStatus: http.StatusOK},
		{name: "PageBeyond", method: http.MethodGet, path: appDBs + "?page=5", header: bearer(appKey), wantStatus: http.StatusOK},
		{name: "PageNotANumber", method: http.MethodGet, path: appDBs + "?page=abc", header: bearer(appKey), wantStatus: http.StatusOK},
		{name: "PageZero", method: http.MethodGet, path: appDBs + "?page=0", header: bearer(appKey), wantStatus: http.StatusOK},
		{name: "PageHuge", method: http.MethodGet, path: appDBs + "?page=99999999999999", header: bearer(appKey), wantStatus: http.StatusOK},
		{name: "PerPage100", method: http.MethodGet, path: appDBs + "?per_page=100", header: bearer(appKey), wantStatus: http.StatusOK},
		{name: "PerPageEmpty", method: http.MethodGet, path: appDBs + "?per_page=", header: bearer(appKey), wantStatus: http.StatusOK},
		{name: "PerPage0", method: http.MethodGet, path: appDBs + "?per_page=0", header: bearer(appKey), wantStatus: http.StatusBadRequest},
		{name: "PerPage101", method: http.MethodGet, path: appDBs + "?per_page=101", header: bearer(appKey), wantStatus: http.StatusBadRequest},
		{name: "PerPageNegative", method: http.MethodGet, path: appDBs + "?per_page=-5", header: bearer(appKey), wantStatus: http.StatusBadRequest},
		{name: "PerPageNotANumber", method: http.MethodGet, path: appDBs + "?per_page=ten", header: bearer(appKey), wantStatus: http.StatusBadRequest},
		{
			name: "Empty", method: http.MethodGet, path: appDBs, header: bearer(appKey), wantStatus: http.StatusOK,
			setup: func(_ *testing.T, m *mocks) {
				m.databases.ServerDatabasesFn = func(context.Context, string, dbplane.Page) ([]*dbplane.Database, int, error) {
					return nil, 0, nil
				}
			},
		},
		{name: "ServerNotFound", method: http.MethodGet, path: "/api/application/servers/99/databases", header: bearer(appKey), wantStatus: http.StatusNotFound},
		{name: "ServerNotANumber", method: http.MethodGet, path: "/api/application/servers/abc/databases", header: bearer(appKey), wantStatus: http.StatusNotFound},
		{name: "ServerIdentifier", method: http.MethodGet, path: "/api/application/servers/" + serverIdent + "/databases", header: bearer(appKey), wantStatus: http.StatusNotFound},
		{name: "ServerZero", method: http.MethodGet, path: "/api/application/servers/0/databases", header: bearer(appKey), wantStatus: http.StatusNotFound},
		{name: "ServerLeadingZeros", method: http.MethodGet, path: "/api/application/servers/001/databases", header: bearer(appKey), wantStatus: http.StatusOK},
		{
			// The service resolved the reference as something else (an
			// all-digit identifier, say): not the server this path names.
			name: "ServerMismatch", method: http.MethodGet, path: "/api/application/servers/12345678/databases", header: bearer(appKey),
			setup: func(_ *testing.T, m *mocks) {
				m.servers.ServerFn = func(context.Context, string) (*dbplane.Server, error) { return fixtureServer(), nil }
			},
			wantStatus: http.StatusNotFound,
		},
		{name: "NoKey", method: http.MethodGet, path: appDBs, wantStatus: http.StatusUnauthorized,
			wantHeader: map[string]string{"WWW-Authenticate": "Bearer"}},
		{name: "BadKey", method: http.MethodGet, path: appDBs, header: bearer("nope"), wantStatus: http.StatusUnauthorized},
		{name: "KeyDisabled", method: http.MethodGet, path: appDBs, header: bearer(disabledKey), wantStatus: http.StatusUnauthorized},
		{name: "KeyExpired", method: http.MethodGet, path: appDBs, header: bearer(expiredKey), wantStatus: http.StatusUnauthorized},
		{name: "UserKey", method: http.MethodGet, path: appDBs, header: bearer(ownerKey), wantStatus: http.StatusForbidden},
		{name: "NoPermission", method: http.MethodGet, path: appDBs, header: bearer(appNoPermKey), wantStatus: http.StatusForbidden},
		{name: "WriteOnlyKey", method: http.MethodGet, path: appDBs, header: bearer(appWriteKey), wantStatus: http.StatusForbidden},
		{name: "Demoted", method: http.MethodGet, path: appDBs, header: bearer(demotedKey), wantStatus: http.StatusForbidden},
		{name: "Suspended", method: http.MethodGet, path: appDBs, header: bearer(suspendedKey), wantStatus: http.StatusForbidden},
		{
			name: "AuthInternal", method: http.MethodGet, path: appDBs, header: bearer(appKey), wantStatus: http.StatusInternalServerError,
			setup: func(_ *testing.T, m *mocks) {
				m.keys.AuthenticateFn = func(context.Context, string) (*dbplane.APIKey, *dbplane.Account, error) {
					return nil, nil, errors.New("select key: database is locked")
				}
			},
			notInBody: []string{"locked"}, wantLog: []string{"request_id=" + requestID, "database is locked"},
		},
		{
			name: "Internal", method: http.MethodGet, path: appDBs, header: bearer(appKey), wantStatus: http.StatusInternalServerError,
			setup:     failDatabases(errors.New("select databases: sqlite: disk I/O error")),
			notInBody: []string{"sqlite", "select"}, wantLog: []string{"request_id=" + requestID, "disk I/O error"},
		},
		{
			name: "CredentialsFail", method: http.MethodGet, path: appDBs + "?include=password", header: bearer(appKey),
			wantStatus: http.StatusInternalServerError,
			setup: func(_ *testing.T, m *mocks) {
				m.databases.DatabaseCredentialsFn = func(context.Context, *dbplane.Database) (*dbplane.Credentials, error) {
					return nil, errors.New("decrypt password: cipher: message authentication failed")
				}
			},
			notInBody: []string{"cipher"}, wantLog: []string{"message authentication failed"},
		},
		{
			name: "HostGone", method: http.MethodGet, path: appDBs, header: bearer(appKey), wantStatus: http.StatusInternalServerError,
			setup: func(_ *testing.T, m *mocks) {
				m.hosts.HostFn = func(context.Context, string) (*dbplane.Host, error) {
					return nil, dbplane.Errorf(dbplane.CodeNotFound, "Host not found")
				}
			},
			wantLog: []string{"host " + hostUUID},
		},
	})
}

func TestAppDatabaseGet(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{name: "OK", method: http.MethodGet, path: appDBs + "/2", header: bearer(appReadKey), wantStatus: http.StatusOK, notContains: secrets},
		{name: "IncludeBoth", method: http.MethodGet, path: appDBs + "/1?include=password,host", header: bearer(appKey), wantStatus: http.StatusOK},
		{name: "IncludeBothHostHidden", method: http.MethodGet, path: appDBs + "/1?include=password,host", header: bearer(appReadKey), wantStatus: http.StatusOK},
		{name: "ByUUID", method: http.MethodGet, path: "/api/application/servers/" + serverUUID + "/databases/1", header: bearer(appKey), wantStatus: http.StatusOK},
		{name: "NotFound", method: http.MethodGet, path: appDBs + "/9", header: bearer(appKey), wantStatus: http.StatusNotFound},
		{name: "NotANumber", method: http.MethodGet, path: appDBs + "/bEY4yAD5", header: bearer(appKey), wantStatus: http.StatusNotFound},
		{name: "Zero", method: http.MethodGet, path: appDBs + "/0", header: bearer(appKey), wantStatus: http.StatusNotFound},
		{name: "Overflow", method: http.MethodGet, path: appDBs + "/99999999999999999999", header: bearer(appKey), wantStatus: http.StatusNotFound},
		{name: "ServerNotFound", method: http.MethodGet, path: "/api/application/servers/2/databases/1", header: bearer(appKey), wantStatus: http.StatusNotFound},
		{name: "NoPermission", method: http.MethodGet, path: appDBs + "/1", header: bearer(appWriteKey), wantStatus: http.StatusForbidden},
	})
}

func TestAppDatabaseCreate(t *testing.T) {
	t.Parallel()
	const doc000 = `{"database":"my_database","remote":"%","host":1}`
	runScenarios(t, []scenario{
		{
			name: "Document000", method: http.MethodPost, path: appDBs, header: bearer(appKey), body: doc000,
			setup: wantCreateInput(dbplane.ServerDatabaseInput{ServerID: serverUUID, Name: "my_database", Remote: "%",
				HostID: "1", MinNameLength: 1}),
			wantStatus: http.StatusCreated, wantCalls: []string{"create my_database"},
			notContains: []string{newPassword, "10.0.0.5"},
		},
		{name: "ByUUID", method: http.MethodPost, path: "/api/application/servers/" + serverUUID + "/databases", header: bearer(appKey),
			body: doc000, wantStatus: http.StatusCreated, wantCalls: []string{"create my_database"}},
		{name: "IncludeHost", method: http.MethodPost, path: appDBs + "?include=host", header: bearer(appKey), body: doc000,
			wantStatus: http.StatusCreated, wantCalls: []string{"create my_database"}},
		{name: "HostAsString", method: http.MethodPost, path: appDBs, header: bearer(appKey),
			body: `{"database":"my_database","remote":"%","host":"1"}`, wantStatus: http.StatusCreated, wantCalls: []string{"create my_database"}},
		{
			name: "MaxConnections", method: http.MethodPost, path: appDBs, header: bearer(appKey),
			body: `{"database":"x","remote":"10.0.0.%","host":1,"max_connections":5}`,
			setup: wantCreateInput(dbplane.ServerDatabaseInput{ServerID: serverUUID, Name: "x", Remote: "10.0.0.%",
				HostID: "1", MaxConnections: 5, MinNameLength: 1}),
			wantStatus: http.StatusCreated, wantCalls: []string{"create x"},
		},
		{name: "MaxConnectionsNull", method: http.MethodPost, path: appDBs, header: bearer(appKey),
			body: `{"database":"x","remote":"%","host":1,"max_connections":null}`, wantStatus: http.StatusCreated, wantCalls: []string{"create x"}},
		{name: "MaxConnectionsNegative", method: http.MethodPost, path: appDBs, header: bearer(appKey),
			body: `{"database":"x","remote":"%","host":1,"max_connections":-1}`, wantStatus: http.StatusUnprocessableEntity},
		{name: "MaxConnectionsHuge", method: http.MethodPost, path: appDBs, header: bearer(appKey),
			body: `{"database":"x","remote":"%","host":1,"max_connections":9999999999}`, wantStatus: http.StatusUnprocessableEntity},
		{name: "NoBody", method: http.MethodPost, path: appDBs, header: bearer(appKey), wantStatus: http.StatusUnprocessableEntity},
		{name: "EmptyObject", method: http.MethodPost, path: appDBs, header: bearer(appKey), body: `{}`, wantStatus: http.StatusUnprocessableEntity},
		{name: "Nulls", method: http.MethodPost, path: appDBs, header: bearer(appKey), body: `{"database":null,"remote":null,"host":null}`,
			wantStatus: http.StatusUnprocessableEntity},
		{name: "Blank", method: http.MethodPost, path: appDBs, header: bearer(appKey), body: `{"database":"  ","remote":"","host":""}`,
			wantStatus: http.StatusUnprocessableEntity},
		{name: "WrongTypes", method: http.MethodPost, path: appDBs, header: bearer(appKey), body: `{"database":5,"remote":true,"host":1.5}`,
			wantStatus: http.StatusUnprocessableEntity},
		{name: "HostObject", method: http.MethodPost, path: appDBs, header: bearer(appKey), body: `{"database":"a","remote":"%","host":{"id":1}}`,
			wantStatus: http.StatusUnprocessableEntity},
		{name: "BadName", method: http.MethodPost, path: appDBs, header: bearer(appKey), body: `{"database":"my db; DROP","remote":"%","host":1}`,
			wantStatus: http.StatusUnprocessableEntity},
		{name: "UnicodeName", method: http.MethodPost, path: appDBs, header: bearer(appKey), body: `{"database":"données","remote":"%","host":1}`,
			wantStatus: http.StatusUnprocessableEntity},
		{name: "NameTooLong", method: http.MethodPost, path: appDBs, header: bearer(appKey),
			body: `{"database":"` + strings.Repeat("a", 49) + `","remote":"%","host":1}`, wantStatus: http.StatusUnprocessableEntity},
		{name: "Name48", method: http.MethodPost, path: appDBs, header: bearer(appKey),
			body: `{"database":"` + strings.Repeat("a", 48) + `","remote":"%","host":1}`, wantStatus: http.StatusCreated,
			wantCalls: []string{"create " + strings.Repeat("a", 48)}},
		{name: "OneCharName", method: http.MethodPost, path: appDBs, header: bearer(appKey), body: `{"database":"a","remote":"%","host":1}`,
			wantStatus: http.StatusCreated, wantCalls: []string{"create a"}},
		{name: "BadRemote", method: http.MethodPost, path: appDBs, header: bearer(appKey), body: `{"database":"a","remote":"10.0.0.1' OR 1","host":1}`,
			wantStatus: http.StatusUnprocessableEntity},
		{name: "RemoteTooLong", method: http.MethodPost, path: appDBs, header: bearer(appKey),
			body: `{"database":"a","remote":"` + strings.Repeat("1", 256) + `","host":1}`, wantStatus: http.StatusUnprocessableEntity},
		{name: "HostNotFound", method: http.MethodPost, path: appDBs, header: bearer(appKey), body: `{"database":"a","remote":"%","host":99}`,
			wantStatus: http.StatusUnprocessableEntity},
		{name: "AllFieldsFail", method: http.MethodPost, path: appDBs, header: bearer(appKey), body: `{"database":"a b","remote":"'","host":-1}`,
			wantStatus: http.StatusUnprocessableEntity},
		{name: "Duplicate", method: http.MethodPost, path: appDBs, header: bearer(appKey), body: doc000,
			setup:      failCreate(dbplane.Errorf(dbplane.CodeConflict, "A database with that name exists on this server")),
			wantStatus: http.StatusUnprocessableEntity, wantCalls: []string{"create my_database"}},
		{name: "ServerLimit", method: http.MethodPost, path: appDBs, header: bearer(appKey), body: doc000,
			setup: failCreate(dbplane.ErrServerLimit), wantStatus: http.StatusBadRequest, wantCalls: []string{"create my_database"}},
		{name: "OtherQuota", method: http.MethodPost, path: appDBs, header: bearer(appKey), body: doc000,
			setup:      failCreate(dbplane.Errorf(dbplane.CodeQuotaExceeded, "Some new quota")),
			wantStatus: http.StatusBadRequest, wantCalls: []string{"create my_database"}},
		{name: "OutOfSlots", method: http.MethodPost, path: appDBs, header: bearer(appKey), body: doc000,
			setup: failCreate(dbplane.ErrOutOfSlots), wantStatus: http.StatusBadRequest, wantCalls: []string{"create my_database"}},
		{name: "OutOfStorage", method: http.MethodPost, path: appDBs, header: bearer(appKey), body: doc000,
			setup: failCreate(dbplane.ErrOutOfStorage), wantStatus: http.StatusBadRequest, wantCalls: []string{"create my_database"}},
		{name: "HostFull", method: http.MethodPost, path: appDBs, header: bearer(appKey), body: doc000,
			setup: failCreate(dbplane.ErrHostFull), wantStatus: http.StatusBadRequest, wantCalls: []string{"create my_database"}},
		{name: "HostUnavailable", method: http.MethodPost, path: appDBs, header: bearer(appKey), body: doc000,
			setup:      failCreate(dbplane.Wrap(dbplane.ErrHostUnavailable, errors.New("dial tcp 10.0.0.5:3306: connection refused"))),
			wantStatus: http.StatusServiceUnavailable, wantCalls: []string{"create my_database"},
			notInBody: []string{"10.0.0.5", "refused"}, wantLog: []string{"request_id=" + requestID, "connection refused"}},
		{name: "ServiceFieldError", method: http.MethodPost, path: appDBs, header: bearer(appKey), body: doc000,
			setup:      failCreate(dbplane.FieldErrorf("name", "The database name is too long once prefixed.")),
			wantStatus: http.StatusUnprocessableEntity, wantCalls: []string{"create my_database"}},
		{name: "Internal", method: http.MethodPost, path: appDBs, header: bearer(appKey), body: doc000,
			setup:      failCreate(errors.New("insert database: constraint failed")),
			wantStatus: http.StatusInternalServerError, wantCalls: []string{"create my_database"}, notInBody: []string{"constraint"}},
		{
			name: "HostLookupFails", method: http.MethodPost, path: appDBs, header: bearer(appKey), body: doc000,
			setup: func(_ *testing.T, m *mocks) {
				m.hosts.HostFn = func(context.Context, string) (*dbplane.Host, error) { return nil, errors.New("select host: busy") }
			},
			wantStatus: http.StatusInternalServerError,
		},
		{name: "BadJSON", method: http.MethodPost, path: appDBs, header: bearer(appKey), body: `{"database":`, wantStatus: http.StatusBadRequest},
		{name: "NotAnObject", method: http.MethodPost, path: appDBs, header: bearer(appKey), body: `["my_database"]`, wantStatus: http.StatusBadRequest},
		{name: "UnknownField", method: http.MethodPost, path: appDBs, header: bearer(appKey), body: `{"database":"a","remote":"%","host":1,"server":2}`,
			wantStatus: http.StatusBadRequest},
		{name: "TwoValues", method: http.MethodPost, path: appDBs, header: bearer(appKey), body: doc000 + doc000, wantStatus: http.StatusBadRequest},
		{name: "ReadOnlyKey", method: http.MethodPost, path: appDBs, header: bearer(appReadKey), body: doc000, wantStatus: http.StatusForbidden},
		{name: "NoKeyBeforeBody", method: http.MethodPost, path: appDBs, body: `{"database":`, wantStatus: http.StatusUnauthorized},
		{name: "ServerNotFound", method: http.MethodPost, path: "/api/application/servers/99/databases", header: bearer(appKey), body: doc000,
			wantStatus: http.StatusNotFound},
	})
}

func TestAppDatabaseResetPassword(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{name: "OK", method: http.MethodPost, path: appDBs + "/1/reset-password", header: bearer(appKey),
			wantStatus: http.StatusNoContent, wantCalls: []string{"rotate 1"}, notContains: secrets},
		{name: "BodyIgnored", method: http.MethodPost, path: appDBs + "/2/reset-password", header: bearer(appWriteKey), body: `{"x":1}`,
			wantStatus: http.StatusNoContent, wantCalls: []string{"rotate 2"}},
		{name: "NotFound", method: http.MethodPost, path: appDBs + "/9/reset-password", header: bearer(appKey),
			wantStatus: http.StatusNotFound, wantCalls: []string{"rotate 9"}},
		{name: "NotANumber", method: http.MethodPost, path: appDBs + "/x/reset-password", header: bearer(appKey), wantStatus: http.StatusNotFound},
		{name: "ReadOnlyKey", method: http.MethodPost, path: appDBs + "/1/reset-password", header: bearer(appReadKey), wantStatus: http.StatusForbidden},
		{
			name: "HostUnavailable", method: http.MethodPost, path: appDBs + "/1/reset-password", header: bearer(appKey),
			setup: func(_ *testing.T, m *mocks) {
				m.databases.RotateServerDatabaseFn = func(context.Context, string, string) (*dbplane.Credentials, error) {
					return nil, dbplane.Wrap(dbplane.ErrHostUnavailable, errors.New("i/o timeout"))
				}
			},
			wantStatus: http.StatusServiceUnavailable, wantLog: []string{"i/o timeout"},
		},
	})
}

func TestAppDatabaseDelete(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{name: "OK", method: http.MethodDelete, path: appDBs + "/1", header: bearer(appKey), wantStatus: http.StatusNoContent, wantCalls: []string{"delete 1"}},
		{name: "ByUUID", method: http.MethodDelete, path: "/api/application/servers/" + serverUUID + "/databases/2", header: bearer(appWriteKey),
			wantStatus: http.StatusNoContent, wantCalls: []string{"delete 2"}},
		{name: "NotFound", method: http.MethodDelete, path: appDBs + "/9", header: bearer(appKey), wantStatus: http.StatusNotFound, wantCalls: []string{"delete 9"}},
		{name: "ReadOnlyKey", method: http.MethodDelete, path: appDBs + "/1", header: bearer(appReadKey), wantStatus: http.StatusForbidden},
		{name: "UserKey", method: http.MethodDelete, path: appDBs + "/1", header: bearer(ownerKey), wantStatus: http.StatusForbidden},
		{
			name: "Conflict", method: http.MethodDelete, path: appDBs + "/1", header: bearer(appKey),
			setup: func(_ *testing.T, m *mocks) {
				m.databases.DeleteServerDatabaseFn = func(context.Context, string, string) error {
					return dbplane.Errorf(dbplane.CodeConflict, "The database is still being created.")
				}
			},
			wantStatus: http.StatusConflict,
		},
	})
}
