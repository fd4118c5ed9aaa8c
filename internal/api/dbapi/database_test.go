package dbapi_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/store"
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
			Name: "OK", Method: http.MethodGet, Path: "/api/v1/db/databases", Header: bearer(userKey),
			Setup:      listReturns(fixtureDatabase(), never, over, creating, disabled),
			WantStatus: http.StatusOK, NotContains: append(secrets, "password", "connectionString", `"creating"`),
		},
		{
			Name: "Empty", Method: http.MethodGet, Path: "/api/v1/db/databases", Header: bearer(userKey),
			Setup: listReturns(), WantStatus: http.StatusOK,
		},
		{
			Name: "TokenScheme", Method: http.MethodGet, Path: "/api/v1/db/databases",
			Header: map[string]string{"Authorization": "Token " + userKey},
			Setup:  listReturns(), WantStatus: http.StatusOK,
		},
		{
			Name: "BareKey", Method: http.MethodGet, Path: "/api/v1/db/databases",
			Header: map[string]string{"Authorization": userKey},
			Setup:  listReturns(), WantStatus: http.StatusOK,
		},
		{
			Name: "NoKey", Method: http.MethodGet, Path: "/api/v1/db/databases",
			WantStatus: http.StatusUnauthorized, WantHeader: map[string]string{"WWW-Authenticate": "Bearer"},
		},
		{
			Name: "EmptyBearer", Method: http.MethodGet, Path: "/api/v1/db/databases",
			Header: map[string]string{"Authorization": "Bearer   "}, WantStatus: http.StatusUnauthorized,
		},
		{
			Name: "BadKey", Method: http.MethodGet, Path: "/api/v1/db/databases", Header: bearer("dbp_nope"),
			WantStatus: http.StatusUnauthorized, NotContains: []string{"dbp_nope"},
		},
		{
			Name: "KeyDisabled", Method: http.MethodGet, Path: "/api/v1/db/databases", Header: bearer(disabledKey),
			WantStatus: http.StatusUnauthorized,
		},
		{
			Name: "KeyExpired", Method: http.MethodGet, Path: "/api/v1/db/databases", Header: bearer(expiredKey),
			WantStatus: http.StatusUnauthorized,
		},
		{
			Name: "AdminKey", Method: http.MethodGet, Path: "/api/v1/db/databases", Header: bearer(adminKey),
			WantStatus: http.StatusForbidden,
		},
		{
			Name: "Suspended", Method: http.MethodGet, Path: "/api/v1/db/databases", Header: bearer(suspendedKey),
			WantStatus: http.StatusForbidden,
		},
		{
			Name: "AuthInternal", Method: http.MethodGet, Path: "/api/v1/db/databases", Header: bearer(userKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.keys.AuthenticateFn = func(context.Context, string, string) (*dbplane.APIKey, *dbplane.Account, error) {
					return nil, nil, errors.New("query keys: sqlite: database is locked (/var/lib/dbplane/meta.db)")
				}
			},
			WantStatus: http.StatusInternalServerError,
			WantLog:    []string{"request_id=" + requestID, "database is locked"},
		},
		{
			Name: "AuthNoPrincipal", Method: http.MethodGet, Path: "/api/v1/db/databases", Header: bearer(userKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.keys.AuthenticateFn = func(context.Context, string, string) (*dbplane.APIKey, *dbplane.Account, error) {
					return nil, nil, nil
				}
			},
			WantStatus: http.StatusInternalServerError,
		},
		{
			Name: "RateLimited", Method: http.MethodGet, Path: "/api/v1/db/databases", Header: bearer(userKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.databases.ListDatabasesFn = func(context.Context, string) ([]*dbplane.Database, error) {
					return nil, dbplane.Errorf(dbplane.CodeRateLimited, "Too many requests; try again in 3 seconds.")
				}
			},
			WantStatus: http.StatusTooManyRequests,
		},
		{
			Name: "Internal", Method: http.MethodGet, Path: "/api/v1/db/databases", Header: bearer(userKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.databases.ListDatabasesFn = func(context.Context, string) ([]*dbplane.Database, error) {
					return nil, &dbplane.Error{Code: dbplane.CodeInternal, Message: "select from databases: no such table",
						Err: errors.New("sqlite: no such table: databases")}
				}
			},
			WantStatus: http.StatusInternalServerError, NotInBody: []string{"no such table", "select from", "sqlite"},
			WantLog: []string{"request_id=" + requestID, "level=ERROR"},
		},
	})
}

