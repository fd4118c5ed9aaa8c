package admin_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/dbplane/dbplane"
)

func TestRekey(t *testing.T) {
	t.Parallel()
	const path = "/api/admin/rekey"
	report := func(skipped int) func(*testing.T, *mocks) {
		return func(_ *testing.T, m *mocks) {
			m.databases.RekeyFn = func(context.Context) (*dbplane.RekeyReport, error) {
				return &dbplane.RekeyReport{PrimaryKey: "k2", Tables: []dbplane.RekeyTable{
					{Table: "databases", Total: 250, Resealed: 240 - skipped, Current: 10, Skipped: skipped},
					{Table: "hosts", Total: 2, Resealed: 2},
					{Table: "intents", Total: 0},
				}}, nil
			}
		}
	}
	runScenarios(t, []scenario{
		{Name: "OK", Method: http.MethodPost, Path: path, Header: bearer(permKey("database_hosts:write", "server_databases:write")),
			Setup: report(0), WantStatus: http.StatusOK},
		{Name: "ChangedMeanwhile", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Setup: report(1), WantStatus: http.StatusOK},
		{
			Name: "StoreFails", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.databases.RekeyFn = func(context.Context) (*dbplane.RekeyReport, error) { return nil, errDialSecret }
			},
			WantStatus: http.StatusInternalServerError, NotInBody: []string{"10.0.0.5"}, WantLog: []string{"10.0.0.5"},
		},
		{Name: "HostsWriteOnly", Method: http.MethodPost, Path: path, Header: bearer(permKey("database_hosts:write")), WantStatus: http.StatusForbidden},
		{Name: "DatabasesWriteOnly", Method: http.MethodPost, Path: path, Header: bearer(permKey("server_databases:write")), WantStatus: http.StatusForbidden},
		{Name: "ReadOnlyKey", Method: http.MethodPost, Path: path, Header: bearer(readOnlyKey), WantStatus: http.StatusForbidden},
		{Name: "UserKey", Method: http.MethodPost, Path: path, Header: bearer(userKey), WantStatus: http.StatusForbidden},
		{Name: "WrongMethod", Method: http.MethodGet, Path: path, Header: bearer(adminKey), WantStatus: http.StatusMethodNotAllowed},
	})
}
