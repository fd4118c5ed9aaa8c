package store_test

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/store"
)

// TestFindPage_FarPage: a page number so far that its offset overflows
// (the dashboard passes ?page= as it comes) is past the end: no rows, the
// total of every row, and no error on either dialect.
func TestFindPage_FarPage(t *testing.T) {
	t.Parallel()
	bothDialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		seedFindAccounts(t, db)
		for _, page := range []int{math.MaxInt64/25 + 2, math.MaxInt64/2 + 3, math.MaxInt64} {
			for _, match := range []func(*dbplane.Account) bool{nil, func(*dbplane.Account) bool { return true }} {
				list, total, err := db.FindAccounts(ctx, dbplane.AccountFilter{Match: match, Page: dbplane.Page{Page: page, PerPage: 25}})
				if err != nil || len(list) != 0 || total != 7 {
					t.Errorf("page %d (match %v): %d accounts, total %d, %v; want none of 7", page, match != nil, len(list), total, err)
				}
			}
			list, total, err := db.FindServers(ctx, dbplane.ServerFilter{Page: dbplane.Page{Page: page, PerPage: 25}})
			if err != nil || len(list) != 0 || total != 0 {
				t.Errorf("servers page %d: %d, total %d, %v; want none of 0", page, len(list), total, err)
			}
		}
	})
}

// TestFindAccounts_ManyExternalIDs: the panel's filter[external_id] takes
// a comma list of any length; a long one selects the accounts it names
// instead of failing on the number of bound parameters.
func TestFindAccounts_ManyExternalIDs(t *testing.T) {
	t.Parallel()
	bothDialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ext := "ext-7"
		a := &dbplane.Account{ID: "acct-x", Email: "x@example.com", Name: "x", Role: dbplane.RoleUser, ExternalID: &ext}
		if err := db.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
		ids := make([]string, 40000)
		for i := range ids {
			ids[i] = fmt.Sprintf("ext-%d", i)
		}
		list, total, err := db.FindAccounts(ctx, dbplane.AccountFilter{ExternalIDs: ids, Page: dbplane.Page{Page: 1, PerPage: 50}})
		if err != nil || total != 1 || len(list) != 1 || list[0].ID != "acct-x" {
			t.Errorf("FindAccounts(40000 external ids) = %d accounts, total %d, %v; want acct-x", len(list), total, err)
		}
		repeated := make([]string, 1000)
		for i := range repeated {
			repeated[i] = []string{"ext-7", "ext-nobody"}[i%2]
		}
		list, total, err = db.FindAccounts(ctx, dbplane.AccountFilter{ExternalIDs: repeated})
		if err != nil || total != 1 || len(list) != 1 || list[0].ID != "acct-x" {
			t.Errorf("FindAccounts(1000 external ids, 2 distinct) = %d accounts, total %d, %v; want acct-x", len(list), total, err)
		}
		list, total, err = db.FindAccounts(ctx, dbplane.AccountFilter{ExternalIDs: ids[8:], Page: dbplane.Page{Page: 1, PerPage: 50}})
		if err != nil || total != 0 || len(list) != 0 {
			t.Errorf("FindAccounts(39992 external ids, not ext-7) = %d accounts, total %d, %v; want none", len(list), total, err)
		}
		slist, _, err := db.FindServers(ctx, dbplane.ServerFilter{ExternalIDs: ids})
		if err != nil || len(slist) != 0 {
			t.Errorf("FindServers(40000 external ids) = %d servers, %v; want none", len(slist), err)
		}
	})
}