func TestDatabaseCreate(t *testing.T) {
	t.Parallel()
	const path = "/api/v1/db/databases"
	runScenarios(t, []scenario{
		{
			Name: "OK", Method: http.MethodPost, Path: path, Header: bearer(userKey),
			Body: `{"name":"my-app","engine":"mariadb"}`,
			Setup: func(t *testing.T, m *mocks) {
				m.databases.CreateDatabaseFn = func(_ context.Context, in dbplane.CreateDatabaseInput) (*dbplane.Credentials, error) {
					want := dbplane.CreateDatabaseInput{AccountID: account.ID, Label: "my-app", Engine: "mariadb"}
					if diff := cmp.Diff(want, in); diff != "" {
						t.Errorf("CreateDatabase() input (-want +got):\n%s", diff)
					}
					return fixtureCredentials(password), nil
				}
			},
			WantStatus:  http.StatusCreated,
			NotContains: []string{"sealed", "host-admin-pw", "sizeBytes", userKey},
		},
		{
			Name: "DefaultEngine", Method: http.MethodPost, Path: path, Header: bearer(userKey),
			Body: `{"name":"my-app"}`,
			Setup: func(t *testing.T, m *mocks) {
				m.databases.CreateDatabaseFn = func(_ context.Context, in dbplane.CreateDatabaseInput) (*dbplane.Credentials, error) {
					if in.Engine != "" {
						t.Errorf("CreateDatabase() engine = %q, want \"\" (the service defaults to mariadb)", in.Engine)
					}
					return fixtureCredentials(password), nil
				}
			},
			WantStatus: http.StatusCreated,
		},
		{
			Name: "InvalidName", Method: http.MethodPost, Path: path, Header: bearer(userKey),
			Body: `{"name":"-bad"}`, Setup: createFails(dbplane.ValidateLabel("-bad")),
			WantStatus: http.StatusBadRequest, NotContains: secrets,
		},
		{
			Name: "NameTooLong", Method: http.MethodPost, Path: path, Header: bearer(userKey),
			Body: `{"name":"` + strings.Repeat("a", 64) + `"}`, Setup: createFails(dbplane.ValidateLabel(strings.Repeat("a", 64))),
			WantStatus: http.StatusBadRequest,
		},
		{
			Name: "EngineDisabled", Method: http.MethodPost, Path: path, Header: bearer(userKey),
			Body: `{"name":"my-app","engine":"mongo"}`, Setup: createFails(dbplane.ErrEngineDisabled),
			WantStatus: http.StatusBadRequest,
		},
		{
			Name: "UnknownEngine", Method: http.MethodPost, Path: path, Header: bearer(userKey),
			Body: `{"name":"my-app","engine":"oracle"}`,
			Setup: func(_ *testing.T, m *mocks) {
				m.databases.CreateDatabaseFn = func(_ context.Context, in dbplane.CreateDatabaseInput) (*dbplane.Credentials, error) {
					_, err := dbplane.ParseEngine("engine", in.Engine)
					return nil, err
				}
			},
			WantStatus: http.StatusBadRequest,
		},
		{
			Name: "OutOfSlots", Method: http.MethodPost, Path: path, Header: bearer(userKey),
			Body: `{"name":"my-app"}`, Setup: createFails(dbplane.ErrOutOfSlots), WantStatus: http.StatusPaymentRequired,
		},
		{
			Name: "OutOfStorage", Method: http.MethodPost, Path: path, Header: bearer(userKey),
			Body: `{"name":"my-app"}`, Setup: createFails(dbplane.ErrOutOfStorage), WantStatus: http.StatusPaymentRequired,
		},
		{
			Name: "HostFull", Method: http.MethodPost, Path: path, Header: bearer(userKey),
			Body: `{"name":"my-app"}`, Setup: createFails(dbplane.ErrHostFull), WantStatus: http.StatusServiceUnavailable,
		},
		{
			Name: "HostUnavailable", Method: http.MethodPost, Path: path, Header: bearer(userKey),
			Body:       `{"name":"my-app"}`,
			Setup:      createFails(dbplane.Wrap(dbplane.ErrHostUnavailable, errors.New("mariadb: ensure database: dial tcp 10.0.0.5:3306: connection refused"))),
			WantStatus: http.StatusServiceUnavailable, WantLog: []string{"request_id=" + requestID, "connection refused", "level=WARN"},
		},
		{
			Name: "Duplicate", Method: http.MethodPost, Path: path, Header: bearer(userKey),
			Body: `{"name":"my-app"}`, Setup: createFails(dbplane.ErrDuplicateLabel), WantStatus: http.StatusConflict,
		},
		{
			Name: "SuspendedByService", Method: http.MethodPost, Path: path, Header: bearer(userKey),
			Body: `{"name":"my-app"}`, Setup: createFails(dbplane.ErrAccountSuspended), WantStatus: http.StatusForbidden,
		},
		{
			Name: "Internal", Method: http.MethodPost, Path: path, Header: bearer(userKey),
			Body: `{"name":"my-app"}`, Setup: createFails(errors.New("insert database: constraint failed")),
			WantStatus: http.StatusInternalServerError, NotInBody: []string{"insert database", "constraint"},
			WantLog: []string{"insert database: constraint failed"},
		},
		{
			Name: "NilCredentials", Method: http.MethodPost, Path: path, Header: bearer(userKey),
			Body: `{"name":"my-app"}`, Setup: createFails(nil), WantStatus: http.StatusInternalServerError,
		},
		{
			Name: "BadJSON", Method: http.MethodPost, Path: path, Header: bearer(userKey),
			Body: `{"name":`, WantStatus: http.StatusBadRequest,
		},
		{
			Name: "UnknownField", Method: http.MethodPost, Path: path, Header: bearer(userKey),
			Body: `{"name":"my-app","remote":"%"}`, WantStatus: http.StatusBadRequest,
		},
		{
			Name: "WrongType", Method: http.MethodPost, Path: path, Header: bearer(userKey),
			Body: `{"name":5}`, WantStatus: http.StatusBadRequest,
		},
		{
			Name: "EngineWrongType", Method: http.MethodPost, Path: path, Header: bearer(userKey),
			Body: `{"name":"my-app","engine":5}`, WantStatus: http.StatusBadRequest,
		},
		{
			Name: "EmptyBody", Method: http.MethodPost, Path: path, Header: bearer(userKey),
			WantStatus: http.StatusBadRequest,
		},
		{
			// null is no object: refused as such (this surface's one status
			// for bad input is 400), not read as an object without a name.
			Name: "NullBody", Method: http.MethodPost, Path: path, Header: bearer(userKey),
			Body: `null`, WantStatus: http.StatusBadRequest,
		},
		{
			Name: "TwoValues", Method: http.MethodPost, Path: path, Header: bearer(userKey),
			Body: `{"name":"a"}{"name":"b"}`, WantStatus: http.StatusBadRequest,
		},
		{
			Name: "TooLarge", Method: http.MethodPost, Path: path, Header: bearer(userKey),
			Body: `{"name":"` + strings.Repeat("a", 1<<20) + `"}`, WantStatus: http.StatusBadRequest,
		},
		{
			Name: "NoKeyBeforeBody", Method: http.MethodPost, Path: path, Body: `{"name":`,
			WantStatus: http.StatusUnauthorized,
		},
		{
			Name: "BadKey", Method: http.MethodPost, Path: path, Header: bearer("nope"), Body: `{"name":"a"}`,
			WantStatus: http.StatusUnauthorized,
		},
		{
			Name: "Suspended", Method: http.MethodPost, Path: path, Header: bearer(suspendedKey), Body: `{"name":"a"}`,
			WantStatus: http.StatusForbidden,
		},
	})
}

