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
		{Name: "OK", Method: http.MethodGet, Path: appDBs, Header: bearer(appKey), WantStatus: http.StatusOK,
			WantHeader: map[string]string{"X-RateLimit-Limit": "240", "X-RateLimit-Remaining": "239"}, NotContains: secrets},
		{Name: "ByUUID", Method: http.MethodGet, Path: "/api/application/servers/" + serverUUID + "/databases",
			Header: bearer(appReadKey), WantStatus: http.StatusOK, NotContains: secrets},
		// Laravel's route binding finds a UUID in any case.
		{Name: "ByUUIDUpper", Method: http.MethodGet, Path: "/api/application/servers/" + strings.ToUpper(serverUUID) + "/databases",
			Header: bearer(appReadKey), WantStatus: http.StatusOK},
		{Name: "IncludePassword", Method: http.MethodGet, Path: appDBs + "?include=password", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "IncludePasswordHost", Method: http.MethodGet, Path: appDBs + "?include=password,host", Header: bearer(appKey), WantStatus: http.StatusOK,
			NotContains: []string{"10.0.0.5"}},
		{Name: "IncludeHostPassword", Method: http.MethodGet, Path: appDBs + "?include=host,password", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "IncludeEncoded", Method: http.MethodGet, Path: appDBs + "?include=password%2Chost", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "IncludeSpacesAndCase", Method: http.MethodGet, Path: appDBs + "?include=%20Host%20,%20PASSWORD", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "IncludeRepeated", Method: http.MethodGet, Path: appDBs + "?include=host&include=password", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "IncludeHost", Method: http.MethodGet, Path: appDBs + "?include=host", Header: bearer(appKey), WantStatus: http.StatusOK, NotContains: secrets},
		{Name: "IncludeUnknown", Method: http.MethodGet, Path: appDBs + "?include=server,,allocations", Header: bearer(appKey), WantStatus: http.StatusOK, NotContains: secrets},
		{Name: "IncludeHostWithoutHostsRead", Method: http.MethodGet, Path: appDBs + "?include=host", Header: bearer(appReadKey),
			WantStatus: http.StatusOK, NotContains: append([]string{"pterodactyl", "db.example.com"}, secrets...)},
		{Name: "PerPage1", Method: http.MethodGet, Path: appDBs + "?per_page=1", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "Page2", Method: http.MethodGet, Path: appDBs + "?per_page=1&page=2&include=host", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "PageBeyond", Method: http.MethodGet, Path: appDBs + "?page=5", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "PageNotANumber", Method: http.MethodGet, Path: appDBs + "?page=abc", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "PageZero", Method: http.MethodGet, Path: appDBs + "?page=0", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "PageHuge", Method: http.MethodGet, Path: appDBs + "?page=99999999999999", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "PerPage100", Method: http.MethodGet, Path: appDBs + "?per_page=100", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "PerPageEmpty", Method: http.MethodGet, Path: appDBs + "?per_page=", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "PerPage0", Method: http.MethodGet, Path: appDBs + "?per_page=0", Header: bearer(appKey), WantStatus: http.StatusBadRequest},
		{Name: "PerPage101", Method: http.MethodGet, Path: appDBs + "?per_page=101", Header: bearer(appKey), WantStatus: http.StatusBadRequest},
		{Name: "PerPageNegative", Method: http.MethodGet, Path: appDBs + "?per_page=-5", Header: bearer(appKey), WantStatus: http.StatusBadRequest},
		{Name: "PerPageNotANumber", Method: http.MethodGet, Path: appDBs + "?per_page=ten", Header: bearer(appKey), WantStatus: http.StatusBadRequest},
		{
			Name: "Empty", Method: http.MethodGet, Path: appDBs, Header: bearer(appKey), WantStatus: http.StatusOK,
			Setup: func(_ *testing.T, m *mocks) {
				m.databases.ServerDatabasesFn = func(context.Context, string, dbplane.Page) ([]*dbplane.Database, int, error) {
					return nil, 0, nil
				}
			},
		},
		{Name: "ServerNotFound", Method: http.MethodGet, Path: "/api/application/servers/99/databases", Header: bearer(appKey), WantStatus: http.StatusNotFound},
		{Name: "ServerNotANumber", Method: http.MethodGet, Path: "/api/application/servers/abc/databases", Header: bearer(appKey), WantStatus: http.StatusNotFound},
		{Name: "ServerIdentifier", Method: http.MethodGet, Path: "/api/application/servers/" + serverIdent + "/databases", Header: bearer(appKey), WantStatus: http.StatusNotFound},
		{Name: "ServerZero", Method: http.MethodGet, Path: "/api/application/servers/0/databases", Header: bearer(appKey), WantStatus: http.StatusNotFound},
		{Name: "ServerLeadingZeros", Method: http.MethodGet, Path: "/api/application/servers/001/databases", Header: bearer(appKey), WantStatus: http.StatusOK},
		{
			// The service resolved the reference as something else (an
			// all-digit identifier, say): not the server this path names.
			Name: "ServerMismatch", Method: http.MethodGet, Path: "/api/application/servers/12345678/databases", Header: bearer(appKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.servers.ServerFn = func(context.Context, string) (*dbplane.Server, error) { return fixtureServer(), nil }
			},
			WantStatus: http.StatusNotFound,
		},
		{Name: "NoKey", Method: http.MethodGet, Path: appDBs, WantStatus: http.StatusUnauthorized,
			WantHeader: map[string]string{"WWW-Authenticate": "Bearer"}},
		{Name: "BadKey", Method: http.MethodGet, Path: appDBs, Header: bearer("nope"), WantStatus: http.StatusUnauthorized},
		{Name: "KeyDisabled", Method: http.MethodGet, Path: appDBs, Header: bearer(disabledKey), WantStatus: http.StatusUnauthorized},
		{Name: "KeyExpired", Method: http.MethodGet, Path: appDBs, Header: bearer(expiredKey), WantStatus: http.StatusUnauthorized},
		{Name: "UserKey", Method: http.MethodGet, Path: appDBs, Header: bearer(ownerKey), WantStatus: http.StatusForbidden},
		{Name: "NoPermission", Method: http.MethodGet, Path: appDBs, Header: bearer(appNoPermKey), WantStatus: http.StatusForbidden},
		{Name: "WriteOnlyKey", Method: http.MethodGet, Path: appDBs, Header: bearer(appWriteKey), WantStatus: http.StatusForbidden},
		{Name: "Demoted", Method: http.MethodGet, Path: appDBs, Header: bearer(demotedKey), WantStatus: http.StatusForbidden},
		{Name: "Suspended", Method: http.MethodGet, Path: appDBs, Header: bearer(suspendedKey), WantStatus: http.StatusForbidden},
		{
			Name: "AuthInternal", Method: http.MethodGet, Path: appDBs, Header: bearer(appKey), WantStatus: http.StatusInternalServerError,
			Setup: func(_ *testing.T, m *mocks) {
				m.keys.AuthenticateFn = func(context.Context, string, string) (*dbplane.APIKey, *dbplane.Account, error) {
					return nil, nil, errors.New("select key: database is locked")
				}
			},
			NotInBody: []string{"locked"}, WantLog: []string{"request_id=" + requestID, "database is locked"},
		},
		{
			Name: "Internal", Method: http.MethodGet, Path: appDBs, Header: bearer(appKey), WantStatus: http.StatusInternalServerError,
			Setup:     failDatabases(errors.New("select databases: sqlite: disk I/O error")),
			NotInBody: []string{"sqlite", "select"}, WantLog: []string{"request_id=" + requestID, "disk I/O error"},
		},
		{
			Name: "CredentialsFail", Method: http.MethodGet, Path: appDBs + "?include=password", Header: bearer(appKey),
			WantStatus: http.StatusInternalServerError,
			Setup: func(_ *testing.T, m *mocks) {
				m.databases.DatabaseCredentialsFn = func(context.Context, *dbplane.Database) (*dbplane.Credentials, error) {
					return nil, errors.New("decrypt password: cipher: message authentication failed")
				}
			},
			NotInBody: []string{"cipher"}, WantLog: []string{"message authentication failed"},
		},
		{
			Name: "HostGone", Method: http.MethodGet, Path: appDBs, Header: bearer(appKey), WantStatus: http.StatusInternalServerError,
			Setup: func(_ *testing.T, m *mocks) {
				m.hosts.HostFn = func(context.Context, string) (*dbplane.Host, error) {
					return nil, dbplane.Errorf(dbplane.CodeNotFound, "Host not found")
				}
			},
			WantLog: []string{"host " + hostUUID},
		},
	})
}

