package dbapi_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/google/go-cmp/cmp"
)

func fixtureDatabase() *dbplane.Database {
	return &dbplane.Database{
		ID: "01HVDB00000000000000000001", NumericID: 1, AccountID: account.ID, HostID: "host1",
		Engine: dbplane.EngineMariaDB, Label: "my-app", DBName: "um_0a1b2c3d4e_1", DBUser: "dum_0a1b2c3d4e_1",
		Remote: "%", SealedPassword: []byte("sealed-bytes"), Status: dbplane.StatusActive,
		SizeBytes: 1048576, SizeRefreshedAt: &t1, CreatedAt: t0, UpdatedAt: t1,
	}
}

func fixtureCredentials(pw string) *dbplane.Credentials {
	return &dbplane.Credentials{
		Database:         fixtureDatabase(),
		Host:             &dbplane.Host{ID: "host1", Hostname: "10.0.0.5", PublicHostname: "db.example.com", Port: 3306, Password: "host-admin-pw"},
		Password:         dbplane.Secret(pw),
		ConnectionString: dbplane.Secret("mysql://dum_0a1b2c3d4e_1:" + pw + "@db.example.com:3306/um_0a1b2c3d4e_1"),
	}
}

// secrets lists what no error or list body and no log line may hold.
var secrets = []string{password, password2, "sealed", "host-admin-pw", userKey, "10.0.0.5"}

func listReturns(dbs ...*dbplane.Database) func(*testing.T, *mocks) {
	return func(t *testing.T, m *mocks) {
		m.databases.ListDatabasesFn = func(_ context.Context, accountID string) ([]*dbplane.Database, error) {
			if accountID != account.ID {
				t.Errorf("ListDatabases(%q), want account %q", accountID, account.ID)
			}
			return dbs, nil
		}
	}
}

func createFails(err error) func(*testing.T, *mocks) {
	return func(_ *testing.T, m *mocks) {
		m.databases.CreateDatabaseFn = func(context.Context, dbplane.CreateDatabaseInput) (*dbplane.Credentials, error) {
			return nil, err
		}
	}
}