func TestDatabaseReveal(t *testing.T) {
	t.Parallel()
	const path = "/api/v1/db/databases/01HVDB00000000000000000001"
	runScenarios(t, []scenario{
		{
			Name: "OK", Method: http.MethodGet, Path: path, Header: bearer(userKey),
			Setup: func(t *testing.T, m *mocks) {
				m.databases.RevealDatabaseFn = func(_ context.Context, accountID, id string) (*dbplane.Credentials, error) {
					if accountID != account.ID || id != "01HVDB00000000000000000001" {
						t.Errorf("RevealDatabase(%q, %q), want (%q, %q)", accountID, id, account.ID, "01HVDB00000000000000000001")
					}
					return fixtureCredentials(password), nil
				}
			},
			WantStatus: http.StatusOK, NotContains: []string{"sealed", "host-admin-pw", userKey},
		},
		{
			Name: "NeverMeasured", Method: http.MethodGet, Path: path, Header: bearer(userKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.databases.RevealDatabaseFn = func(context.Context, string, string) (*dbplane.Credentials, error) {
					c := fixtureCredentials(password)
					c.Database.SizeRefreshedAt, c.Database.SizeBytes, c.Database.Status = nil, 0, dbplane.StatusFailed
					return c, nil
				}
			},
			WantStatus: http.StatusOK,
		},
		{
			Name: "NotFound", Method: http.MethodGet, Path: path, Header: bearer(userKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.databases.RevealDatabaseFn = func(context.Context, string, string) (*dbplane.Credentials, error) {
					return nil, dbplane.ErrDatabaseNotFound
				}
			},
			WantStatus: http.StatusNotFound, NotContains: secrets,
		},
		{
			Name: "NoKey", Method: http.MethodGet, Path: path, WantStatus: http.StatusUnauthorized,
		},
		{
			Name: "Unavailable", Method: http.MethodGet, Path: path, Header: bearer(userKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.databases.RevealDatabaseFn = func(context.Context, string, string) (*dbplane.Credentials, error) {
					return nil, dbplane.Errorf(dbplane.CodeUnavailable, "The secret key is not loaded")
				}
			},
			WantStatus: http.StatusServiceUnavailable,
		},
	})
}

