package admin_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dbplane/dbplane"
)

func fixtureAudit() []*dbplane.AuditEntry {
	return []*dbplane.AuditEntry{
		{
			ID: "01JAUDIT00000000000000002", Time: t1, Surface: "dbapi", Action: "POST /api/v1/db/databases/{id}/rotate",
			Resources: map[string]string{"id": "01HVDB0000000000000000001"}, AccountID: "01HVUSER000000000000000", KeyID: "key-user",
			KeyPrefix: "dbpu_AbCd", IP: "192.0.2.7", Status: 200, RequestID: "req-1",
		},
		{
			ID: "01JAUDIT00000000000000001", Time: t0, Surface: "web", Action: "POST /login",
			Email: "who@example.com", IP: "198.51.100.2", Status: 401, RequestID: "req-0",
		},
	}
}

func TestAuditList(t *testing.T) {
	t.Parallel()
	const path = "/api/admin/audit"
	list := func(want dbplane.AuditFilter, next string) func(*testing.T, *mocks) {
		return func(t *testing.T, m *mocks) {
			m.audit.AuditLogFn = func(_ context.Context, f dbplane.AuditFilter) ([]*dbplane.AuditEntry, string, error) {
				if diff := cmp.Diff(want, f); diff != "" {
					t.Errorf("AuditLog filter (-want +got):\n%s", diff)
				}
				return fixtureAudit(), next, nil
			}
		}
	}
	since := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	until := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	runScenarios(t, []scenario{
		{
			Name: "OK", Method: http.MethodGet, Path: path, Header: bearer(permKey("audit:read")),
			Setup: list(dbplane.AuditFilter{Limit: 50}, "01JAUDIT00000000000000001"), WantStatus: http.StatusOK,
		},
		{
			Name: "Filters", Method: http.MethodGet,
			Path:   path + "?account=acc1&action=POST&resource=db1&outcome=failure&since=2026-05-01T00:00:00Z&until=2026-06-01T00:00:00Z&cursor=01JAUDIT9&limit=2",
			Header: bearer(adminKey),
			Setup: list(dbplane.AuditFilter{AccountID: "acc1", Action: "POST", Resource: "db1", Outcome: "failure",
				Since: since, Until: until, Before: "01JAUDIT9", Limit: 2}, ""),
			WantStatus: http.StatusOK,
		},
		{Name: "BadOutcome", Method: http.MethodGet, Path: path + "?outcome=maybe", Header: bearer(adminKey), WantStatus: http.StatusUnprocessableEntity},
		{Name: "BadSince", Method: http.MethodGet, Path: path + "?since=yesterday", Header: bearer(adminKey), WantStatus: http.StatusUnprocessableEntity},
		{Name: "BadLimit", Method: http.MethodGet, Path: path + "?limit=501", Header: bearer(adminKey), WantStatus: http.StatusUnprocessableEntity},
		{Name: "ZeroLimit", Method: http.MethodGet, Path: path + "?limit=0", Header: bearer(adminKey), WantStatus: http.StatusUnprocessableEntity},
		{Name: "ReadOnlyKeyWithoutAudit", Method: http.MethodGet, Path: path, Header: bearer(readOnlyKey), WantStatus: http.StatusForbidden},
		{Name: "UserKey", Method: http.MethodGet, Path: path, Header: bearer(userKey), WantStatus: http.StatusForbidden},
		{Name: "NoKey", Method: http.MethodGet, Path: path, WantStatus: http.StatusUnauthorized},
		{Name: "Post", Method: http.MethodPost, Path: path, Header: bearer(adminKey), Body: `{}`, WantStatus: http.StatusMethodNotAllowed},
	})
}