func TestDatabaseList(t *testing.T) {
	t.Parallel()
	never := fixtureDatabase()
	never.ID, never.Label, never.DBName, never.DBUser = "01HVDB00000000000000000002", "never-measured", "up_0a1b2c3d4e_1", "dup_0a1b2c3d4e_1"
	never.Engine, never.SizeBytes, never.SizeRefreshedAt = dbplane.EnginePostgres, 0, nil
	over := fixtureDatabase()
	over.ID, over.Label, over.Status = "01HVDB00000000000000000003", "over", dbplane.StatusOverQuota
	creating := fixtureDatabase()
	creating.ID, creating.Label, creating.Status = "01HVDB00000000000000000004", "in-progress", dbplane.StatusCreating
	disabled := fixtureDatabase()
	disabled.ID, disabled.Label, disabled.Status = "01HVDB00000000000000000005", "disabled", dbplane.StatusDisabled

	runScenarios(t, []scenario{
		{
			name: "OK", method: http.MethodGet, path: "/api/v1/db/databases", header: bearer(userKey),
			setup:      listReturns(fixtureDatabase(), never, over, creating, disabled),
			wantStatus: http.StatusOK, notContains: append(secrets, "password", "connectionString", `"creating"`),
		},
		{
			name: "Empty", method: http.MethodGet, path: "/api/v1/db/databases", header: bearer(userKey),
			setup: listReturns(), wantStatus: http.StatusOK,
		},
		{
			name: "TokenScheme", method: http.MethodGet, path: "/api/v1/db/databases",
			header: map[string]string{"Authorization": "Token " + userKey},
			setup:  listReturns(), wantStatus: http.StatusOK,
		},
		{
			name: "BareKey", method: http.MethodGet, path: "/api/v1/db/databases",
			header: map[string]string{"Authorization": userKey},
			setup:  listReturns(), wantStatus: http.StatusOK,
		},
		{
			name: "NoKey", method: http.MethodGet, path: "/api/v1/db/databases",
			wantStatus: http.StatusUnauthorized, wantHeader: map[string]string{"WWW-Authenticate": "Bearer"},
		},
		{
			name: "EmptyBearer", method: http.MethodGet, path: "/api/v1/db/databases",
			header: map[string]string{"Authorization": "Bearer   "}, wantStatus: http.StatusUnauthorized,
		},
		{
			name: "BadKey", method: http.MethodGet, path: "/api/v1/db/databases", header: bearer("dbp_nope"),
			wantStatus: http.StatusUnauthorized, notContains: []string{"dbp_nope"},
		},
		{
			name: "KeyDisabled", method: http.MethodGet, path: "/api/v1/db/databases", header: bearer(disabledKey),
			wantStatus: http.StatusUnauthorized,
		},
		{
			name: "KeyExpired", method: http.MethodGet, path: "/api/v1/db/databases", header: bearer(expiredKey),
			wantStatus: http.StatusUnauthorized,
		},
		{
			name: "AdminKey", method: http.MethodGet, path: "/api/v1/db/databases", header: bearer(adminKey),
			wantStatus: http.StatusForbidden,
		},
		{
			name: "Suspended", method: http.MethodGet, path: "/api/v1/db/databases", header: bearer(suspendedKey),
			wantStatus: http.StatusForbidden,
		},
		{
			name: "AuthInternal", method: http.MethodGet, path: "/api/v1/db/databases", header: bearer(userKey),
			setup: func(_ *testing.T, m *mocks) {
				m.keys.AuthenticateFn = func(context.Context, string) (*dbplane.APIKey, *dbplane.Account, error) {
					return nil, nil, errors.New("query keys: sqlite: database is locked (/var/lib/dbplane/meta.db)")
				}
			},
			wantStatus: http.StatusInternalServerError,
			wantLog:    []string{"request_id=" + requestID, "database is locked"},
		},
		{
			name: "AuthNoPrincipal", method: http.MethodGet, path: "/api/v1/db/databases", header: bearer(userKey),
			setup: func(_ *testing.T, m *mocks) {
				m.keys.AuthenticateFn = func(context.Context, string) (*dbplane.APIKey, *dbplane.Account, error) {
					return nil, nil, nil
				}
			},
			wantStatus: http.StatusInternalServerError,
		},
		{
			name: "RateLimited", method: http.MethodGet, path: "/api/v1/db/databases", header: bearer(userKey),
			setup: func(_ *testing.T, m *mocks) {
				m.databases.ListDatabasesFn = func(context.Context, string) ([]*dbplane.Database, error) {
					return nil, dbplane.Errorf(dbplane.CodeRateLimited, "Too many requests; try again in 3 seconds.")
				}
			},
			wantStatus: http.StatusTooManyRequests,
		},
		{
			name: "Internal", method: http.MethodGet, path: "/api/v1/db/databases", header: bearer(userKey),
			setup: func(_ *testing.T, m *mocks) {
				m.databases.ListDatabasesFn = func(context.Context, string) ([]*dbplane.Database, error) {
					return nil, &dbplane.Error{Code: dbplane.CodeInternal, Message: "select from databases: no such table",
						Err: errors.New("sqlite: no such table: databases")}
				}
			},
			wantStatus: http.StatusInternalServerError, notInBody: []string{"no such table", "select from", "sqlite"},
			wantLog: []string{"request_id=" + requestID, "level=ERROR"},
		},
	})
}

