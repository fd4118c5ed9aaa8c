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
			name: "OK", method: http.MethodGet, path: path, header: bearer(permKey("server_databases:read")),
			setup: list(dbplane.DatabaseFilter{Page: page1}), wantStatus: http.StatusOK, notContains: databaseSecrets,
		},
		{
			name: "Filtered", method: http.MethodGet,
			path:   path + "?accountId=" + tenantID + "&hostId=7&serverId=d3f1a2b4&status=over_quota&page=3&perPage=10",
			header: bearer(readOnlyKey),
			setup: func(t *testing.T, m *mocks) {
				hostReturns("7")(t, m)
				serverReturns("d3f1a2b4")(t, m)
				list(dbplane.DatabaseFilter{AccountID: tenantID, HostID: fixtureHost().ID, ServerID: serverID,
					Status: dbplane.StatusOverQuota, Page: dbplane.Page{Page: 3, PerPage: 10}})(t, m)
			},
			wantStatus: http.StatusOK, notContains: append(databaseSecrets, hostPassword),
		},
		{
			name: "InternalStatus", method: http.MethodGet, path: path + "?status=failed", header: bearer(readOnlyKey),
			setup: list(dbplane.DatabaseFilter{Status: dbplane.StatusFailed, Page: page1}), wantStatus: http.StatusOK,
		},
		{name: "BadStatus", method: http.MethodGet, path: path + "?status=broken", header: bearer(readOnlyKey), wantStatus: http.StatusUnprocessableEntity},
		{name: "BadPage", method: http.MethodGet, path: path + "?page=-1", header: bearer(readOnlyKey), wantStatus: http.StatusUnprocessableEntity},
		{
			name: "UnknownHost", method: http.MethodGet, path: path + "?hostId=99", header: bearer(readOnlyKey),
			setup: func(_ *testing.T, m *mocks) {
				m.hosts.HostFn = func(context.Context, string) (*dbplane.Host, error) {
					return nil, dbplane.Errorf(dbplane.CodeNotFound, "Host not found")
				}
			},
			wantStatus: http.StatusUnprocessableEntity,
		},
		{
			name: "UnknownServer", method: http.MethodGet, path: path + "?serverId=nope", header: bearer(readOnlyKey),
			setup: func(_ *testing.T, m *mocks) {
				m.servers.ServerFn = func(context.Context, string) (*dbplane.Server, error) { return nil, errServerNotFound }
			},
			wantStatus: http.StatusUnprocessableEntity,
		},
		{name: "HostsPermissionOnly", method: http.MethodGet, path: path, header: bearer(permKey("database_hosts:read")), wantStatus: http.StatusForbidden},
		{name: "UserKey", method: http.MethodGet, path: path, header: bearer(userKey), wantStatus: http.StatusForbidden},
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
		{name: "ByULID", method: http.MethodGet, path: "/api/admin/databases/" + databaseID, header: bearer(readOnlyKey), setup: get(databaseID),
			wantStatus: http.StatusOK, notContains: databaseSecrets},
		{name: "ByNumericID", method: http.MethodGet, path: "/api/admin/databases/41", header: bearer(readOnlyKey), setup: get("41"), wantStatus: http.StatusOK},
		{
			name: "NotFound", method: http.MethodGet, path: "/api/admin/databases/99", header: bearer(readOnlyKey),
			setup: func(_ *testing.T, m *mocks) {
				m.databases.DatabaseFn = func(context.Context, string) (*dbplane.Database, error) { return nil, errDatabaseNotFound }
			},
			wantStatus: http.StatusNotFound,
		},
		{name: "NoPermission", method: http.MethodGet, path: "/api/admin/databases/41", header: bearer(noPermKey), wantStatus: http.StatusForbidden},
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
		{name: "Disable", method: http.MethodPost, path: "/api/admin/databases/41/disable", header: bearer(permKey("server_databases:write")),
			setup: set(true, false), wantStatus: http.StatusOK, notContains: databaseSecrets},
		{name: "Enable", method: http.MethodPost, path: "/api/admin/databases/41/enable", header: bearer(adminKey),
			setup: set(false, false), wantStatus: http.StatusOK},
		{name: "EnableWhileSuspended", method: http.MethodPost, path: "/api/admin/databases/41/enable", header: bearer(adminKey),
			setup: set(false, true), wantStatus: http.StatusOK},
		{
			name: "HostDown", method: http.MethodPost, path: "/api/admin/databases/41/disable", header: bearer(adminKey),
			setup: func(_ *testing.T, m *mocks) {
				m.databases.SetDatabaseDisabledFn = func(context.Context, string, bool) (*dbplane.Database, error) {
					return nil, dbplane.Wrap(dbplane.ErrHostUnavailable, errDialSecret)
				}
			},
			wantStatus: http.StatusServiceUnavailable, notInBody: []string{"10.0.0.5"},
		},
		{
			name: "NotFound", method: http.MethodPost, path: "/api/admin/databases/99/disable", header: bearer(adminKey),
			setup: func(_ *testing.T, m *mocks) {
				m.databases.SetDatabaseDisabledFn = func(context.Context, string, bool) (*dbplane.Database, error) { return nil, errDatabaseNotFound }
			},
			wantStatus: http.StatusNotFound,
		},
		{name: "ReadOnlyKey", method: http.MethodPost, path: "/api/admin/databases/41/disable", header: bearer(readOnlyKey), wantStatus: http.StatusForbidden},
		{name: "EnableReadOnlyKey", method: http.MethodPost, path: "/api/admin/databases/41/enable", header: bearer(readOnlyKey), wantStatus: http.StatusForbidden},
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
		{name: "OK", method: http.MethodDelete, path: path, header: bearer(permKey("server_databases:write")), setup: del(nil), wantStatus: http.StatusNoContent},
		{name: "NotFound", method: http.MethodDelete, path: path, header: bearer(adminKey), setup: del(errDatabaseNotFound), wantStatus: http.StatusNotFound},
		{name: "HostDown", method: http.MethodDelete, path: path, header: bearer(adminKey), setup: del(dbplane.ErrHostUnavailable), wantStatus: http.StatusServiceUnavailable},
		{name: "ReadOnlyKey", method: http.MethodDelete, path: path, header: bearer(readOnlyKey), wantStatus: http.StatusForbidden},
	})
}

