package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/mock"
	"github.com/dbplane/dbplane/internal/web"
	"github.com/google/go-cmp/cmp"
)

// TestAdminAccountPagesAskForWhatTheyShow: the accounts page asks for its
// page (the last one past the end), the overview for the accounts over
// quota and the count of the suspended ones, the keys page for the
// owners of the keys it lists; none reads every account.
func TestAdminAccountPagesAskForWhatTheyShow(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 5, 20, 9, 30, 0, 0, time.UTC)
	admin := &dbplane.Account{ID: "op", Email: "op@example.com", Role: dbplane.RoleAdmin, CreatedAt: base}
	accounts := []*dbplane.Account{admin}
	quota := int64(1)
	for i := range 120 {
		a := &dbplane.Account{ID: fmt.Sprintf("acct-%03d", i), Email: fmt.Sprintf("user%03d@example.com", i), Role: dbplane.RoleUser,
			CreatedAt: base.Add(time.Duration(i+1) * time.Second), Suspended: i%40 == 0}
		if i == 7 {
			a.StorageBytes, a.UsedBytes = &quota, 2
		}
		accounts = append(accounts, a)
	}
	var calls []dbplane.AccountFilter
	svc := web.Services{
		Accounts: &mock.AccountService{
			ListAccountsFn: func(context.Context) ([]*dbplane.Account, error) {
				t.Error("a page read every account")
				return accounts, nil
			},
			FindAccountsFn: mock.FindAccountsIn(func() []*dbplane.Account { return accounts }, &calls),
		},
		Keys: &mock.KeyService{
			ListAdminKeysFn: func(context.Context) ([]*dbplane.APIKey, error) {
				return []*dbplane.APIKey{{ID: "k1", AccountID: "op", Kind: dbplane.KeyAdmin, Name: "ci", Prefix: "dbpa_x"}}, nil
			},
		},
		Hosts: &mock.HostService{ListHostsFn: func(context.Context) ([]*dbplane.Host, error) { return nil, nil }},
		AdminDatabases: &mock.AdminDatabaseService{
			StatsFn:          func(context.Context) (*dbplane.Stats, error) { return &dbplane.Stats{}, nil },
			PendingChangesFn: func(context.Context) ([]*dbplane.Intent, error) { return nil, nil },
		},
	}
	b := mockSite(t, svc, web.Options{}, admin)
	for _, tc := range []struct {
		path     string
		want     []dbplane.AccountFilter
		contains []string
		absent   []string
	}{
		{"/admin/accounts?page=2", []dbplane.AccountFilter{{Page: dbplane.Page{Page: 2, PerPage: 50}}},
			[]string{"user049@example.com", "user098@example.com"}, []string{"user048@example.com", "user099@example.com"}},
		{"/admin/accounts?page=9", []dbplane.AccountFilter{{Page: dbplane.Page{Page: 9, PerPage: 50}}, {Page: dbplane.Page{Page: 3, PerPage: 50}}},
			[]string{"user099@example.com", "user119@example.com"}, []string{"user098@example.com"}},
		// A page number whose offset overflows is past the end too.
		{"/admin/accounts?page=184467440737095518", []dbplane.AccountFilter{{Page: dbplane.Page{Page: 1 << 30, PerPage: 50}}, {Page: dbplane.Page{Page: 3, PerPage: 50}}},
			[]string{"user099@example.com", "user119@example.com"}, []string{"user098@example.com"}},
		{"/admin", []dbplane.AccountFilter{{OverQuota: true}, {Suspended: true, Page: dbplane.Page{Page: 1, PerPage: 1}}},
			[]string{"user007@example.com", "3 suspended"}, nil},
		{"/admin/keys", []dbplane.AccountFilter{{IDs: []string{"op"}}}, []string{"op@example.com"}, nil},
	} {
		calls = nil
		p := b.get(tc.path)
		admStatus(t, tc.path, p, http.StatusOK)
		for i := range calls {
			if calls[i].Match != nil {
				t.Errorf("%s asked FindAccounts with Match, which reads every account", tc.path)
			}
		}
		if diff := cmp.Diff(tc.want, calls); diff != "" {
			t.Errorf("%s asked FindAccounts (-want +got):\n%s", tc.path, diff)
		}
		for _, s := range tc.contains {
			if !strings.Contains(p.text(), s) {
				t.Errorf("%s does not show %q: %s", tc.path, s, p.text())
			}
		}
		for _, s := range tc.absent {
			if strings.Contains(p.text(), s) {
				t.Errorf("%s shows %q, which is not on its page", tc.path, s)
			}
		}
	}
}