func TestDatabaseCreate(t *testing.T) {
	t.Parallel()
	const path = "/api/v1/db/databases"
	runScenarios(t, []scenario{
		{
			name: "OK", method: http.MethodPost, path: path, header: bearer(userKey),
			body: `{"name":"my-app","engine":"mariadb"}`,
			setup: func(t *testing.T, m *mocks) {
				m.databases.CreateDatabaseFn = func(_ context.Context, in dbplane.CreateDatabaseInput) (*dbplane.Credentials, error) {
					want := dbplane.CreateDatabaseInput{AccountID: account.ID, Label: "my-app", Engine: "mariadb"}
					if diff := cmp.Diff(want, in); diff != "" {
						t.Errorf("CreateDatabase() input (-want +got):\n%s", diff)
					}
					return fixtureCredentials(password), nil
				}
			},
			wantStatus:  http.StatusCreated,
			notContains: []string{"sealed", "host-admin-pw", "sizeBytes", userKey},
		},
		{
			name: "DefaultEngine", method: http.MethodPost, path: path, header: bearer(userKey),
			body: `{"name":"my-app"}`,
			setup: func(t *testing.T, m *mocks) {
				m.databases.CreateDatabaseFn = func(_ context.Context, in dbplane.CreateDatabaseInput) (*dbplane.Credentials, error) {
					if in.Engine != "" {
						t.Errorf("CreateDatabase() engine = %q, want \"\" (the service defaults to mariadb)", in.Engine)
					}
					return fixtureCredentials(password), nil
				}
			},
			wantStatus: http.StatusCreated,
		},
		{
			name: "InvalidName", method: http.MethodPost, path: path, header: bearer(userKey),
			body: `{"name":"-bad"}`, setup: createFails(dbplane.ValidateLabel("-bad")),
			wantStatus: http.StatusBadRequest, notContains: secrets,
		},
		{
			name: "NameTooLong", method: http.MethodPost, path: path, header: bearer(userKey),
			body: `{"name":"` + strings.Repeat("a", 64) + `"}`, setup: createFails(dbplane.ValidateLabel(strings.Repeat("a", 64))),
			wantStatus: http.StatusBadRequest,
		},
		{
			name: "EngineDisabled", method: http.MethodPost, path: path, header: bearer(userKey),
			body: `{"name":"my-app","engine":"mongo"}`, setup: createFails(dbplane.ErrEngineDisabled),
			wantStatus: http.StatusBadRequest,
		},
		{
			name: "UnknownEngine", method: http.MethodPost, path: path, header: bearer(userKey),
			body: `{"name":"my-app","engine":"oracle"}`,
			setup: func(_ *testing.T, m *mocks) {
				m.databases.CreateDatabaseFn = func(_ context.Context, in dbplane.CreateDatabaseInput) (*dbplane.Credentials, error) {
					_, err := dbplane.ParseEngine("engine", in.Engine)
					return nil, err
				}
			},
			wantStatus: http.StatusBadRequest,
		},
		{
			name: "OutOfSlots", method: http.MethodPost, path: path, header: bearer(userKey),
			body: `{"name":"my-app"}`, setup: createFails(dbplane.ErrOutOfSlots), wantStatus: http.StatusPaymentRequired,
		},
		{
			name: "OutOfStorage", method: http.MethodPost, path: path, header: bearer(userKey),
			body: `{"name":"my-app"}`, setup: createFails(dbplane.ErrOutOfStorage), wantStatus: http.StatusPaymentRequired,
		},
		{
			name: "HostFull", method: http.MethodPost, path: path, header: bearer(userKey),
			body: `{"name":"my-app"}`, setup: createFails(dbplane.ErrHostFull), wantStatus: http.StatusServiceUnavailable,
		},
		{
			name: "HostUnavailable", method: http.MethodPost, path: path, header: bearer(userKey),
			body:       `{"name":"my-app"}`,
			setup:      createFails(dbplane.Wrap(dbplane.ErrHostUnavailable, errors.New("mariadb: ensure database: dial tcp 10.0.0.5:3306: connection refused"))),
			wantStatus: http.StatusServiceUnavailable, wantLog: []string{"request_id=" + requestID, "connection refused", "level=WARN"},
		},
		{
			name: "Duplicate", method: http.MethodPost, path: path, header: bearer(userKey),
			body: `{"name":"my-app"}`, setup: createFails(dbplane.ErrDuplicateLabel), wantStatus: http.StatusConflict,
		},
		{
			name: "SuspendedByService", method: http.MethodPost, path: path, header: bearer(userKey),
			body: `{"name":"my-app"}`, setup: createFails(dbplane.ErrAccountSuspended), wantStatus: http.StatusForbidden,
		},
		{
			name: "Internal", method: http.MethodPost, path: path, header: bearer(userKey),
			body: `{"name":"my-app"}`, setup: createFails(errors.New("insert database: constraint failed")),
			wantStatus: http.StatusInternalServerError, notInBody: []string{"insert database", "constraint"},
			wantLog: []string{"insert database: constraint failed"},
		},
		{
			name: "NilCredentials", method: http.MethodPost, path: path, header: bearer(userKey),
			body: `{"name":"my-app"}`, setup: createFails(nil), wantStatus: http.StatusInternalServerError,
		},
		{
			name: "BadJSON", method: http.MethodPost, path: path, header: bearer(userKey),
			body: `{"name":`, wantStatus: http.StatusBadRequest,
		},
		{
			name: "UnknownField", method: http.MethodPost, path: path, header: bearer(userKey),
			body: `{"name":"my-app","remote":"%"}`, wantStatus: http.StatusBadRequest,
		},
		{
			name: "WrongType", method: http.MethodPost, path: path, header: bearer(userKey),
			body: `{"name":5}`, wantStatus: http.StatusBadRequest,
		},
		{
			name: "EngineWrongType", method: http.MethodPost, path: path, header: bearer(userKey),
			body: `{"name":"my-app","engine":5}`, wantStatus: http.StatusBadRequest,
		},
		{
			name: "EmptyBody", method: http.MethodPost, path: path, header: bearer(userKey),
			wantStatus: http.StatusBadRequest,
		},
		{
			name: "TwoValues", method: http.MethodPost, path: path, header: bearer(userKey),
			body: `{"name":"a"}{"name":"b"}`, wantStatus: http.StatusBadRequest,
		},
		{
			name: "TooLarge", method: http.MethodPost, path: path, header: bearer(userKey),
			body: `{"name":"` + strings.Repeat("a", 1<<20) + `"}`, wantStatus: http.StatusBadRequest,
		},
		{
			name: "NoKeyBeforeBody", method: http.MethodPost, path: path, body: `{"name":`,
			wantStatus: http.StatusUnauthorized,
		},
		{
			name: "BadKey", method: http.MethodPost, path: path, header: bearer("nope"), body: `{"name":"a"}`,
			wantStatus: http.StatusUnauthorized,
		},
		{
			name: "Suspended", method: http.MethodPost, path: path, header: bearer(suspendedKey), body: `{"name":"a"}`,
			wantStatus: http.StatusForbidden,
		},
	})
}