func TestQuotaRefresh(t *testing.T) {
	t.Parallel()
	const path = "/api/admin/quota/refresh"
	runScenarios(t, []scenario{
		{
			name: "OK", method: http.MethodPost, path: path, header: bearer(permKey("server_databases:write")),
			setup: func(_ *testing.T, m *mocks) {
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
			wantStatus: http.StatusOK,
		},
		{
			name: "NothingToDo", method: http.MethodPost, path: path, header: bearer(adminKey),
			setup: func(_ *testing.T, m *mocks) {
				m.databases.RefreshQuotaFn = func(context.Context) (*dbplane.QuotaReport, error) {
					return &dbplane.QuotaReport{StartedAt: t1}, nil
				}
			},
			wantStatus: http.StatusOK,
		},
		{
			name: "StoreFails", method: http.MethodPost, path: path, header: bearer(adminKey),
			setup: func(_ *testing.T, m *mocks) {
				m.databases.RefreshQuotaFn = func(context.Context) (*dbplane.QuotaReport, error) { return nil, errDialSecret }
			},
			wantStatus: http.StatusInternalServerError, notInBody: []string{"10.0.0.5"}, wantLog: []string{"10.0.0.5"},
		},
		{name: "ReadOnlyKey", method: http.MethodPost, path: path, header: bearer(readOnlyKey), wantStatus: http.StatusForbidden},
		{name: "AccountsWrite", method: http.MethodPost, path: path, header: bearer(permKey("accounts:write")), wantStatus: http.StatusForbidden},
		{name: "UserKey", method: http.MethodPost, path: path, header: bearer(userKey), wantStatus: http.StatusForbidden},
	})
}
