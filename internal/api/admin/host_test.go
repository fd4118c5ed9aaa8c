package admin_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/google/go-cmp/cmp"
)

const hostPassword = "H0stAdminS3cretPassw0rd"

func ptr[T any](v T) *T { return &v }

// hostCA is a fixed CA certificate (testdata/host-ca.pem), so that
// golden bodies that show it do not change.
func hostCA(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "host-ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func jsonString(t *testing.T, s string) string {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func fixtureHost() *dbplane.Host {
	return &dbplane.Host{
		ID: "3f2b8c1e-6a0d-4c1e-9b3f-1d2e3f4a5b6c", NumericID: 7, Name: "MySQL Server 1",
		Engine: dbplane.EngineMariaDB, Hostname: "mysql.internal", Port: 3306, Username: "pterodactyl",
		Password: hostPassword, SealedPassword: []byte("sealed-host-pw"), Database: "panel",
		PublicHostname: "mysql.example.com", TLS: dbplane.TLSPrefer, NodeIDs: []string{"node-uuid", "node-uuid-2"},
		MaxDatabases: ptr(100), Enabled: true, DatabaseCount: 42, CreatedAt: t0, UpdatedAt: t1,
	}
}

// hostSecrets lists what no host body and no log line may hold.
var hostSecrets = []string{hostPassword, "sealed", adminKey, `"password"`}

func hostReturns(want string) func(*testing.T, *mocks) {
	return func(t *testing.T, m *mocks) {
		m.hosts.HostFn = func(_ context.Context, id string) (*dbplane.Host, error) {
			if id != want {
				t.Errorf("Host(%q), want %q", id, want)
			}
			return fixtureHost(), nil
		}
	}
}

// createHostApplies stands in for the service: it validates as the real
// one does and checks what the handler passed.
func createHostApplies(check func(t *testing.T, in dbplane.HostInput)) func(*testing.T, *mocks) {
	return func(t *testing.T, m *mocks) {
		m.hosts.CreateHostFn = func(_ context.Context, in dbplane.HostInput) (*dbplane.Host, error) {
			if check != nil {
				check(t, in)
			}
			h := &dbplane.Host{ID: "3f2b8c1e-6a0d-4c1e-9b3f-1d2e3f4a5b6c", NumericID: 8, CreatedAt: t0, UpdatedAt: t0}
			if err := in.Apply(h, true); err != nil {
				return nil, err
			}
			return h, nil
		}
	}
}

func updateHostApplies(check func(t *testing.T, in dbplane.HostInput)) func(*testing.T, *mocks) {
	return func(t *testing.T, m *mocks) {
		m.hosts.UpdateHostFn = func(_ context.Context, id string, in dbplane.HostInput) (*dbplane.Host, error) {
			if check != nil {
				check(t, in)
			}
			h := fixtureHost()
			if err := in.Apply(h, false); err != nil {
				return nil, err
			}
			return h, nil
		}
	}
}

