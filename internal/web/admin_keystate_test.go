package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/mock"
	"github.com/dbplane/dbplane/internal/web"
)

// TestAdminKeyExpiredAtItsExpiry: a key is refused from the instant it
// expires (APIKey.Usable), so the admin pages call it expired from that
// instant too, not a moment later.
func TestAdminKeyExpiredAtItsExpiry(t *testing.T) {
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	admin := &dbplane.Account{ID: "op", Email: "op@example.com", Role: dbplane.RoleAdmin}
	key := &dbplane.APIKey{ID: "k1", AccountID: admin.ID, Kind: dbplane.KeyAdmin, Name: "ci", Prefix: "dbpa_x", ExpiresAt: &now}
	if !strings.Contains(key.Usable(now).Error(), "expired") {
		t.Fatalf("Usable at the expiry = %v, want expired", key.Usable(now))
	}
	svc := web.Services{
		Keys: &mock.KeyService{
			ListAdminKeysFn: func(context.Context) ([]*dbplane.APIKey, error) { return []*dbplane.APIKey{key}, nil },
			ListKeysFn:      func(context.Context, string) ([]*dbplane.APIKey, error) { return []*dbplane.APIKey{key}, nil },
		},
		Accounts: &mock.AccountService{
			FindAccountsFn: mock.FindAccountsIn(func() []*dbplane.Account { return []*dbplane.Account{admin} }, nil),
			AccountFn:      func(context.Context, string) (*dbplane.Account, error) { return admin, nil },
			PreviewSuspensionFn: func(context.Context, string, bool) (*dbplane.SuspensionPreview, error) {
				return &dbplane.SuspensionPreview{Suspend: true}, nil
			},
		},
		AdminDatabases: &mock.AdminDatabaseService{
			ListAllDatabasesFn: func(context.Context, dbplane.DatabaseFilter) ([]*dbplane.Database, int, error) { return nil, 0, nil },
		},
	}
	b := mockSite(t, svc, web.Options{Now: func() time.Time { return now }}, admin)

	for _, path := range []string{"/admin/keys", "/admin/accounts/op"} {
		p := b.get(path)
		admStatus(t, path, p, http.StatusOK)
		if !strings.Contains(p.body, `<span class="badge warn">expired</span>`) || strings.Contains(p.body, `<span class="badge ok">enabled</span>`) {
			t.Errorf("%s calls a key at its expiry instant %q", path, p.text())
		}
	}
}
