package admin_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/google/go-cmp/cmp"
)

const hostPassword = "H0stAdminS3cretPassw0rd"

func ptr[T any](v T) *T { return &v }

func fixtureHost() *dbplane.Host {
	return &dbplane.Host{
		ID: "3f2b8c1e-6a0d-4c1e-9b3f-1d2e3f4a5b6c", NumericID: 7, Name: "MySQL Server 1",
		Engine: dbplane.EngineMariaDB, Hostname: "mysql.internal", Port: 3306, Username: "pterodactyl",
		Password: hostPassword, SealedPassword: []byte("sealed-host-pw"), Database: "panel",
		PublicHostname: "mysql.example.com", TLS: dbplane.TLSPrefer, NodeID: "node-uuid",
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
	unlinked.Engine, unlinked.Port, unlinked.NodeID, unlinked.MaxDatabases = dbplane.EnginePostgres, 5432, "", nil
	unlinked.PublicHostname, unlinked.Database, unlinked.TLS, unlinked.Enabled = "", "", dbplane.TLSRequire, false
	runScenarios(t, []scenario{
		{
			name: "OK", method: http.MethodGet, path: path, header: bearer(adminKey),
			setup: func(_ *testing.T, m *mocks) {
				m.hosts.ListHostsFn = func(context.Context) ([]*dbplane.Host, error) {
					return []*dbplane.Host{fixtureHost(), unlinked}, nil
				}
			},
			wantStatus: http.StatusOK, notContains: hostSecrets,
		},
		{
			name: "Empty", method: http.MethodGet, path: path, header: bearer(readOnlyKey),
			setup: func(_ *testing.T, m *mocks) {
				m.hosts.ListHostsFn = func(context.Context) ([]*dbplane.Host, error) { return nil, nil }
			},
			wantStatus: http.StatusOK,
		},
		{name: "NoKey", method: http.MethodGet, path: path, wantStatus: http.StatusUnauthorized,
			wantHeader: map[string]string{"WWW-Authenticate": "Bearer"}},
		{name: "BadKey", method: http.MethodGet, path: path, header: bearer("nope"), wantStatus: http.StatusUnauthorized},
		{name: "KeyDisabled", method: http.MethodGet, path: path, header: bearer(disabledKey), wantStatus: http.StatusUnauthorized},
		{name: "UserKey", method: http.MethodGet, path: path, header: bearer(userKey), wantStatus: http.StatusForbidden},
		{name: "NoPermission", method: http.MethodGet, path: path, header: bearer(noPermKey), wantStatus: http.StatusForbidden},
		{name: "Demoted", method: http.MethodGet, path: path, header: bearer(demotedKey), wantStatus: http.StatusForbidden},
		{name: "Suspended", method: http.MethodGet, path: path, header: bearer(suspendedKey), wantStatus: http.StatusForbidden},
		{
			name: "Internal", method: http.MethodGet, path: path, header: bearer(adminKey),
			setup: func(_ *testing.T, m *mocks) {
				m.hosts.ListHostsFn = func(context.Context) ([]*dbplane.Host, error) {
					return nil, errors.New("select hosts: sqlite: disk I/O error")
				}
			},
			wantStatus: http.StatusInternalServerError, notInBody: []string{"sqlite", "select hosts"},
			wantLog: []string{"request_id=" + requestID, "disk I/O error"},
		},
	})
}

func TestHostGet(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{
			name: "ByUUID", method: http.MethodGet, path: "/api/admin/database-hosts/3f2b8c1e-6a0d-4c1e-9b3f-1d2e3f4a5b6c",
			header: bearer(readOnlyKey), setup: hostReturns("3f2b8c1e-6a0d-4c1e-9b3f-1d2e3f4a5b6c"),
			wantStatus: http.StatusOK, notContains: hostSecrets,
		},
		{
			name: "ByNumericID", method: http.MethodGet, path: "/api/admin/database-hosts/7",
			header: bearer(readOnlyKey), setup: hostReturns("7"), wantStatus: http.StatusOK,
		},
		{
			name: "NotFound", method: http.MethodGet, path: "/api/admin/database-hosts/nope", header: bearer(adminKey),
			setup: func(_ *testing.T, m *mocks) {
				m.hosts.HostFn = func(context.Context, string) (*dbplane.Host, error) {
					return nil, dbplane.Errorf(dbplane.CodeNotFound, "Database host not found")
				}
			},
			wantStatus: http.StatusNotFound,
		},
		{name: "NoKey", method: http.MethodGet, path: "/api/admin/database-hosts/7", wantStatus: http.StatusUnauthorized},
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
			name: "Document002", method: http.MethodPost, path: path, header: bearer(adminKey), body: doc002,
			setup: createHostApplies(func(t *testing.T, in dbplane.HostInput) {
				want := dbplane.HostInput{
					Name: ptr("MySQL Server 2"), Hostname: ptr("mysql2.example.com"), Port: ptr(3306),
					Username: ptr("pterodactyl"), Password: ptr(dbplane.Secret(hostPassword)), Database: ptr("panel"),
					NodeID: ptr("node-uuid"), MaxDatabasesSet: true, MaxDatabases: ptr(200),
				}
				if diff := cmp.Diff(want, in); diff != "" {
					t.Errorf("CreateHost() input (-want +got):\n%s", diff)
				}
			}),
			wantStatus: http.StatusCreated, notContains: hostSecrets,
		},
		{
			name: "Extensions", method: http.MethodPost, path: path, header: bearer(adminKey),
			body: `{"name":"PG","engine":"postgres","hostname":"10.0.0.9","username":"dbplane","password":"` + hostPassword +
				`","publicHostname":"pg.example.com","publicPort":6432,"tls":"require","enabled":false,"maxDatabases":null,"nodeId":null}`,
			setup: createHostApplies(func(t *testing.T, in dbplane.HostInput) {
				if !in.MaxDatabasesSet || in.MaxDatabases != nil {
					t.Errorf("CreateHost() maxDatabases = (%v, %v), want set to unlimited", in.MaxDatabasesSet, in.MaxDatabases)
				}
			}),
			wantStatus: http.StatusCreated, notContains: hostSecrets,
		},
		{
			name: "MissingName", method: http.MethodPost, path: path, header: bearer(adminKey),
			body:  `{"hostname":"h","username":"u","password":"` + hostPassword + `"}`,
			setup: createHostApplies(nil), wantStatus: http.StatusUnprocessableEntity, notContains: hostSecrets,
		},
		{
			name: "BadPort", method: http.MethodPost, path: path, header: bearer(adminKey),
			body:  `{"name":"n","hostname":"h","username":"u","password":"p","port":70000}`,
			setup: createHostApplies(nil), wantStatus: http.StatusUnprocessableEntity,
		},
		{
			name: "NullName", method: http.MethodPost, path: path, header: bearer(adminKey),
			body: `{"name":null,"hostname":"h","username":"u","password":"p"}`, wantStatus: http.StatusUnprocessableEntity,
		},
		{
			name: "ConnectionFails", method: http.MethodPost, path: path, header: bearer(adminKey), body: doc002,
			setup: func(_ *testing.T, m *mocks) {
				m.hosts.CreateHostFn = func(context.Context, dbplane.HostInput) (*dbplane.Host, error) {
					return nil, &dbplane.Error{Code: dbplane.CodeInvalid,
						Message: "The host user lacks the CREATE USER privilege",
						Err:     errors.New("mariadb: check privileges: engine: access denied")}
				}
			},
			wantStatus: http.StatusUnprocessableEntity, notContains: hostSecrets, notInBody: []string{"engine:"},
		},
		{
			name: "Unavailable", method: http.MethodPost, path: path, header: bearer(adminKey), body: doc002,
			setup: func(_ *testing.T, m *mocks) {
				m.hosts.CreateHostFn = func(context.Context, dbplane.HostInput) (*dbplane.Host, error) {
					return nil, dbplane.Wrap(dbplane.ErrHostUnavailable, errors.New("dial tcp 10.1.1.1:3306: i/o timeout"))
				}
			},
			wantStatus: http.StatusServiceUnavailable, notContains: hostSecrets, notInBody: []string{"10.1.1.1"},
			wantLog: []string{"10.1.1.1", "request_id=" + requestID},
		},
		{name: "ReadOnlyKey", method: http.MethodPost, path: path, header: bearer(readOnlyKey), body: doc002, wantStatus: http.StatusForbidden},
		{name: "UserKey", method: http.MethodPost, path: path, header: bearer(userKey), body: doc002, wantStatus: http.StatusForbidden},
		{name: "BadJSON", method: http.MethodPost, path: path, header: bearer(adminKey), body: `{"name":`, wantStatus: http.StatusBadRequest},
		{name: "EmptyBody", method: http.MethodPost, path: path, header: bearer(adminKey), wantStatus: http.StatusBadRequest},
		{
			name: "UnknownField", method: http.MethodPost, path: path, header: bearer(adminKey),
			body: `{"name":"n","rootPassword":"x"}`, wantStatus: http.StatusBadRequest,
		},
		{
			name: "WrongType", method: http.MethodPost, path: path, header: bearer(adminKey),
			body: `{"name":"n","port":"3306"}`, wantStatus: http.StatusBadRequest,
		},
		{
			name: "WrongTypeOptional", method: http.MethodPost, path: path, header: bearer(adminKey),
			body: `{"name":"n","maxDatabases":"lots"}`, wantStatus: http.StatusBadRequest,
		},
	})
}

