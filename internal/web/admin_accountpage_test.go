package web_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
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
			EachAccountFn: func(context.Context, func(*dbplane.Account) error) error {
				t.Error("a page read every account")
				return nil
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

// TestAdminServerAndDatabasePagesAskForWhatTheyShow: the databases list,
// the servers list and a server's page ask FindAccounts for the accounts
// of the rows they show (and the filter's), once, and offer no account
// to pick: an account is typed by its email, looked up by that email
// alone. None reads every account.
func TestAdminServerAndDatabasePagesAskForWhatTheyShow(t *testing.T) {
	t.Parallel()
	admin := &dbplane.Account{ID: "op", Email: "op@example.com", Role: dbplane.RoleAdmin}
	accounts := []*dbplane.Account{admin}
	for i := range 300 {
		accounts = append(accounts, &dbplane.Account{ID: fmt.Sprintf("acct-%03d", i), Email: fmt.Sprintf("user%03d@example.com", i), Role: dbplane.RoleUser})
	}
	var calls []dbplane.AccountFilter
	srv := &dbplane.Server{ID: "srv-1", Name: "mc", Identifier: "abcd1234", OwnerID: "acct-010", NodeID: "n1"}
	svc := web.Services{
		Accounts: &mock.AccountService{
			EachAccountFn: func(context.Context, func(*dbplane.Account) error) error {
				t.Error("a page read every account")
				return nil
			},
			FindAccountsFn: mock.FindAccountsIn(func() []*dbplane.Account { return accounts }, &calls),
		},
		Hosts: &mock.HostService{ListHostsFn: func(context.Context) ([]*dbplane.Host, error) { return nil, nil }},
		AdminDatabases: &mock.AdminDatabaseService{
			ListAllDatabasesFn: func(_ context.Context, f dbplane.DatabaseFilter) ([]*dbplane.Database, int, error) {
				dbs := []*dbplane.Database{{ID: "d1", AccountID: "acct-001", Label: "one"}, {ID: "d2", AccountID: "acct-002", Label: "two"}, {ID: "d3", AccountID: "acct-001", Label: "three"}}
				if f.AccountID != "" {
					dbs = slices.DeleteFunc(dbs, func(d *dbplane.Database) bool { return d.AccountID != f.AccountID })
				}
				return dbs, len(dbs), nil
			},
		},
		Servers: &mock.ServerService{
			ListServersFn: func(context.Context, dbplane.Page) ([]*dbplane.Server, int, error) {
				return []*dbplane.Server{srv, {ID: "srv-2", Name: "rust", OwnerID: "acct-020", NodeID: "n1"}, {ID: "srv-3", Name: "ark", OwnerID: "acct-010", NodeID: "n1"}}, 3, nil
			},
			ListNodesFn: func(context.Context) ([]*dbplane.Node, error) {
				return []*dbplane.Node{{ID: "n1", Name: "node-a"}}, nil
			},
			NodeFn: func(context.Context, string) (*dbplane.Node, error) {
				return &dbplane.Node{ID: "n1", Name: "node-a"}, nil
			},
			ServerFn: func(context.Context, string) (*dbplane.Server, error) { return srv, nil },
			ListSubusersFn: func(context.Context, string) ([]*dbplane.Subuser, error) {
				return []*dbplane.Subuser{{ServerID: "srv-1", AccountID: "acct-030"}}, nil
			},
		},
	}
	b := mockSite(t, svc, web.Options{}, admin)
	for _, tc := range []struct {
		path     string
		want     []dbplane.AccountFilter
		contains []string
	}{
		{"/admin/databases", []dbplane.AccountFilter{{IDs: []string{"acct-001", "acct-002"}}}, []string{"user001@example.com", "user002@example.com"}},
		// A link's account id: its email fills the input.
		{"/admin/databases?account=acct-002", []dbplane.AccountFilter{{IDs: []string{"acct-002"}}}, []string{"user002@example.com"}},
		// The form's email: one lookup by email, then the shown rows'.
		{"/admin/databases?email=user001%40example.com", []dbplane.AccountFilter{{Emails: []string{"user001@example.com"}}, {IDs: []string{"acct-001"}}}, []string{"user001@example.com"}},
		{"/admin/databases?email=&account=acct-002", []dbplane.AccountFilter{{IDs: []string{"acct-001", "acct-002"}}}, []string{"user001@example.com", "user002@example.com"}},
		{"/admin/servers", []dbplane.AccountFilter{{IDs: []string{"acct-010", "acct-020"}}}, []string{"user010@example.com", "user020@example.com"}},
		{"/admin/servers/srv-1", []dbplane.AccountFilter{{IDs: []string{"acct-010", "acct-030"}}}, []string{"user010@example.com", "user030@example.com"}},
	} {
		calls = nil
		p := b.get(tc.path)
		admStatus(t, tc.path, p, http.StatusOK)
		if diff := cmp.Diff(tc.want, calls); diff != "" {
			t.Errorf("%s asked FindAccounts (-want +got):\n%s", tc.path, diff)
		}
		for _, s := range tc.contains {
			if !strings.Contains(p.body, s) {
				t.Errorf("%s does not show %q: %s", tc.path, s, p.text())
			}
		}
		// Only the accounts the page shows: none of the others, and no
		// select of accounts.
		if strings.Contains(p.body, "user299@example.com") || strings.Contains(p.body, "user000@example.com") {
			t.Errorf("%s shows an account it has no row of", tc.path)
		}
		if strings.Contains(p.body, `value="acct-`) {
			t.Errorf("%s offers account ids to pick: %s", tc.path, p.body)
		}
	}
	if p := b.get("/admin/databases?account=acct-002"); !strings.Contains(p.body, `name="email"`) || !strings.Contains(p.body, `value="user002@example.com"`) {
		t.Errorf("the account filter input does not hold the account's email: %s", p.body)
	}
}