func TestDatabaseReveal(t *testing.T) {
	t.Parallel()
	const path = "/api/v1/db/databases/01HVDB00000000000000000001"
	runScenarios(t, []scenario{
		{
			name: "OK", method: http.MethodGet, path: path, header: bearer(userKey),
			setup: func(t *testing.T, m *mocks) {
				m.databases.RevealDatabaseFn = func(_ context.Context, accountID, id string) (*dbplane.Credentials, error) {
					if accountID != account.ID || id != "01HVDB00000000000000000001" {
						t.Errorf("RevealDatabase(%q, %q), want (%q, %q)", accountID, id, account.ID, "01HVDB00000000000000000001")
					}
					return fixtureCredentials(password), nil
				}
			},
			wantStatus: http.StatusOK, notContains: []string{"sealed", "host-admin-pw", userKey},
		},
		{
			name: "NeverMeasured", method: http.MethodGet, path: path, header: bearer(userKey),
			setup: func(_ *testing.T, m *mocks) {
				m.databases.RevealDatabaseFn = func(context.Context, string, string) (*dbplane.Credentials, error) {
					c := fixtureCredentials(password)
					c.Database.SizeRefreshedAt, c.Database.SizeBytes, c.Database.Status = nil, 0, dbplane.StatusFailed
					return c, nil
				}
			},
			wantStatus: http.StatusOK,
		},
		{
			name: "NotFound", method: http.MethodGet, path: path, header: bearer(userKey),
			setup: func(_ *testing.T, m *mocks) {
				m.databases.RevealDatabaseFn = func(context.Context, string, string) (*dbplane.Credentials, error) {
					return nil, dbplane.ErrDatabaseNotFound
				}
			},
			wantStatus: http.StatusNotFound, notContains: secrets,
		},
		{
			name: "NoKey", method: http.MethodGet, path: path, wantStatus: http.StatusUnauthorized,
		},
		{
			name: "Unavailable", method: http.MethodGet, path: path, header: bearer(userKey),
			setup: func(_ *testing.T, m *mocks) {
				m.databases.RevealDatabaseFn = func(context.Context, string, string) (*dbplane.Credentials, error) {
					return nil, dbplane.Errorf(dbplane.CodeUnavailable, "The secret key is not loaded")
				}
			},
			wantStatus: http.StatusServiceUnavailable,
		},
	})
}

