package admin_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
)

// deleteAccountDoes makes DeleteAccount return res (or err) and checks
// the cascade flag the handler passed.
func deleteAccountDoes(wantCascade bool, res *dbplane.AccountDeletion, err error) func(*testing.T, *mocks) {
	return func(t *testing.T, m *mocks) {
		m.accounts.DeleteAccountFn = func(_ context.Context, id string, cascade bool) (*dbplane.AccountDeletion, error) {
			if cascade != wantCascade {
				t.Errorf("DeleteAccount cascade = %v, want %v", cascade, wantCascade)
			}
			return res, err
		}
	}
}

func TestAccountDelete(t *testing.T) {
	t.Parallel()
	const path = "/api/admin/accounts/" + tenantID
	owns := dbplane.Errorf(dbplane.CodeConflict, "The account owns 1 server(s) and 2 database(s); delete them first, or delete the account with cascade=true")
	runScenarios(t, []scenario{
		{
			Name: "Deleted", Method: http.MethodDelete, Path: path, Header: bearer(adminKey),
			Setup:      both(accountReturns(tenantID), deleteAccountDoes(false, &dbplane.AccountDeletion{Deleted: true}, nil)),
			WantStatus: http.StatusNoContent,
		},
		{
			Name: "OwnsThings", Method: http.MethodDelete, Path: path, Header: bearer(adminKey),
			Setup:      both(accountReturns(tenantID), deleteAccountDoes(false, nil, owns)),
			WantStatus: http.StatusConflict,
		},
		{
			Name: "CascadePending", Method: http.MethodDelete, Path: path + "?cascade=true", Header: bearer(adminKey),
			Setup:      both(accountReturns(tenantID), deleteAccountDoes(true, &dbplane.AccountDeletion{Databases: 1, Pending: 1}, nil)),
			WantStatus: http.StatusAccepted,
		},
		{
			Name: "BadCascade", Method: http.MethodDelete, Path: path + "?cascade=yes", Header: bearer(adminKey),
			Setup: accountReturns(tenantID), WantStatus: http.StatusUnprocessableEntity,
		},
		{
			Name: "InitAdmin", Method: http.MethodDelete, Path: "/api/admin/accounts/" + adminAccount.ID, Header: bearer(adminKey),
			Setup: both(adminReturned, deleteAccountDoes(false, nil, dbplane.ErrInitAdmin)), WantStatus: http.StatusConflict,
		},
		{
			// A key with accounts:write alone deletes an empty tenant...
			Name: "TenantAccountsWriteOnly", Method: http.MethodDelete, Path: path, Header: bearer(permKey("accounts:write")),
			Setup:      both(accountReturns(tenantID), deleteAccountDoes(false, &dbplane.AccountDeletion{Deleted: true}, nil)),
			WantStatus: http.StatusNoContent,
		},
		{
			// ...but does not drop its databases: that is server_databases:write.
			Name: "CascadeAccountsWriteOnly", Method: http.MethodDelete, Path: path + "?cascade=true", Header: bearer(permKey("accounts:write")),
			Setup: accountReturns(tenantID), WantStatus: http.StatusForbidden,
		},
		{
			// SPEC §4.5: accounts:write alone cannot delete an admin.
			Name: "AdminAccountsWriteOnly", Method: http.MethodDelete, Path: "/api/admin/accounts/" + adminAccount.ID,
			Header: bearer(permKey("accounts:write")), Setup: adminReturned, WantStatus: http.StatusForbidden,
		},
		{
			Name: "ReadOnlyKey", Method: http.MethodDelete, Path: path, Header: bearer(permKey("accounts:read")),
			WantStatus: http.StatusForbidden,
		},
		{
			Name: "Missing", Method: http.MethodDelete, Path: path, Header: bearer(adminKey),
			Setup: accountMissing, WantStatus: http.StatusNotFound,
		},
	})
}

func TestHostRetire(t *testing.T) {
	t.Parallel()
	retired := func() *dbplane.Host {
		h := fixtureHost()
		at := t1.Add(time.Hour)
		h.RetiredAt, h.Enabled = &at, false
		return h
	}
	report := func(abandoned bool) *dbplane.OrphanReport {
		rep := &dbplane.OrphanReport{Host: retired(), Databases: []*dbplane.Database{{
			ID: "01J0000000000000000000000A", NumericID: 3, AccountID: tenantID, HostID: fixtureHost().ID, Label: "shop",
			DBName: "m_abc_1", DBUser: "u_abc_1", Status: dbplane.StatusOrphaned, SizeBytes: 10,
		}}}
		if abandoned {
			rep.Abandoned = []*dbplane.Intent{{ID: "01J0000000000000000000000B", Kind: dbplane.IntentRotate, DatabaseID: "01J0000000000000000000000A",
				DBName: "m_abc_1", DBUser: "u_abc_1", SealedPassword: []byte("sealed-new-pw"), CreatedAt: t1}, {
				ID: "01J0000000000000000000000C", Kind: dbplane.IntentCreate, DatabaseID: "01J0000000000000000000000D",
				DBName: "up_abc_2", DBUser: "dup_abc_2", WarmDB: "dbplane_warm_01j0000000000000000000000e", WarmUser: "dbplane_warm_01j0000000000000000000000e",
				SealedPassword: []byte("sealed-claim-pw"), CreatedAt: t1,
			}}
		}
		// A warm database of the retired host's pool (PostgreSQL).
		rep.Host.Engine, rep.Host.WarmCount = dbplane.EnginePostgres, 1
		rep.Warm = []*dbplane.WarmLeftover{{DBName: "dbplane_warm_01j0000000000000000000000f", DBUser: "dbplane_warm_01j0000000000000000000000f", State: "ready", CreatedAt: t1}}
		return rep
	}
	const path = "/api/admin/database-hosts/7"
	runScenarios(t, []scenario{
		{
			Name: "Retire", Method: http.MethodPost, Path: path + "/retire", Header: bearer(adminKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.hosts.RetireHostFn = func(context.Context, string) (*dbplane.OrphanReport, error) { return report(true), nil }
			},
			WantStatus: http.StatusOK, NotContains: append(hostSecrets, "sealed-new-pw", "sealed-claim-pw"),
		},
		{
			Name: "Orphans", Method: http.MethodGet, Path: path + "/orphans", Header: bearer(adminKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.hosts.HostOrphansFn = func(context.Context, string) (*dbplane.OrphanReport, error) { return report(false), nil }
			},
			WantStatus: http.StatusOK,
		},
		{
			// Retiring orphans databases: hosts alone is not enough.
			Name: "RetireHostsWriteOnly", Method: http.MethodPost, Path: path + "/retire", Header: bearer(permKey("database_hosts:write")),
			WantStatus: http.StatusForbidden,
		},
		{
			Name: "RetireMissing", Method: http.MethodPost, Path: path + "/retire", Header: bearer(adminKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.hosts.RetireHostFn = func(context.Context, string) (*dbplane.OrphanReport, error) {
					return nil, dbplane.Errorf(dbplane.CodeNotFound, "Database host not found")
				}
			},
			WantStatus: http.StatusNotFound,
		},
		{
			Name: "RetiredHostShape", Method: http.MethodGet, Path: path, Header: bearer(adminKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.hosts.HostFn = func(context.Context, string) (*dbplane.Host, error) { return retired(), nil }
			},
			WantStatus: http.StatusOK,
		},
	})
}