func TestAppDatabaseGet(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{Name: "OK", Method: http.MethodGet, Path: appDBs + "/2", Header: bearer(appReadKey), WantStatus: http.StatusOK, NotContains: secrets},
		{Name: "IncludeBoth", Method: http.MethodGet, Path: appDBs + "/1?include=password,host", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "IncludeBothHostHidden", Method: http.MethodGet, Path: appDBs + "/1?include=password,host", Header: bearer(appReadKey), WantStatus: http.StatusOK},
		{Name: "ByUUID", Method: http.MethodGet, Path: "/api/application/servers/" + serverUUID + "/databases/1", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "NotFound", Method: http.MethodGet, Path: appDBs + "/9", Header: bearer(appKey), WantStatus: http.StatusNotFound},
		{Name: "NotANumber", Method: http.MethodGet, Path: appDBs + "/bEY4yAD5", Header: bearer(appKey), WantStatus: http.StatusNotFound},
		// The client API's hashid works here too, as in the panel.
		{Name: "HashID", Method: http.MethodGet, Path: appDBs + "/" + hash2, Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "Zero", Method: http.MethodGet, Path: appDBs + "/0", Header: bearer(appKey), WantStatus: http.StatusNotFound},
		{Name: "Overflow", Method: http.MethodGet, Path: appDBs + "/99999999999999999999", Header: bearer(appKey), WantStatus: http.StatusNotFound},
		{Name: "ServerNotFound", Method: http.MethodGet, Path: "/api/application/servers/2/databases/1", Header: bearer(appKey), WantStatus: http.StatusNotFound},
		{Name: "NoPermission", Method: http.MethodGet, Path: appDBs + "/1", Header: bearer(appWriteKey), WantStatus: http.StatusForbidden},
	})
}

