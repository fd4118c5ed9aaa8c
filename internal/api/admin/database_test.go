package admin_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/google/go-cmp/cmp"
)

const (
	databaseID = "01HVDB00000000000000000001"
	dbPassword = "TenantDbPassw0rdNeverShown"
)

func fixtureDatabase() *dbplane.Database {
	return &dbplane.Database{
		ID: databaseID, NumericID: 41, AccountID: tenantID, ServerID: serverID, HostID: fixtureHost().ID,
		Engine: dbplane.EngineMariaDB, Label: "world", DBName: "s12_world", DBUser: "u12_aB3dE5gH7j", Remote: "%",
		MaxConnections: 10, SealedPassword: []byte("sealed-db-pw"), Status: dbplane.StatusActive,
		SizeBytes: 1048576, SizeRefreshedAt: &t1, CreatedAt: t0, UpdatedAt: t1,
	}
}

// databaseSecrets lists what no database body and no log line may hold.
var databaseSecrets = []string{dbPassword, "sealed", "password", adminKey}

var errDatabaseNotFound = dbplane.ErrDatabaseNotFound

func TestDatabaseList(t *testing.T) {
	t.Parallel()
	const path = "/api/admin/databases"
	list := func(want dbplane.DatabaseFilter) func(*testing.T, *mocks) {
		return func(t *testing.T, m *mocks) {
			m.databases.ListAllDatabasesFn = func(_ context.Context, f dbplane.DatabaseFilter) ([]*dbplane.Database, int, error) {
				if diff := cmp.Diff(want, f); diff != "" {
					t.Errorf("ListAllDatabases() filter (-want +got):\n%s", diff)
				}
				// A management API database (no server), being created.
				creating := fixtureDatabase()
				creating.ID, creating.NumericID, creating.ServerID, creating.Label = "01HVDB00000000000000000002", 42, "", "analytics"
				creating.DBName, creating.DBUser, creating.Status, creating.SizeBytes, creating.SizeRefreshedAt = "um_0000000000_1", "dum_0000000000_1", dbplane.StatusCreating, 0, nil
				// Disabled by an operator, and by the account's suspension.
				disabled := fixtureDatabase()
				disabled.ID, disabled.NumericID, disabled.Status = "01HVDB00000000000000000003", 43, dbplane.StatusDisabled
				disabled.AdminDisabled, disabled.SuspensionDisabled, disabled.OverQuota = true, true, true
				// Over quota on the store, not yet applied on the engine.
				pending := fixtureDatabase()
				pending.ID, pending.NumericID, pending.OverQuota = "01HVDB00000000000000000004", 44, true
				return []*dbplane.Database{fixtureDatabase(), creating, disabled, pending}, 4, nil
			}
		}
	}
	page1 := dbplane.Page{Page: 1, PerPage: 50}
	runScenarios(t, []scenario{
		{
			Name: "OK", Method: http.MethodGet, Path: path, Header: bearer(permKey("server_databases:read")),
			Setup: list(dbplane.DatabaseFilter{Page: page1}), WantStatus: http.StatusOK, NotContains: databaseSecrets,
		},
		{
			Name: "Filtered", Method: http.MethodGet,
			Path:   path + "?accountId=" + tenantID + "&hostId=7&serverId=d3f1a2b4&status=over_quota&page=3&perPage=10",
			Header: bearer(readOnlyKey),
			Setup: func(t *testing.T, m *mocks) {
				hostReturns("7")(t, m)
				serverReturns("d3f1a2b4")(t, m)
				list(dbplane.DatabaseFilter{AccountID: tenantID, HostID: fixtureHost().ID, ServerID: serverID,
					Status: dbplane.StatusOverQuota, Page: dbplane.Page{Page: 3, PerPage: 10}})(t, m)
			},
			WantStatus: http.StatusOK, NotContains: append(databaseSecrets, hostPassword),
		},
		{
			Name: "InternalStatus", Method: http.MethodGet, Path: path + "?status=failed", Header: bearer(readOnlyKey),
			Setup: list(dbplane.DatabaseFilter{Status: dbplane.StatusFailed, Page: page1}), WantStatus: http.StatusOK,
		},
		{Name: "BadStatus", Method: http.MethodGet, Path: path + "?status=broken", Header: bearer(readOnlyKey), WantStatus: http.StatusUnprocessableEntity},
		{Name: "BadPage", Method: http.MethodGet, Path: path + "?page=-1", Header: bearer(readOnlyKey), WantStatus: http.StatusUnprocessableEntity},
		{
			Name: "UnknownHost", Method: http.MethodGet, Path: path + "?hostId=99", Header: bearer(readOnlyKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.hosts.HostFn = func(context.Context, string) (*dbplane.Host, error) {
					return nil, dbplane.Errorf(dbplane.CodeNotFound, "Host not found")
				}
			},
			WantStatus: http.StatusUnprocessableEntity,
		},
		{
			Name: "UnknownServer", Method: http.MethodGet, Path: path + "?serverId=nope", Header: bearer(readOnlyKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.servers.ServerFn = func(context.Context, string) (*dbplane.Server, error) { return nil, errServerNotFound }
			},
			WantStatus: http.StatusUnprocessableEntity,
		},
		{Name: "HostsPermissionOnly", Method: http.MethodGet, Path: path, Header: bearer(permKey("database_hosts:read")), WantStatus: http.StatusForbidden},
		{Name: "UserKey", Method: http.MethodGet, Path: path, Header: bearer(userKey), WantStatus: http.StatusForbidden},
	})
}