func TestDatabaseRotate(t *testing.T) {
	t.Parallel()
	const path = "/api/v1/db/databases/01HVDB00000000000000000001/rotate"
	runScenarios(t, []scenario{
		{
			Name: "OK", Method: http.MethodPost, Path: path, Header: bearer(userKey),
			Setup: func(t *testing.T, m *mocks) {
				m.databases.RotatePasswordFn = func(_ context.Context, accountID, id string) (*dbplane.Credentials, error) {
					if accountID != account.ID || id != "01HVDB00000000000000000001" {
						t.Errorf("RotatePassword(%q, %q), want (%q, %q)", accountID, id, account.ID, "01HVDB00000000000000000001")
					}
					return fixtureCredentials(password2), nil
				}
			},
			WantStatus: http.StatusOK, NotContains: []string{password, "sealed", "sizeBytes", userKey},
		},
		{
			Name: "BodyIgnored", Method: http.MethodPost, Path: path, Header: bearer(userKey), Body: `{"x":1}`,
			Setup: func(_ *testing.T, m *mocks) {
				m.databases.RotatePasswordFn = func(context.Context, string, string) (*dbplane.Credentials, error) {
					return fixtureCredentials(password2), nil
				}
			},
			WantStatus: http.StatusOK,
		},
		{
			Name: "NotFound", Method: http.MethodPost, Path: path, Header: bearer(userKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.databases.RotatePasswordFn = func(context.Context, string, string) (*dbplane.Credentials, error) {
					return nil, dbplane.ErrDatabaseNotFound
				}
			},
			WantStatus: http.StatusNotFound,
		},
		{
			Name: "HostUnavailable", Method: http.MethodPost, Path: path, Header: bearer(userKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.databases.RotatePasswordFn = func(context.Context, string, string) (*dbplane.Credentials, error) {
					return nil, dbplane.Wrap(dbplane.ErrHostUnavailable, errors.New("postgres: set password: i/o timeout"))
				}
			},
			WantStatus: http.StatusServiceUnavailable, NotInBody: []string{"i/o timeout", "postgres:"},
			WantLog: []string{"i/o timeout"},
		},
		{
			// Another change to the database in flight (its create, a drop,
			// or a change another replica holds; the host is up): the
			// service's store.ErrBusy. Documented as it stands: 503 with the
			// code HOST_UNAVAILABLE and a message that says what it is
			// (docs/api-management.md, Errors). Never 409, which document
			// 003 keeps for a duplicate name.
			Name: "Busy", Method: http.MethodPost, Path: path, Header: bearer(userKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.databases.RotatePasswordFn = func(context.Context, string, string) (*dbplane.Credentials, error) {
					return nil, store.ErrBusy
				}
			},
			WantStatus: http.StatusServiceUnavailable,
			WantLog:    []string{"code=HOST_UNAVAILABLE"},
		},
		{
			// The request's change was taken over by the reconciler (it
			// outlived its lease): the same answer.
			Name: "LeaseLost", Method: http.MethodPost, Path: path, Header: bearer(userKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.databases.RotatePasswordFn = func(context.Context, string, string) (*dbplane.Credentials, error) {
					return nil, store.ErrLeaseLost
				}
			},
			WantStatus: http.StatusServiceUnavailable,
		},
		{
			Name: "BadKey", Method: http.MethodPost, Path: path, Header: bearer("nope"), WantStatus: http.StatusUnauthorized,
		},
		{
			Name: "KeyDisabled", Method: http.MethodPost, Path: path, Header: bearer(disabledKey), WantStatus: http.StatusUnauthorized,
		},
	})
}