func TestAppDatabaseCreate(t *testing.T) {
	t.Parallel()
	const doc000 = `{"database":"my_database","remote":"%","host":1}`
	runScenarios(t, []scenario{
		{
			Name: "Document000", Method: http.MethodPost, Path: appDBs, Header: bearer(appKey), Body: doc000,
			Setup: wantCreateInput(dbplane.ServerDatabaseInput{ServerID: serverUUID, Name: "my_database", Remote: "%",
				HostID: "1", MinNameLength: 1}),
			WantStatus: http.StatusCreated, WantCalls: []string{"create my_database"},
			NotContains: []string{newPassword, "10.0.0.5"},
		},
		{Name: "ByUUID", Method: http.MethodPost, Path: "/api/application/servers/" + serverUUID + "/databases", Header: bearer(appKey),
			Body: doc000, WantStatus: http.StatusCreated, WantCalls: []string{"create my_database"}},
		{Name: "IncludeHost", Method: http.MethodPost, Path: appDBs + "?include=host", Header: bearer(appKey), Body: doc000,
			WantStatus: http.StatusCreated, WantCalls: []string{"create my_database"}},
		{Name: "HostAsString", Method: http.MethodPost, Path: appDBs, Header: bearer(appKey),
			Body: `{"database":"my_database","remote":"%","host":"1"}`, WantStatus: http.StatusCreated, WantCalls: []string{"create my_database"}},
		{
			Name: "MaxConnections", Method: http.MethodPost, Path: appDBs, Header: bearer(appKey),
			Body: `{"database":"x","remote":"10.0.0.%","host":1,"max_connections":5}`,
			Setup: wantCreateInput(dbplane.ServerDatabaseInput{ServerID: serverUUID, Name: "x", Remote: "10.0.0.%",
				HostID: "1", MaxConnections: 5, MinNameLength: 1}),
			WantStatus: http.StatusCreated, WantCalls: []string{"create x"},
		},
		{Name: "MaxConnectionsNull", Method: http.MethodPost, Path: appDBs, Header: bearer(appKey),
			Body: `{"database":"x","remote":"%","host":1,"max_connections":null}`, WantStatus: http.StatusCreated, WantCalls: []string{"create x"}},
		{Name: "MaxConnectionsNegative", Method: http.MethodPost, Path: appDBs, Header: bearer(appKey),
			Body: `{"database":"x","remote":"%","host":1,"max_connections":-1}`, WantStatus: http.StatusUnprocessableEntity},
		{Name: "MaxConnectionsHuge", Method: http.MethodPost, Path: appDBs, Header: bearer(appKey),
			Body: `{"database":"x","remote":"%","host":1,"max_connections":9999999999}`, WantStatus: http.StatusUnprocessableEntity},
		{Name: "NoBody", Method: http.MethodPost, Path: appDBs, Header: bearer(appKey), WantStatus: http.StatusUnprocessableEntity},
		{Name: "EmptyObject", Method: http.MethodPost, Path: appDBs, Header: bearer(appKey), Body: `{}`, WantStatus: http.StatusUnprocessableEntity},
		{Name: "Nulls", Method: http.MethodPost, Path: appDBs, Header: bearer(appKey), Body: `{"database":null,"remote":null,"host":null}`,
			WantStatus: http.StatusUnprocessableEntity},
		{Name: "Blank", Method: http.MethodPost, Path: appDBs, Header: bearer(appKey), Body: `{"database":"  ","remote":"","host":""}`,
			WantStatus: http.StatusUnprocessableEntity},
		{Name: "WrongTypes", Method: http.MethodPost, Path: appDBs, Header: bearer(appKey), Body: `{"database":5,"remote":true,"host":1.5}`,
			WantStatus: http.StatusUnprocessableEntity},
		{Name: "HostObject", Method: http.MethodPost, Path: appDBs, Header: bearer(appKey), Body: `{"database":"a","remote":"%","host":{"id":1}}`,
			WantStatus: http.StatusUnprocessableEntity},
		{Name: "BadName", Method: http.MethodPost, Path: appDBs, Header: bearer(appKey), Body: `{"database":"my db; DROP","remote":"%","host":1}`,
			WantStatus: http.StatusUnprocessableEntity},
		{Name: "UnicodeName", Method: http.MethodPost, Path: appDBs, Header: bearer(appKey), Body: `{"database":"données","remote":"%","host":1}`,
			WantStatus: http.StatusUnprocessableEntity},
		{Name: "NameTooLong", Method: http.MethodPost, Path: appDBs, Header: bearer(appKey),
			Body: `{"database":"` + strings.Repeat("a", 49) + `","remote":"%","host":1}`, WantStatus: http.StatusUnprocessableEntity},
		{Name: "Name48", Method: http.MethodPost, Path: appDBs, Header: bearer(appKey),
			Body: `{"database":"` + strings.Repeat("a", 48) + `","remote":"%","host":1}`, WantStatus: http.StatusCreated,
			WantCalls: []string{"create " + strings.Repeat("a", 48)}},
		{Name: "OneCharName", Method: http.MethodPost, Path: appDBs, Header: bearer(appKey), Body: `{"database":"a","remote":"%","host":1}`,
			WantStatus: http.StatusCreated, WantCalls: []string{"create a"}},
		{Name: "BadRemote", Method: http.MethodPost, Path: appDBs, Header: bearer(appKey), Body: `{"database":"a","remote":"10.0.0.1' OR 1","host":1}`,
			WantStatus: http.StatusUnprocessableEntity},
		{Name: "RemoteTooLong", Method: http.MethodPost, Path: appDBs, Header: bearer(appKey),
			Body: `{"database":"a","remote":"` + strings.Repeat("1", 256) + `","host":1}`, WantStatus: http.StatusUnprocessableEntity},
		{Name: "HostNotFound", Method: http.MethodPost, Path: appDBs, Header: bearer(appKey), Body: `{"database":"a","remote":"%","host":99}`,
			WantStatus: http.StatusUnprocessableEntity},
		{Name: "AllFieldsFail", Method: http.MethodPost, Path: appDBs, Header: bearer(appKey), Body: `{"database":"a b","remote":"'","host":-1}`,
			WantStatus: http.StatusUnprocessableEntity},
		{Name: "Duplicate", Method: http.MethodPost, Path: appDBs, Header: bearer(appKey), Body: doc000,
			Setup:      failCreate(dbplane.Errorf(dbplane.CodeConflict, "A database with that name exists on this server")),
			WantStatus: http.StatusUnprocessableEntity, WantCalls: []string{"create my_database"}},
		{Name: "ServerLimit", Method: http.MethodPost, Path: appDBs, Header: bearer(appKey), Body: doc000,
			Setup: failCreate(dbplane.ErrServerLimit), WantStatus: http.StatusBadRequest, WantCalls: []string{"create my_database"}},
		{Name: "OtherQuota", Method: http.MethodPost, Path: appDBs, Header: bearer(appKey), Body: doc000,
			Setup:      failCreate(dbplane.Errorf(dbplane.CodeQuotaExceeded, "Some new quota")),
			WantStatus: http.StatusBadRequest, WantCalls: []string{"create my_database"}},
		{Name: "OutOfSlots", Method: http.MethodPost, Path: appDBs, Header: bearer(appKey), Body: doc000,
			Setup: failCreate(dbplane.ErrOutOfSlots), WantStatus: http.StatusBadRequest, WantCalls: []string{"create my_database"}},
		{Name: "OutOfStorage", Method: http.MethodPost, Path: appDBs, Header: bearer(appKey), Body: doc000,
			Setup: failCreate(dbplane.ErrOutOfStorage), WantStatus: http.StatusBadRequest, WantCalls: []string{"create my_database"}},
		{Name: "HostFull", Method: http.MethodPost, Path: appDBs, Header: bearer(appKey), Body: doc000,
			Setup: failCreate(dbplane.ErrHostFull), WantStatus: http.StatusBadRequest, WantCalls: []string{"create my_database"}},
		{Name: "HostUnavailable", Method: http.MethodPost, Path: appDBs, Header: bearer(appKey), Body: doc000,
			Setup:      failCreate(dbplane.Wrap(dbplane.ErrHostUnavailable, errors.New("dial tcp 10.0.0.5:3306: connection refused"))),
			WantStatus: http.StatusServiceUnavailable, WantCalls: []string{"create my_database"},
			NotInBody: []string{"10.0.0.5", "refused"}, WantLog: []string{"request_id=" + requestID, "connection refused"}},
		{Name: "ServiceFieldError", Method: http.MethodPost, Path: appDBs, Header: bearer(appKey), Body: doc000,
			Setup:      failCreate(dbplane.FieldErrorf("name", "The database name is too long once prefixed.")),
			WantStatus: http.StatusUnprocessableEntity, WantCalls: []string{"create my_database"}},
		{Name: "Internal", Method: http.MethodPost, Path: appDBs, Header: bearer(appKey), Body: doc000,
			Setup:      failCreate(errors.New("insert database: constraint failed")),
			WantStatus: http.StatusInternalServerError, WantCalls: []string{"create my_database"}, NotInBody: []string{"constraint"}},
		{
			Name: "HostLookupFails", Method: http.MethodPost, Path: appDBs, Header: bearer(appKey), Body: doc000,
			Setup: func(_ *testing.T, m *mocks) {
				m.hosts.HostFn = func(context.Context, string) (*dbplane.Host, error) { return nil, errors.New("select host: busy") }
			},
			WantStatus: http.StatusInternalServerError,
		},
		{Name: "BadJSON", Method: http.MethodPost, Path: appDBs, Header: bearer(appKey), Body: `{"database":`, WantStatus: http.StatusBadRequest},
		{Name: "NotAnObject", Method: http.MethodPost, Path: appDBs, Header: bearer(appKey), Body: `["my_database"]`, WantStatus: http.StatusBadRequest},
		// Laravel ignores fields a route does not take.
		{Name: "UnknownField", Method: http.MethodPost, Path: appDBs, Header: bearer(appKey), Body: `{"database":"a","remote":"%","host":1,"server":2}`,
			WantStatus: http.StatusCreated, WantCalls: []string{"create a"}},
		{Name: "Form", Method: http.MethodPost, Path: appDBs, Body: "database=formdb&remote=%25&host=1&max_connections=5&unknown=x",
			Header:     map[string]string{"Authorization": "Bearer " + appKey, "Content-Type": "application/x-www-form-urlencoded"},
			Setup:      wantCreateInput(dbplane.ServerDatabaseInput{ServerID: serverUUID, Name: "formdb", Remote: "%", HostID: "1", MaxConnections: 5, MinNameLength: 1}),
			WantStatus: http.StatusCreated, WantCalls: []string{"create formdb"}},
		{Name: "FormBadHost", Method: http.MethodPost, Path: appDBs, Body: "database=formdb&remote=%25&host=one",
			Header:     map[string]string{"Authorization": "Bearer " + appKey, "Content-Type": "application/x-www-form-urlencoded"},
			WantStatus: http.StatusUnprocessableEntity},
		{Name: "FormBadEncoding", Method: http.MethodPost, Path: appDBs, Body: "database=%zz",
			Header:     map[string]string{"Authorization": "Bearer " + appKey, "Content-Type": "application/x-www-form-urlencoded"},
			WantStatus: http.StatusBadRequest},
		{Name: "TwoValues", Method: http.MethodPost, Path: appDBs, Header: bearer(appKey), Body: doc000 + doc000, WantStatus: http.StatusBadRequest},
		{Name: "ReadOnlyKey", Method: http.MethodPost, Path: appDBs, Header: bearer(appReadKey), Body: doc000, WantStatus: http.StatusForbidden},
		{Name: "NoKeyBeforeBody", Method: http.MethodPost, Path: appDBs, Body: `{"database":`, WantStatus: http.StatusUnauthorized},
		{Name: "ServerNotFound", Method: http.MethodPost, Path: "/api/application/servers/99/databases", Header: bearer(appKey), Body: doc000,
			WantStatus: http.StatusNotFound},
	})
}