func TestDatabaseGet(t *testing.T) {
	t.Parallel()
	get := func(want string) func(*testing.T, *mocks) {
		return func(t *testing.T, m *mocks) {
			m.databases.DatabaseFn = func(_ context.Context, ref string) (*dbplane.Database, error) {
				if ref != want {
					t.Errorf("Database(%q), want %q", ref, want)
				}
				return fixtureDatabase(), nil
			}
		}
	}
	runScenarios(t, []scenario{
		{Name: "ByULID", Method: http.MethodGet, Path: "/api/admin/databases/" + databaseID, Header: bearer(readOnlyKey), Setup: get(databaseID),
			WantStatus: http.StatusOK, NotContains: databaseSecrets},
		{Name: "ByNumericID", Method: http.MethodGet, Path: "/api/admin/databases/41", Header: bearer(readOnlyKey), Setup: get("41"), WantStatus: http.StatusOK},
		{
			// The drift field lists the kinds of the findings not repaired.
			Name: "WithDrift", Method: http.MethodGet, Path: "/api/admin/databases/41", Header: bearer(readOnlyKey),
			Setup: func(t *testing.T, m *mocks) {
				get("41")(t, m)
				m.drift.DatabaseDriftFn = func(_ context.Context, ids []string) (map[string][]dbplane.DriftKind, error) {
					if len(ids) != 1 || ids[0] != databaseID {
						t.Errorf("DatabaseDrift(%v), want [%s]", ids, databaseID)
					}
					return map[string][]dbplane.DriftKind{databaseID: {dbplane.DriftMissingDatabase, dbplane.DriftUnknownUser}}, nil
				}
			},
			WantStatus: http.StatusOK,
		},
		{
			Name: "NotFound", Method: http.MethodGet, Path: "/api/admin/databases/99", Header: bearer(readOnlyKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.databases.DatabaseFn = func(context.Context, string) (*dbplane.Database, error) { return nil, errDatabaseNotFound }
			},
			WantStatus: http.StatusNotFound,
		},
		{Name: "NoPermission", Method: http.MethodGet, Path: "/api/admin/databases/41", Header: bearer(noPermKey), WantStatus: http.StatusForbidden},
	})
}

func TestDatabaseDisable(t *testing.T) {
	t.Parallel()
	set := func(wantDisabled bool, suspended bool) func(*testing.T, *mocks) {
		return func(t *testing.T, m *mocks) {
			m.databases.SetDatabaseDisabledFn = func(_ context.Context, ref string, disabled bool) (*dbplane.Database, error) {
				if ref != "41" || disabled != wantDisabled {
					t.Errorf("SetDatabaseDisabled(%q, %v), want (41, %v)", ref, disabled, wantDisabled)
				}
				d := fixtureDatabase()
				d.AdminDisabled, d.SuspensionDisabled = disabled, suspended
				if d.DesiredStatus() == dbplane.StatusDisabled {
					d.Status = dbplane.StatusDisabled
				}
				return d, nil
			}
		}
	}
	runScenarios(t, []scenario{
		{Name: "Disable", Method: http.MethodPost, Path: "/api/admin/databases/41/disable", Header: bearer(permKey("server_databases:write")),
			Setup: set(true, false), WantStatus: http.StatusOK, NotContains: databaseSecrets},
		{Name: "Enable", Method: http.MethodPost, Path: "/api/admin/databases/41/enable", Header: bearer(adminKey),
			Setup: set(false, false), WantStatus: http.StatusOK},
		{Name: "EnableWhileSuspended", Method: http.MethodPost, Path: "/api/admin/databases/41/enable", Header: bearer(adminKey),
			Setup: set(false, true), WantStatus: http.StatusOK},
		{
			Name: "HostDown", Method: http.MethodPost, Path: "/api/admin/databases/41/disable", Header: bearer(adminKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.databases.SetDatabaseDisabledFn = func(context.Context, string, bool) (*dbplane.Database, error) {
					return nil, dbplane.Wrap(dbplane.ErrHostUnavailable, errDialSecret)
				}
			},
			WantStatus: http.StatusServiceUnavailable, NotInBody: []string{"10.0.0.5"},
		},
		{
			Name: "NotFound", Method: http.MethodPost, Path: "/api/admin/databases/99/disable", Header: bearer(adminKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.databases.SetDatabaseDisabledFn = func(context.Context, string, bool) (*dbplane.Database, error) { return nil, errDatabaseNotFound }
			},
			WantStatus: http.StatusNotFound,
		},
		{Name: "ReadOnlyKey", Method: http.MethodPost, Path: "/api/admin/databases/41/disable", Header: bearer(readOnlyKey), WantStatus: http.StatusForbidden},
		{Name: "EnableReadOnlyKey", Method: http.MethodPost, Path: "/api/admin/databases/41/enable", Header: bearer(readOnlyKey), WantStatus: http.StatusForbidden},
	})
}