func TestHostList(t *testing.T) {
	t.Parallel()
	const path = "/api/admin/database-hosts"
	unlinked := fixtureHost()
	unlinked.ID, unlinked.NumericID, unlinked.Name = "9a9b8c1e-6a0d-4c1e-9b3f-1d2e3f4a5b6c", 9, "Postgres 1"
	unlinked.Engine, unlinked.Port, unlinked.NodeIDs, unlinked.MaxDatabases = dbplane.EnginePostgres, 5432, nil, nil
	unlinked.PublicHostname, unlinked.Database, unlinked.TLS, unlinked.Enabled = "", "", dbplane.TLSRequire, false
	runScenarios(t, []scenario{
		{
			Name: "OK", Method: http.MethodGet, Path: path, Header: bearer(adminKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.hosts.ListHostsFn = func(context.Context) ([]*dbplane.Host, error) {
					return []*dbplane.Host{fixtureHost(), unlinked}, nil
				}
			},
			WantStatus: http.StatusOK, NotContains: hostSecrets,
		},
		{
			Name: "Empty", Method: http.MethodGet, Path: path, Header: bearer(readOnlyKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.hosts.ListHostsFn = func(context.Context) ([]*dbplane.Host, error) { return nil, nil }
			},
			WantStatus: http.StatusOK,
		},
		{Name: "NoKey", Method: http.MethodGet, Path: path, WantStatus: http.StatusUnauthorized,
			WantHeader: map[string]string{"WWW-Authenticate": "Bearer"}},
		{Name: "BadKey", Method: http.MethodGet, Path: path, Header: bearer("nope"), WantStatus: http.StatusUnauthorized},
		{Name: "KeyDisabled", Method: http.MethodGet, Path: path, Header: bearer(disabledKey), WantStatus: http.StatusUnauthorized},
		{Name: "UserKey", Method: http.MethodGet, Path: path, Header: bearer(userKey), WantStatus: http.StatusForbidden},
		{Name: "NoPermission", Method: http.MethodGet, Path: path, Header: bearer(noPermKey), WantStatus: http.StatusForbidden},
		{Name: "Demoted", Method: http.MethodGet, Path: path, Header: bearer(demotedKey), WantStatus: http.StatusForbidden},
		{Name: "Suspended", Method: http.MethodGet, Path: path, Header: bearer(suspendedKey), WantStatus: http.StatusForbidden},
		{
			Name: "Internal", Method: http.MethodGet, Path: path, Header: bearer(adminKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.hosts.ListHostsFn = func(context.Context) ([]*dbplane.Host, error) {
					return nil, errors.New("select hosts: sqlite: disk I/O error")
				}
			},
			WantStatus: http.StatusInternalServerError, NotInBody: []string{"sqlite", "select hosts"},
			WantLog: []string{"request_id=" + requestID, "disk I/O error"},
		},
	})
}

func TestHostGet(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{
			Name: "ByUUID", Method: http.MethodGet, Path: "/api/admin/database-hosts/3f2b8c1e-6a0d-4c1e-9b3f-1d2e3f4a5b6c",
			Header: bearer(readOnlyKey), Setup: hostReturns("3f2b8c1e-6a0d-4c1e-9b3f-1d2e3f4a5b6c"),
			WantStatus: http.StatusOK, NotContains: hostSecrets,
		},
		{
			Name: "ByNumericID", Method: http.MethodGet, Path: "/api/admin/database-hosts/7",
			Header: bearer(readOnlyKey), Setup: hostReturns("7"), WantStatus: http.StatusOK,
		},
		{
			Name: "NotFound", Method: http.MethodGet, Path: "/api/admin/database-hosts/nope", Header: bearer(adminKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.hosts.HostFn = func(context.Context, string) (*dbplane.Host, error) {
					return nil, dbplane.Errorf(dbplane.CodeNotFound, "Database host not found")
				}
			},
			WantStatus: http.StatusNotFound,
		},
		{Name: "NoKey", Method: http.MethodGet, Path: "/api/admin/database-hosts/7", WantStatus: http.StatusUnauthorized},
	})
}