func TestDatabaseRotate(t *testing.T) {
	t.Parallel()
	const path = "/api/v1/db/databases/01HVDB00000000000000000001/rotate"
	runScenarios(t, []scenario{
		{
			name: "OK", method: http.MethodPost, path: path, header: bearer(userKey),
			setup: func(t *testing.T, m *mocks) {
				m.databases.RotatePasswordFn = func(_ context.Context, accountID, id string) (*dbplane.Credentials, error) {
					if accountID != account.ID || id != "01HVDB00000000000000000001" {
						t.Errorf("RotatePassword(%q, %q), want (%q, %q)", accountID, id, account.ID, "01HVDB00000000000000000001")
					}
					return fixtureCredentials(password2), nil
				}
			},
			wantStatus: http.StatusOK, notContains: []string{password, "sealed", "sizeBytes", userKey},
		},
		{
			name: "BodyIgnored", method: http.MethodPost, path: path, header: bearer(userKey), body: `{"x":1}`,
			setup: func(_ *testing.T, m *mocks) {
				m.databases.RotatePasswordFn = func(context.Context, string, string) (*dbplane.Credentials, error) {
					return fixtureCredentials(password2), nil
				}
			},
			wantStatus: http.StatusOK,
		},
		{
			name: "NotFound", method: http.MethodPost, path: path, header: bearer(userKey),
			setup: func(_ *testing.T, m *mocks) {
				m.databases.RotatePasswordFn = func(context.Context, string, string) (*dbplane.Credentials, error) {
					return nil, dbplane.ErrDatabaseNotFound
				}
			},
			wantStatus: http.StatusNotFound,
		},
		{
			name: "HostUnavailable", method: http.MethodPost, path: path, header: bearer(userKey),
			setup: func(_ *testing.T, m *mocks) {
				m.databases.RotatePasswordFn = func(context.Context, string, string) (*dbplane.Credentials, error) {
					return nil, dbplane.Wrap(dbplane.ErrHostUnavailable, errors.New("postgres: set password: i/o timeout"))
				}
			},
			wantStatus: http.StatusServiceUnavailable, notInBody: []string{"i/o timeout", "postgres:"},
			wantLog: []string{"i/o timeout"},
		},
		{
			name: "BadKey", method: http.MethodPost, path: path, header: bearer("nope"), wantStatus: http.StatusUnauthorized,
		},
		{
			name: "KeyDisabled", method: http.MethodPost, path: path, header: bearer(disabledKey), wantStatus: http.StatusUnauthorized,
		},
	})
}

func TestRoutes(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{name: "UnknownRoute", method: http.MethodGet, path: "/api/v1/db/nope", wantStatus: http.StatusNotFound},
		{name: "UnknownRouteWithKey", method: http.MethodGet, path: "/api/v1/db/nope", header: bearer(userKey), wantStatus: http.StatusNotFound},
		{name: "Root", method: http.MethodGet, path: "/api/v1/db", wantStatus: http.StatusNotFound},
		{name: "RootSlash", method: http.MethodGet, path: "/api/v1/db/", wantStatus: http.StatusNotFound},
		{name: "TrailingSlash", method: http.MethodGet, path: "/api/v1/db/databases/", wantStatus: http.StatusNotFound},
		{name: "DoubleSlash", method: http.MethodGet, path: "/api/v1/db//databases", wantStatus: http.StatusNotFound},
		{name: "DotDot", method: http.MethodGet, path: "/api/v1/db/databases/../databases", wantStatus: http.StatusNotFound},
		{name: "DeepPath", method: http.MethodPost, path: "/api/v1/db/databases/x/rotate/now", wantStatus: http.StatusNotFound},
		{
			name: "ListWrongMethod", method: http.MethodDelete, path: "/api/v1/db/databases",
			wantStatus: http.StatusMethodNotAllowed, wantHeader: map[string]string{"Allow": "GET, HEAD, POST"},
		},
		{
			name: "RevealWrongMethod", method: http.MethodDelete, path: "/api/v1/db/databases/01HV",
			wantStatus: http.StatusMethodNotAllowed, wantHeader: map[string]string{"Allow": "GET, HEAD"},
		},
		{
			name: "RotateWrongMethod", method: http.MethodGet, path: "/api/v1/db/databases/01HV/rotate",
			wantStatus: http.StatusMethodNotAllowed, wantHeader: map[string]string{"Allow": "POST"},
		},
	})
}

func TestClientGone(t *testing.T) {
	t.Parallel()
	m := newMocks()
	m.databases.ListDatabasesFn = func(ctx context.Context, _ string) ([]*dbplane.Database, error) {
		return nil, ctx.Err()
	}
	h := newHandler(m)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := newRequest(ctx, http.MethodGet, "/api/v1/db/databases", userKey)
	w := record(h, r)
	if w.Body.Len() != 0 {
		t.Errorf("GET /api/v1/db/databases with the client gone wrote %q, want nothing", w.Body)
	}
}