// errDialSecret is a cause that belongs in the log only.
var errDialSecret = &dialError{}

type dialError struct{}

func (*dialError) Error() string { return "dial tcp 10.0.0.5:3306: connect: connection refused" }

func TestDatabaseDelete(t *testing.T) {
	t.Parallel()
	const path = "/api/admin/databases/" + databaseID
	del := func(err error) func(*testing.T, *mocks) {
		return func(t *testing.T, m *mocks) {
			m.databases.DeleteDatabaseFn = func(_ context.Context, ref string) error {
				if ref != databaseID {
					t.Errorf("DeleteDatabase(%q), want %q", ref, databaseID)
				}
				return err
			}
		}
	}
	runScenarios(t, []scenario{
		{Name: "OK", Method: http.MethodDelete, Path: path, Header: bearer(permKey("server_databases:write")), Setup: del(nil), WantStatus: http.StatusNoContent},
		{Name: "NotFound", Method: http.MethodDelete, Path: path, Header: bearer(adminKey), Setup: del(errDatabaseNotFound), WantStatus: http.StatusNotFound},
		{Name: "HostDown", Method: http.MethodDelete, Path: path, Header: bearer(adminKey), Setup: del(dbplane.ErrHostUnavailable), WantStatus: http.StatusServiceUnavailable},
		{Name: "ReadOnlyKey", Method: http.MethodDelete, Path: path, Header: bearer(readOnlyKey), WantStatus: http.StatusForbidden},
	})
}

func TestQuotaRefresh(t *testing.T) {
	t.Parallel()
	const path = "/api/admin/quota/refresh"
	runScenarios(t, []scenario{
		{
			Name: "OK", Method: http.MethodPost, Path: path, Header: bearer(permKey("server_databases:write")),
			Setup: func(_ *testing.T, m *mocks) {
				m.databases.RefreshQuotaFn = func(context.Context) (*dbplane.QuotaReport, error) {
					return &dbplane.QuotaReport{
						StartedAt: t1, Took: 1530 * time.Millisecond,
						Hosts: []dbplane.HostMeasurement{
							{HostID: fixtureHost().ID, HostName: "MySQL Server 1", Databases: 42, Took: 120 * time.Millisecond},
							{HostID: "7a6b5c4d-0000-4000-8000-000000000008", HostName: "Postgres 1", Error: "The database host cannot be reached", Took: 1400 * time.Millisecond},
						},
						Changed: []dbplane.StatusChange{
							{DatabaseID: databaseID, AccountID: tenantID, From: dbplane.StatusActive, To: dbplane.StatusOverQuota},
							{DatabaseID: "01HVDB00000000000000000005", AccountID: "01HVOTHER000000000000000", From: dbplane.StatusOverQuota, To: dbplane.StatusActive},
						},
					}, nil
				}
			},
			WantStatus: http.StatusOK,
		},
		{
			Name: "NothingToDo", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.databases.RefreshQuotaFn = func(context.Context) (*dbplane.QuotaReport, error) {
					return &dbplane.QuotaReport{StartedAt: t1}, nil
				}
			},
			WantStatus: http.StatusOK,
		},
		{
			Name: "StoreFails", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.databases.RefreshQuotaFn = func(context.Context) (*dbplane.QuotaReport, error) { return nil, errDialSecret }
			},
			WantStatus: http.StatusInternalServerError, NotInBody: []string{"10.0.0.5"}, WantLog: []string{"10.0.0.5"},
		},
		{Name: "ReadOnlyKey", Method: http.MethodPost, Path: path, Header: bearer(readOnlyKey), WantStatus: http.StatusForbidden},
		{Name: "AccountsWrite", Method: http.MethodPost, Path: path, Header: bearer(permKey("accounts:write")), WantStatus: http.StatusForbidden},
		{Name: "UserKey", Method: http.MethodPost, Path: path, Header: bearer(userKey), WantStatus: http.StatusForbidden},
	})
}