func TestAppDatabaseResetPassword(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{Name: "OK", Method: http.MethodPost, Path: appDBs + "/1/reset-password", Header: bearer(appKey),
			WantStatus: http.StatusNoContent, WantCalls: []string{"rotate 1"}, NotContains: secrets},
		{Name: "BodyIgnored", Method: http.MethodPost, Path: appDBs + "/2/reset-password", Header: bearer(appWriteKey), Body: `{"x":1}`,
			WantStatus: http.StatusNoContent, WantCalls: []string{"rotate 2"}},
		{Name: "NotFound", Method: http.MethodPost, Path: appDBs + "/9/reset-password", Header: bearer(appKey),
			WantStatus: http.StatusNotFound, WantCalls: []string{"rotate 9"}},
		{Name: "NotANumber", Method: http.MethodPost, Path: appDBs + "/x/reset-password", Header: bearer(appKey), WantStatus: http.StatusNotFound},
		{Name: "ReadOnlyKey", Method: http.MethodPost, Path: appDBs + "/1/reset-password", Header: bearer(appReadKey), WantStatus: http.StatusForbidden},
		{
			Name: "HostUnavailable", Method: http.MethodPost, Path: appDBs + "/1/reset-password", Header: bearer(appKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.databases.RotateServerDatabaseFn = func(context.Context, string, string) (*dbplane.Credentials, error) {
					return nil, dbplane.Wrap(dbplane.ErrHostUnavailable, errors.New("i/o timeout"))
				}
			},
			WantStatus: http.StatusServiceUnavailable, WantLog: []string{"i/o timeout"},
		},
	})
}