func TestHostUpdate(t *testing.T) {
	t.Parallel()
	const path = "/api/admin/database-hosts/3f2b8c1e-6a0d-4c1e-9b3f-1d2e3f4a5b6c"
	runScenarios(t, []scenario{
		{
			name: "MaxDatabases", method: http.MethodPatch, path: path, header: bearer(adminKey), body: `{"maxDatabases":250}`,
			setup: updateHostApplies(func(t *testing.T, in dbplane.HostInput) {
				want := dbplane.HostInput{MaxDatabasesSet: true, MaxDatabases: ptr(250)}
				if diff := cmp.Diff(want, in); diff != "" {
					t.Errorf("UpdateHost() input (-want +got):\n%s", diff)
				}
			}),
			wantStatus: http.StatusOK, notContains: hostSecrets,
		},
		{
			name: "NullsClear", method: http.MethodPatch, path: path, header: bearer(adminKey),
			body: `{"maxDatabases":null,"nodeId":null,"publicHostname":null,"publicPort":null,"database":null}`,
			setup: updateHostApplies(func(t *testing.T, in dbplane.HostInput) {
				want := dbplane.HostInput{MaxDatabasesSet: true, NodeID: ptr(""), PublicHostname: ptr(""),
					PublicPort: ptr(0), Database: ptr("")}
				if diff := cmp.Diff(want, in); diff != "" {
					t.Errorf("UpdateHost() input (-want +got):\n%s", diff)
				}
			}),
			wantStatus: http.StatusOK,
		},
		{
			name: "NewPassword", method: http.MethodPatch, path: path, header: bearer(adminKey),
			body: `{"password":"An0therS3cret","enabled":false}`,
			setup: updateHostApplies(func(t *testing.T, in dbplane.HostInput) {
				if in.Password == nil || *in.Password != "An0therS3cret" {
					t.Errorf("UpdateHost() password not passed through")
				}
			}),
			wantStatus: http.StatusOK, notContains: []string{"An0therS3cret", hostPassword},
		},
		{
			name: "NullPassword", method: http.MethodPatch, path: path, header: bearer(adminKey),
			body: `{"password":null}`, wantStatus: http.StatusUnprocessableEntity,
		},
		{
			name: "EngineChange", method: http.MethodPatch, path: path, header: bearer(adminKey),
			body: `{"engine":"postgres"}`, setup: updateHostApplies(nil), wantStatus: http.StatusUnprocessableEntity,
		},
		{
			name: "NotFound", method: http.MethodPatch, path: path, header: bearer(adminKey), body: `{}`,
			setup: func(_ *testing.T, m *mocks) {
				m.hosts.UpdateHostFn = func(context.Context, string, dbplane.HostInput) (*dbplane.Host, error) {
					return nil, dbplane.Errorf(dbplane.CodeNotFound, "Database host not found")
				}
			},
			wantStatus: http.StatusNotFound,
		},
		{name: "ReadOnlyKey", method: http.MethodPatch, path: path, header: bearer(readOnlyKey), body: `{}`, wantStatus: http.StatusForbidden},
		{name: "UnknownField", method: http.MethodPatch, path: path, header: bearer(adminKey), body: `{"id":"x"}`, wantStatus: http.StatusBadRequest},
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
		{name: "OK", method: http.MethodDelete, path: path, header: bearer(adminKey), setup: deleteReturns(nil), wantStatus: http.StatusNoContent},
		{
			name: "HasDatabases", method: http.MethodDelete, path: path, header: bearer(adminKey),
			setup:      deleteReturns(dbplane.Errorf(dbplane.CodeConflict, "Host has 3 databases")),
			wantStatus: http.StatusConflict,
		},
		{
			name: "NotFound", method: http.MethodDelete, path: path, header: bearer(adminKey),
			setup:      deleteReturns(dbplane.Errorf(dbplane.CodeNotFound, "Database host not found")),
			wantStatus: http.StatusNotFound,
		},
		{name: "ReadOnlyKey", method: http.MethodDelete, path: path, header: bearer(readOnlyKey), wantStatus: http.StatusForbidden},
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
			name: "Success", method: http.MethodPost, path: path, header: bearer(readOnlyKey),
			setup:      testReturns(dbplane.HostTest{Success: true, Message: "Connection successful"}, nil),
			wantStatus: http.StatusOK,
		},
		{
			name: "MissingPrivilege", method: http.MethodPost, path: path, header: bearer(adminKey),
			setup:      testReturns(dbplane.HostTest{Message: "Connected to MariaDB 11.4.2; missing privilege: CREATE USER"}, nil),
			wantStatus: http.StatusOK,
		},
		{
			name: "NotFound", method: http.MethodPost, path: path, header: bearer(adminKey),
			setup:      testReturns(dbplane.HostTest{}, dbplane.Errorf(dbplane.CodeNotFound, "Database host not found")),
			wantStatus: http.StatusNotFound,
		},
		{name: "NoPermission", method: http.MethodPost, path: path, header: bearer(noPermKey), wantStatus: http.StatusForbidden},
	})
}