func TestHostCreate(t *testing.T) {
	t.Parallel()
	const path = "/api/admin/database-hosts"
	// Document 002's example body.
	const doc002 = `{"name":"MySQL Server 2","hostname":"mysql2.example.com","port":3306,"username":"pterodactyl",` +
		`"password":"` + hostPassword + `","database":"panel","nodeId":"node-uuid","maxDatabases":200}`
	runScenarios(t, []scenario{
		{
			Name: "Document002", Method: http.MethodPost, Path: path, Header: bearer(adminKey), Body: doc002,
			Setup: createHostApplies(func(t *testing.T, in dbplane.HostInput) {
				want := dbplane.HostInput{
					Name: ptr("MySQL Server 2"), Hostname: ptr("mysql2.example.com"), Port: ptr(3306),
					Username: ptr("pterodactyl"), Password: ptr(dbplane.Secret(hostPassword)), Database: ptr("panel"),
					NodeIDs: &[]string{"node-uuid"}, MaxDatabasesSet: true, MaxDatabases: ptr(200),
				}
				if diff := cmp.Diff(want, in); diff != "" {
					t.Errorf("CreateHost() input (-want +got):\n%s", diff)
				}
			}),
			WantStatus: http.StatusCreated, NotContains: hostSecrets,
		},
		{
			Name: "Extensions", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body: `{"name":"PG","engine":"postgres","hostname":"10.0.0.9","username":"dbplane","password":"` + hostPassword +
				`","publicHostname":"pg.example.com","publicPort":6432,"tls":"require","enabled":false,"maxDatabases":null,"nodeId":null}`,
			Setup: createHostApplies(func(t *testing.T, in dbplane.HostInput) {
				if !in.MaxDatabasesSet || in.MaxDatabases != nil {
					t.Errorf("CreateHost() maxDatabases = (%v, %v), want set to unlimited", in.MaxDatabasesSet, in.MaxDatabases)
				}
			}),
			WantStatus: http.StatusCreated, NotContains: hostSecrets,
		},
		{
			Name: "TLS", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body: `{"name":"TLS","hostname":"10.0.0.9","username":"dbplane","password":"` + hostPassword +
				`","tlsCA":` + jsonString(t, "# our CA\n"+hostCA(t)) + `,"tlsServerName":"db.internal"}`,
			Setup: createHostApplies(func(t *testing.T, in dbplane.HostInput) {
				if in.TLS != nil || in.TLSCA == nil || in.TLSServerName == nil || *in.TLSServerName != "db.internal" {
					t.Errorf("CreateHost() TLS input = %v, %v, %v", in.TLS, in.TLSCA, in.TLSServerName)
				}
			}),
			WantStatus: http.StatusCreated, NotContains: append(hostSecrets, "our CA"),
		},
		{
			Name: "PoolSize", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body: `{"name":"n","hostname":"h","username":"u","password":"` + hostPassword + `","poolSize":32}`,
			Setup: createHostApplies(func(t *testing.T, in dbplane.HostInput) {
				if in.PoolSize == nil || *in.PoolSize != 32 {
					t.Errorf("CreateHost() poolSize = %v, want 32", in.PoolSize)
				}
			}),
			WantStatus: http.StatusCreated, NotContains: hostSecrets,
		},
		{
			Name: "PoolSizeTooBig", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body:  `{"name":"n","hostname":"h","username":"u","password":"p","poolSize":1001}`,
			Setup: createHostApplies(nil), WantStatus: http.StatusUnprocessableEntity,
		},
		{
			Name: "PoolSizeNotANumber", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body: `{"name":"n","hostname":"h","username":"u","password":"p","poolSize":"8"}`, WantStatus: http.StatusBadRequest,
		},
		{
			Name: "GarbageTLSCA", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body:  `{"name":"n","hostname":"h","username":"u","password":"p","tlsCA":"not a certificate"}`,
			Setup: createHostApplies(nil), WantStatus: http.StatusUnprocessableEntity,
		},
		{
			Name: "TLSCAWithRequire", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body:  `{"name":"n","hostname":"h","username":"u","password":"p","tls":"require","tlsCA":` + jsonString(t, hostCA(t)) + `}`,
			Setup: createHostApplies(nil), WantStatus: http.StatusUnprocessableEntity,
		},
		{
			Name: "MissingName", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body:  `{"hostname":"h","username":"u","password":"` + hostPassword + `"}`,
			Setup: createHostApplies(nil), WantStatus: http.StatusUnprocessableEntity, NotContains: hostSecrets,
		},
		{
			Name: "BadPort", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body:  `{"name":"n","hostname":"h","username":"u","password":"p","port":70000}`,
			Setup: createHostApplies(nil), WantStatus: http.StatusUnprocessableEntity,
		},
		{
			Name: "NullName", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body: `{"name":null,"hostname":"h","username":"u","password":"p"}`, WantStatus: http.StatusUnprocessableEntity,
		},
		{
			Name: "ConnectionFails", Method: http.MethodPost, Path: path, Header: bearer(adminKey), Body: doc002,
			Setup: func(_ *testing.T, m *mocks) {
				m.hosts.CreateHostFn = func(context.Context, dbplane.HostInput) (*dbplane.Host, error) {
					return nil, &dbplane.Error{Code: dbplane.CodeInvalid,
						Message: "The host user lacks the CREATE USER privilege",
						Err:     errors.New("mariadb: check privileges: engine: access denied")}
				}
			},
			WantStatus: http.StatusUnprocessableEntity, NotContains: hostSecrets, NotInBody: []string{"engine:"},
		},
		{
			Name: "MissingPrivileges", Method: http.MethodPost, Path: path, Header: bearer(adminKey), Body: doc002,
			Setup: func(_ *testing.T, m *mocks) {
				m.hosts.CreateHostFn = func(context.Context, dbplane.HostInput) (*dbplane.Host, error) {
					t := dbplane.HostTest{Message: "Connected but the user lacks privileges", Grants: dbplane.AdminGrants(dbplane.EngineMariaDB, "pterodactyl", "")}
					return nil, &dbplane.Error{Code: dbplane.CodeInvalid, Message: t.Message, Err: &dbplane.HostCheckFailed{Test: t}}
				}
			},
			WantStatus: http.StatusUnprocessableEntity, NotContains: hostSecrets,
		},
		{
			Name: "Unavailable", Method: http.MethodPost, Path: path, Header: bearer(adminKey), Body: doc002,
			Setup: func(_ *testing.T, m *mocks) {
				m.hosts.CreateHostFn = func(context.Context, dbplane.HostInput) (*dbplane.Host, error) {
					return nil, dbplane.Wrap(dbplane.ErrHostUnavailable, errors.New("dial tcp 10.1.1.1:3306: i/o timeout"))
				}
			},
			WantStatus: http.StatusServiceUnavailable, NotContains: hostSecrets, NotInBody: []string{"10.1.1.1"},
			WantLog: []string{"10.1.1.1", "request_id=" + requestID},
		},
		{Name: "ReadOnlyKey", Method: http.MethodPost, Path: path, Header: bearer(readOnlyKey), Body: doc002, WantStatus: http.StatusForbidden},
		{Name: "UserKey", Method: http.MethodPost, Path: path, Header: bearer(userKey), Body: doc002, WantStatus: http.StatusForbidden},
		{Name: "BadJSON", Method: http.MethodPost, Path: path, Header: bearer(adminKey), Body: `{"name":`, WantStatus: http.StatusBadRequest},
		{Name: "EmptyBody", Method: http.MethodPost, Path: path, Header: bearer(adminKey), WantStatus: http.StatusBadRequest},
		{
			Name: "UnknownField", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body: `{"name":"n","rootPassword":"x"}`, WantStatus: http.StatusBadRequest,
		},
		{
			Name: "WrongType", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body: `{"name":"n","port":"3306"}`, WantStatus: http.StatusBadRequest,
		},
		{
			Name: "WrongTypeOptional", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body: `{"name":"n","maxDatabases":"lots"}`, WantStatus: http.StatusBadRequest,
		},
	})
}