func TestRoutes(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{Name: "UnknownRoute", Method: http.MethodGet, Path: "/api/v1/db/nope", WantStatus: http.StatusNotFound},
		{Name: "UnknownRouteWithKey", Method: http.MethodGet, Path: "/api/v1/db/nope", Header: bearer(userKey), WantStatus: http.StatusNotFound},
		{Name: "Root", Method: http.MethodGet, Path: "/api/v1/db", WantStatus: http.StatusNotFound},
		{Name: "RootSlash", Method: http.MethodGet, Path: "/api/v1/db/", WantStatus: http.StatusNotFound},
		{Name: "TrailingSlash", Method: http.MethodGet, Path: "/api/v1/db/databases/", WantStatus: http.StatusNotFound},
		{Name: "DoubleSlash", Method: http.MethodGet, Path: "/api/v1/db//databases", WantStatus: http.StatusNotFound},
		{Name: "DotDot", Method: http.MethodGet, Path: "/api/v1/db/databases/../databases", WantStatus: http.StatusNotFound},
		{Name: "DeepPath", Method: http.MethodPost, Path: "/api/v1/db/databases/x/rotate/now", WantStatus: http.StatusNotFound},
		{
			Name: "ListWrongMethod", Method: http.MethodDelete, Path: "/api/v1/db/databases",
			WantStatus: http.StatusMethodNotAllowed, WantHeader: map[string]string{"Allow": "GET, HEAD, POST"},
		},
		{
			Name: "RevealWrongMethod", Method: http.MethodDelete, Path: "/api/v1/db/databases/01HV",
			WantStatus: http.StatusMethodNotAllowed, WantHeader: map[string]string{"Allow": "GET, HEAD"},
		},
		{
			Name: "RotateWrongMethod", Method: http.MethodGet, Path: "/api/v1/db/databases/01HV/rotate",
			WantStatus: http.StatusMethodNotAllowed, WantHeader: map[string]string{"Allow": "POST"},
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
