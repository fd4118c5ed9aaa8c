package ptero_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/dbplane/dbplane"
)

// orphanFirst makes the server's first database orphaned (its host was
// retired) and fails the test if its credentials are asked for.
func orphanFirst(t *testing.T, m *mocks) {
	m.databases.ServerDatabasesFn = func(_ context.Context, _ string, p dbplane.Page) ([]*dbplane.Database, int, error) {
		all := fixtureDatabases()
		all[0].Status = dbplane.StatusOrphaned
		return all, len(all), nil
	}
	next := m.databases.DatabaseCredentialsFn
	m.databases.DatabaseCredentialsFn = func(ctx context.Context, d *dbplane.Database) (*dbplane.Credentials, error) {
		if d.Status == dbplane.StatusOrphaned {
			t.Errorf("credentials asked for the orphaned database %d", d.NumericID)
			return nil, dbplane.ErrDatabaseOrphaned
		}
		return next(ctx, d)
	}
}

// TestOrphanedDatabaseInLists: these shapes have no status, so a database
// whose host was retired is listed as before, without its password
// (application: the relationship is left out; client: a null resource),
// and the list still answers 200.
func TestOrphanedDatabaseInLists(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{Name: "Application", Method: http.MethodGet, Path: appDBs + "?include=password", Header: bearer(appKey),
			Setup: orphanFirst, WantStatus: http.StatusOK},
		{Name: "Client", Method: http.MethodGet, Path: clientDBs + "?include=password", Header: bearer(ownerKey),
			Setup: orphanFirst, WantStatus: http.StatusOK},
	})
}