func TestHostUpdate(t *testing.T) {
	t.Parallel()
	const path = "/api/admin/database-hosts/3f2b8c1e-6a0d-4c1e-9b3f-1d2e3f4a5b6c"
	runScenarios(t, []scenario{
		{
			Name: "MaxDatabases", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"maxDatabases":250}`,
			Setup: updateHostApplies(func(t *testing.T, in dbplane.HostInput) {
				want := dbplane.HostInput{MaxDatabasesSet: true, MaxDatabases: ptr(250)}
				if diff := cmp.Diff(want, in); diff != "" {
					t.Errorf("UpdateHost() input (-want +got):\n%s", diff)
				}
			}),
			WantStatus: http.StatusOK, NotContains: hostSecrets,
		},
		{
			Name: "NullsClear", Method: http.MethodPatch, Path: path, Header: bearer(adminKey),
			Body: `{"maxDatabases":null,"nodeId":null,"publicHostname":null,"publicPort":null,"database":null,"tlsCA":null,"tlsServerName":null,"poolSize":null}`,
			Setup: updateHostApplies(func(t *testing.T, in dbplane.HostInput) {
				want := dbplane.HostInput{MaxDatabasesSet: true, NodeIDs: &[]string{}, PublicHostname: ptr(""),
					PublicPort: ptr(0), Database: ptr(""), TLSCA: ptr(""), TLSServerName: ptr(""), PoolSize: ptr(0)}
				if diff := cmp.Diff(want, in); diff != "" {
					t.Errorf("UpdateHost() input (-want +got):\n%s", diff)
				}
			}),
			WantStatus: http.StatusOK,
		},
		{
			Name: "PoolSize", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"poolSize":1000}`,
			Setup: updateHostApplies(func(t *testing.T, in dbplane.HostInput) {
				if diff := cmp.Diff(dbplane.HostInput{PoolSize: ptr(1000)}, in); diff != "" {
					t.Errorf("UpdateHost() input (-want +got):\n%s", diff)
				}
			}),
			WantStatus: http.StatusOK,
		},
		{
			Name: "PoolSizeNegative", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"poolSize":-1}`,
			Setup: updateHostApplies(nil), WantStatus: http.StatusUnprocessableEntity,
		},
		{
			Name: "NodeIDsNullClears", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"nodeIds":null}`,
			Setup: updateHostApplies(func(t *testing.T, in dbplane.HostInput) {
				if diff := cmp.Diff(dbplane.HostInput{NodeIDs: &[]string{}}, in); diff != "" {
					t.Errorf("UpdateHost() input (-want +got):\n%s", diff)
				}
			}),
			WantStatus: http.StatusOK,
		},
		{
			Name: "SeveralNodes", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"nodeIds":["node-uuid","3"]}`,
			Setup: updateHostApplies(func(t *testing.T, in dbplane.HostInput) {
				if diff := cmp.Diff(dbplane.HostInput{NodeIDs: &[]string{"node-uuid", "3"}}, in); diff != "" {
					t.Errorf("UpdateHost() input (-want +got):\n%s", diff)
				}
			}),
			WantStatus: http.StatusOK,
		},
		{
			Name: "NodeIDAndNodeIDs", Method: http.MethodPatch, Path: path, Header: bearer(adminKey),
			Body: `{"nodeId":"node-uuid","nodeIds":["node-uuid"]}`, WantStatus: http.StatusUnprocessableEntity,
		},
		{
			Name: "NewPassword", Method: http.MethodPatch, Path: path, Header: bearer(adminKey),
			Body: `{"password":"An0therS3cret","enabled":false}`,
			Setup: updateHostApplies(func(t *testing.T, in dbplane.HostInput) {
				if in.Password == nil || *in.Password != "An0therS3cret" {
					t.Errorf("UpdateHost() password not passed through")
				}
			}),
			WantStatus: http.StatusOK, NotContains: []string{"An0therS3cret", hostPassword},
		},
		{
			Name: "NullPassword", Method: http.MethodPatch, Path: path, Header: bearer(adminKey),
			Body: `{"password":null}`, WantStatus: http.StatusUnprocessableEntity,
		},
		{
			Name: "EngineChange", Method: http.MethodPatch, Path: path, Header: bearer(adminKey),
			Body: `{"engine":"postgres"}`, Setup: updateHostApplies(nil), WantStatus: http.StatusUnprocessableEntity,
		},
		{
			Name: "NotFound", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{}`,
			Setup: func(_ *testing.T, m *mocks) {
				m.hosts.UpdateHostFn = func(context.Context, string, dbplane.HostInput) (*dbplane.Host, error) {
					return nil, dbplane.Errorf(dbplane.CodeNotFound, "Database host not found")
				}
			},
			WantStatus: http.StatusNotFound,
		},
		{Name: "ReadOnlyKey", Method: http.MethodPatch, Path: path, Header: bearer(readOnlyKey), Body: `{}`, WantStatus: http.StatusForbidden},
		{Name: "UnknownField", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"id":"x"}`, WantStatus: http.StatusBadRequest},
	})
}

func TestHostDelete(t *testing.T) {
	t.Parallel()
	const path = "/api/admin/database-hosts/7"
	deleteReturns := func(err error) func(*testing.T, *mocks) {
		return func(t *testing.T, m *mocks) {
			m.hosts.DeleteHostFn = func(_ context.Context, id string) error {
				if id != "7" {
					t.Errorf("DeleteHost(%q), want %q", id, "7")
				}
				return err
			}
		}
	}
	runScenarios(t, []scenario{
		{Name: "OK", Method: http.MethodDelete, Path: path, Header: bearer(adminKey), Setup: deleteReturns(nil), WantStatus: http.StatusNoContent},
		{
			Name: "HasDatabases", Method: http.MethodDelete, Path: path, Header: bearer(adminKey),
			Setup:      deleteReturns(dbplane.Errorf(dbplane.CodeConflict, "Host has 3 databases")),
			WantStatus: http.StatusConflict,
		},
		{
			Name: "NotFound", Method: http.MethodDelete, Path: path, Header: bearer(adminKey),
			Setup:      deleteReturns(dbplane.Errorf(dbplane.CodeNotFound, "Database host not found")),
			WantStatus: http.StatusNotFound,
		},
		{Name: "ReadOnlyKey", Method: http.MethodDelete, Path: path, Header: bearer(readOnlyKey), WantStatus: http.StatusForbidden},
	})
}

func TestHostTest(t *testing.T) {
	t.Parallel()
	const path = "/api/admin/database-hosts/7/test"
	testReturns := func(res dbplane.HostTest, err error) func(*testing.T, *mocks) {
		return func(_ *testing.T, m *mocks) {
			m.hosts.TestHostFn = func(context.Context, string) (dbplane.HostTest, error) { return res, err }
		}
	}
	runScenarios(t, []scenario{
		{
			Name: "Success", Method: http.MethodPost, Path: path, Header: bearer(readOnlyKey),
			Setup:      testReturns(dbplane.HostTest{Success: true, Message: "Connection successful"}, nil),
			WantStatus: http.StatusOK,
		},
		{
			Name: "MissingPrivilege", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Setup:      testReturns(dbplane.HostTest{Message: "Connected to MariaDB 11.4.2; missing privilege: CREATE USER"}, nil),
			WantStatus: http.StatusOK,
		},
		{
			Name: "MissingPrivilegeGrants", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Setup: testReturns(dbplane.HostTest{Message: "Connected to MariaDB 11.4.2 but the user lacks privileges",
				Grants: dbplane.AdminGrants(dbplane.EngineMariaDB, "pterodactyl", "")}, nil),
			WantStatus: http.StatusOK,
		},
		{
			Name: "NotFound", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Setup:      testReturns(dbplane.HostTest{}, dbplane.Errorf(dbplane.CodeNotFound, "Database host not found")),
			WantStatus: http.StatusNotFound,
		},
		{Name: "NoPermission", Method: http.MethodPost, Path: path, Header: bearer(noPermKey), WantStatus: http.StatusForbidden},
	})
}

func TestRoutes(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{Name: "Unknown", Method: http.MethodGet, Path: "/api/admin/nope", WantStatus: http.StatusNotFound},
		{Name: "UnknownWithKey", Method: http.MethodGet, Path: "/api/admin/webhooks", Header: bearer(adminKey), WantStatus: http.StatusNotFound},
		{Name: "Root", Method: http.MethodGet, Path: "/api/admin", WantStatus: http.StatusNotFound},
		{Name: "RootSlash", Method: http.MethodGet, Path: "/api/admin/", WantStatus: http.StatusNotFound},
		{Name: "TrailingSlash", Method: http.MethodGet, Path: "/api/admin/database-hosts/", WantStatus: http.StatusNotFound},
		{Name: "DoubleSlash", Method: http.MethodGet, Path: "/api/admin//database-hosts", WantStatus: http.StatusNotFound},
		{
			Name: "HostsWrongMethod", Method: http.MethodPut, Path: "/api/admin/database-hosts",
			WantStatus: http.StatusMethodNotAllowed, WantHeader: map[string]string{"Allow": "GET, HEAD, POST"},
		},
		{
			Name: "HostWrongMethod", Method: http.MethodPut, Path: "/api/admin/database-hosts/7",
			WantStatus: http.StatusMethodNotAllowed, WantHeader: map[string]string{"Allow": "GET, HEAD, PATCH, DELETE"},
		},
		{
			Name: "TestWrongMethod", Method: http.MethodGet, Path: "/api/admin/database-hosts/7/test",
			WantStatus: http.StatusMethodNotAllowed, WantHeader: map[string]string{"Allow": "POST"},
		},
		{
			Name: "AccountWrongMethod", Method: http.MethodPut, Path: "/api/admin/accounts/a1",
			WantStatus: http.StatusMethodNotAllowed, WantHeader: map[string]string{"Allow": "GET, HEAD, PATCH, DELETE"},
		},
		{
			Name: "KeyWrongMethod", Method: http.MethodGet, Path: "/api/admin/accounts/a1/keys/k1",
			WantStatus: http.StatusMethodNotAllowed, WantHeader: map[string]string{"Allow": "PATCH, DELETE"},
		},
		{
			Name: "AdminKeysWrongMethod", Method: http.MethodDelete, Path: "/api/admin/keys",
			WantStatus: http.StatusMethodNotAllowed, WantHeader: map[string]string{"Allow": "GET, HEAD, POST"},
		},
		{
			Name: "AdminKeyWrongMethod", Method: http.MethodGet, Path: "/api/admin/keys/k1",
			WantStatus: http.StatusMethodNotAllowed, WantHeader: map[string]string{"Allow": "PATCH, DELETE"},
		},
		{
			Name: "NodeWrongMethod", Method: http.MethodDelete, Path: "/api/admin/nodes/1",
			WantStatus: http.StatusMethodNotAllowed, WantHeader: map[string]string{"Allow": "GET, HEAD"},
		},
		{
			Name: "ServerWrongMethod", Method: http.MethodPut, Path: "/api/admin/servers/1",
			WantStatus: http.StatusMethodNotAllowed, WantHeader: map[string]string{"Allow": "GET, HEAD, PATCH, DELETE"},
		},
		{
			Name: "SubusersWrongMethod", Method: http.MethodPut, Path: "/api/admin/servers/1/subusers",
			WantStatus: http.StatusMethodNotAllowed, WantHeader: map[string]string{"Allow": "GET, HEAD, POST"},
		},
		{
			Name: "SubuserWrongMethod", Method: http.MethodGet, Path: "/api/admin/servers/1/subusers/a1",
			WantStatus: http.StatusMethodNotAllowed, WantHeader: map[string]string{"Allow": "PUT, DELETE"},
		},
		{
			Name: "DatabasesWrongMethod", Method: http.MethodPost, Path: "/api/admin/databases",
			WantStatus: http.StatusMethodNotAllowed, WantHeader: map[string]string{"Allow": "GET, HEAD"},
		},
		{
			Name: "DatabaseDisableWrongMethod", Method: http.MethodGet, Path: "/api/admin/databases/1/disable",
			WantStatus: http.StatusMethodNotAllowed, WantHeader: map[string]string{"Allow": "POST"},
		},
		{
			Name: "QuotaRefreshWrongMethod", Method: http.MethodGet, Path: "/api/admin/quota/refresh",
			WantStatus: http.StatusMethodNotAllowed, WantHeader: map[string]string{"Allow": "POST"},
		},
		{Name: "QuotaRoot", Method: http.MethodGet, Path: "/api/admin/quota", Header: bearer(adminKey), WantStatus: http.StatusNotFound},
	})
}