func TestAppDatabaseDelete(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{Name: "OK", Method: http.MethodDelete, Path: appDBs + "/1", Header: bearer(appKey), WantStatus: http.StatusNoContent, WantCalls: []string{"delete 1"}},
		{Name: "ByUUID", Method: http.MethodDelete, Path: "/api/application/servers/" + serverUUID + "/databases/2", Header: bearer(appWriteKey),
			WantStatus: http.StatusNoContent, WantCalls: []string{"delete 2"}},
		{Name: "NotFound", Method: http.MethodDelete, Path: appDBs + "/9", Header: bearer(appKey), WantStatus: http.StatusNotFound, WantCalls: []string{"delete 9"}},
		{Name: "ReadOnlyKey", Method: http.MethodDelete, Path: appDBs + "/1", Header: bearer(appReadKey), WantStatus: http.StatusForbidden},
		{Name: "UserKey", Method: http.MethodDelete, Path: appDBs + "/1", Header: bearer(ownerKey), WantStatus: http.StatusForbidden},
		{
			// Another change to the database in flight (its create) is the
			// service's store.ErrBusy: 503, never 409 (docs/openapi.json).
			Name: "Busy", Method: http.MethodDelete, Path: appDBs + "/1", Header: bearer(appKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.databases.DeleteServerDatabaseFn = func(context.Context, string, string) error {
					return dbplane.Errorf(dbplane.CodeUnavailable, "Another change to this database is in progress; try again shortly")
				}
			},
			WantStatus: http.StatusServiceUnavailable,
		},
	})
}
