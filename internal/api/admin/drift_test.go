package admin_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dbplane/dbplane"
)

func TestDriftList(t *testing.T) {
	t.Parallel()
	const path = "/api/admin/drift"
	list := func(want dbplane.DriftFilter) func(*testing.T, *mocks) {
		return func(t *testing.T, m *mocks) {
			m.hosts.HostFn = func(_ context.Context, ref string) (*dbplane.Host, error) {
				if ref != "1" && ref != fixtureHost().ID {
					return nil, dbplane.Errorf(dbplane.CodeNotFound, "Host not found")
				}
				return fixtureHost(), nil
			}
			m.databases.DatabaseFn = func(_ context.Context, ref string) (*dbplane.Database, error) {
				if ref != "41" {
					return nil, errDatabaseNotFound
				}
				return fixtureDatabase(), nil
			}
			m.drift.DriftFindingsFn = func(_ context.Context, f dbplane.DriftFilter) ([]*dbplane.DriftFinding, int, error) {
				if diff := cmp.Diff(want, f); diff != "" {
					t.Errorf("DriftFindings() filter (-want +got):\n%s", diff)
				}
				return []*dbplane.DriftFinding{
					{HostID: fixtureHost().ID, Kind: dbplane.DriftPassword, Object: "u12_aB3dE5gH7j", DatabaseID: databaseID, Repair: dbplane.RepairDone, FoundAt: t1},
					{HostID: fixtureHost().ID, Kind: dbplane.DriftAccess, Object: "u12_aB3dE5gH7j", DatabaseID: databaseID, Repair: dbplane.RepairFailed,
						RepairError: "The database host rejected dbplane's credentials", FoundAt: t1},
					{HostID: fixtureHost().ID, Kind: dbplane.DriftUnknownDatabase, Object: "um_straystray_1", Repair: dbplane.RepairNone, FoundAt: t1},
				}, 3, nil
			}
		}
	}
	page1 := dbplane.Page{Page: 1, PerPage: 50}
	runScenarios(t, []scenario{
		{Name: "OK", Method: http.MethodGet, Path: path, Header: bearer(readOnlyKey), Setup: list(dbplane.DriftFilter{Page: page1}),
			// "password" is in the kind password_mismatch: the secrets alone.
			WantStatus: http.StatusOK, NotContains: []string{dbPassword, "sealed", adminKey}},
		{
			Name: "Filtered", Method: http.MethodGet, Path: path + "?hostId=1&kind=password_mismatch&databaseId=41&page=2&perPage=10",
			Header: bearer(readOnlyKey),
			Setup: list(dbplane.DriftFilter{HostID: fixtureHost().ID, Kind: dbplane.DriftPassword, DatabaseID: databaseID,
				Page: dbplane.Page{Page: 2, PerPage: 10}}),
			WantStatus: http.StatusOK,
		},
		{Name: "UnknownKind", Method: http.MethodGet, Path: path + "?kind=everything", Header: bearer(readOnlyKey), WantStatus: http.StatusUnprocessableEntity},
		{Name: "UnknownHost", Method: http.MethodGet, Path: path + "?hostId=nope", Header: bearer(readOnlyKey), Setup: list(dbplane.DriftFilter{}),
			WantStatus: http.StatusUnprocessableEntity},
		{Name: "UnknownDatabase", Method: http.MethodGet, Path: path + "?databaseId=99", Header: bearer(readOnlyKey), Setup: list(dbplane.DriftFilter{}),
			WantStatus: http.StatusUnprocessableEntity},
		{Name: "NoPermission", Method: http.MethodGet, Path: path, Header: bearer(noPermKey), WantStatus: http.StatusForbidden},
	})
}

func TestDriftSweep(t *testing.T) {
	t.Parallel()
	const path = "/api/admin/drift/sweep"
	sweep := func(_ *testing.T, m *mocks) {
		m.drift.SweepDriftFn = func(context.Context) (*dbplane.DriftReport, error) {
			return &dbplane.DriftReport{StartedAt: t1, Took: 1500 * time.Millisecond, Findings: 3, Repaired: 1, Hosts: []dbplane.HostDrift{
				{HostID: fixtureHost().ID, HostName: "maria-1", Findings: 3, Repaired: 1, Took: 40 * time.Millisecond},
				{HostID: "b0b0b0b0-0000-4000-8000-000000000002", HostName: "maria-2", Skipped: "The host is unavailable", Took: 1500 * time.Millisecond},
			}}, nil
		}
	}
	runScenarios(t, []scenario{
		{Name: "OK", Method: http.MethodPost, Path: path, Header: bearer(permKey("server_databases:write")), Setup: sweep, WantStatus: http.StatusOK},
		{Name: "ReadOnlyKey", Method: http.MethodPost, Path: path, Header: bearer(readOnlyKey), WantStatus: http.StatusForbidden},
		{Name: "WrongMethod", Method: http.MethodGet, Path: path, Header: bearer(adminKey), WantStatus: http.StatusMethodNotAllowed},
	})
}