func TestRoutes(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{name: "Unknown", method: http.MethodGet, path: "/api/admin/nope", wantStatus: http.StatusNotFound},
		{name: "UnknownWithKey", method: http.MethodGet, path: "/api/admin/audit", header: bearer(adminKey), wantStatus: http.StatusNotFound},
		{name: "Root", method: http.MethodGet, path: "/api/admin", wantStatus: http.StatusNotFound},
		{name: "RootSlash", method: http.MethodGet, path: "/api/admin/", wantStatus: http.StatusNotFound},
		{name: "TrailingSlash", method: http.MethodGet, path: "/api/admin/database-hosts/", wantStatus: http.StatusNotFound},
		{name: "DoubleSlash", method: http.MethodGet, path: "/api/admin//database-hosts", wantStatus: http.StatusNotFound},
		{
			name: "HostsWrongMethod", method: http.MethodPut, path: "/api/admin/database-hosts",
			wantStatus: http.StatusMethodNotAllowed, wantHeader: map[string]string{"Allow": "GET, HEAD, POST"},
		},
		{
			name: "HostWrongMethod", method: http.MethodPut, path: "/api/admin/database-hosts/7",
			wantStatus: http.StatusMethodNotAllowed, wantHeader: map[string]string{"Allow": "GET, HEAD, PATCH, DELETE"},
		},
		{
			name: "TestWrongMethod", method: http.MethodGet, path: "/api/admin/database-hosts/7/test",
			wantStatus: http.StatusMethodNotAllowed, wantHeader: map[string]string{"Allow": "POST"},
		},
		{
			name: "AccountWrongMethod", method: http.MethodDelete, path: "/api/admin/accounts/a1",
			wantStatus: http.StatusMethodNotAllowed, wantHeader: map[string]string{"Allow": "GET, HEAD, PATCH"},
		},
		{
			name: "KeyWrongMethod", method: http.MethodGet, path: "/api/admin/accounts/a1/keys/k1",
			wantStatus: http.StatusMethodNotAllowed, wantHeader: map[string]string{"Allow": "PATCH, DELETE"},
		},
		{
			name: "AdminKeysWrongMethod", method: http.MethodDelete, path: "/api/admin/keys",
			wantStatus: http.StatusMethodNotAllowed, wantHeader: map[string]string{"Allow": "GET, HEAD, POST"},
		},
		{
			name: "AdminKeyWrongMethod", method: http.MethodGet, path: "/api/admin/keys/k1",
			wantStatus: http.StatusMethodNotAllowed, wantHeader: map[string]string{"Allow": "PATCH, DELETE"},
		},
		{
			name: "NodeWrongMethod", method: http.MethodDelete, path: "/api/admin/nodes/1",
			wantStatus: http.StatusMethodNotAllowed, wantHeader: map[string]string{"Allow": "GET, HEAD"},
		},
		{
			name: "ServerWrongMethod", method: http.MethodPut, path: "/api/admin/servers/1",
			wantStatus: http.StatusMethodNotAllowed, wantHeader: map[string]string{"Allow": "GET, HEAD, PATCH, DELETE"},
		},
		{
			name: "SubusersWrongMethod", method: http.MethodPut, path: "/api/admin/servers/1/subusers",
			wantStatus: http.StatusMethodNotAllowed, wantHeader: map[string]string{"Allow": "GET, HEAD, POST"},
		},
		{
			name: "SubuserWrongMethod", method: http.MethodGet, path: "/api/admin/servers/1/subusers/a1",
			wantStatus: http.StatusMethodNotAllowed, wantHeader: map[string]string{"Allow": "PUT, DELETE"},
		},
		{
			name: "DatabasesWrongMethod", method: http.MethodPost, path: "/api/admin/databases",
			wantStatus: http.StatusMethodNotAllowed, wantHeader: map[string]string{"Allow": "GET, HEAD"},
		},
		{
			name: "DatabaseDisableWrongMethod", method: http.MethodGet, path: "/api/admin/databases/1/disable",
			wantStatus: http.StatusMethodNotAllowed, wantHeader: map[string]string{"Allow": "POST"},
		},
		{
			name: "QuotaRefreshWrongMethod", method: http.MethodGet, path: "/api/admin/quota/refresh",
			wantStatus: http.StatusMethodNotAllowed, wantHeader: map[string]string{"Allow": "POST"},
		},
		{name: "QuotaRoot", method: http.MethodGet, path: "/api/admin/quota", header: bearer(adminKey), wantStatus: http.StatusNotFound},
	})
}
