package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/store"
	"github.com/google/go-cmp/cmp"
)

// seedFindAccounts makes seven accounts whose three orders differ: they
// are made newest first (numeric ids 1…7 run against the creation
// order), their ids are not in either order, and two share a
// millisecond (the id decides between them). It returns the ids in each
// order.
func seedFindAccounts(t *testing.T, db *store.DB) (byCreated, byNumeric, byID []string) {
	t.Helper()
	base := time.Date(2026, 5, 20, 9, 30, 0, 0, time.UTC)
	ids := []string{"acct-e", "acct-b", "acct-g", "acct-a", "acct-f", "acct-c", "acct-d"}
	for i, id := range ids {
		at := base.Add(time.Duration(10-i) * time.Millisecond)
		if id == "acct-c" { // the millisecond of acct-f, made before it
			at = base.Add(time.Duration(10-4) * time.Millisecond)
		}
		db.Now = func() time.Time { return at }
		mustAccount(t, db, id, nil)
	}
	db.Now = time.Now
	return []string{"acct-d", "acct-c", "acct-f", "acct-a", "acct-g", "acct-b", "acct-e"},
		ids,
		[]string{"acct-a", "acct-b", "acct-c", "acct-d", "acct-e", "acct-f", "acct-g"}
}

func accountIDs(list []*dbplane.Account) []string {
	out := []string{}
	for _, a := range list {
		out = append(out, a.ID)
	}
	return out
}

func reversed(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[len(s)-1-i] = v
	}
	return out
}

// TestFindAccountsPages: pages in each order, first, middle, last and past
// the last, with the total of every account; the pages laid end to end
// are the whole order, each account once.
func TestFindAccountsPages(t *testing.T) {
	t.Parallel()
	bothDialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		byCreated, byNumeric, byID := seedFindAccounts(t, db)
		for _, tc := range []struct {
			order dbplane.AccountOrder
			desc  bool
			want  []string
		}{
			{dbplane.AccountsByCreated, false, byCreated},
			{dbplane.AccountsByCreated, true, reversed(byCreated)},
			{dbplane.AccountsByNumericID, false, byNumeric},
			{dbplane.AccountsByNumericID, true, reversed(byNumeric)},
			{dbplane.AccountsByID, false, byID},
			{dbplane.AccountsByID, true, reversed(byID)},
		} {
			name := fmt.Sprintf("order %q desc %v", tc.order, tc.desc)
			var all []string
			for page, want := range [][]string{tc.want[0:3], tc.want[3:6], tc.want[6:7], {}} {
				f := dbplane.AccountFilter{Order: tc.order, Desc: tc.desc, Page: dbplane.Page{Page: page + 1, PerPage: 3}}
				list, total, err := db.FindAccounts(ctx, f)
				if err != nil {
					t.Fatalf("%s: FindAccounts(page %d) = %v", name, page+1, err)
				}
				if diff := cmp.Diff(want, accountIDs(list)); diff != "" || total != 7 {
					t.Errorf("%s: page %d: total %d (want 7), ids (-want +got):\n%s", name, page+1, total, diff)
				}
				all = append(all, accountIDs(list)...)
			}
			if diff := cmp.Diff(tc.want, all); diff != "" {
				t.Errorf("%s: the pages end to end (-want +got):\n%s", name, diff)
			}
			list, total, err := db.FindAccounts(ctx, dbplane.AccountFilter{Order: tc.order, Desc: tc.desc})
			if diff := cmp.Diff(tc.want, accountIDs(list)); diff != "" || total != 7 || err != nil {
				t.Errorf("%s: no page: total %d, %v (want 7, nil), ids (-want +got):\n%s", name, total, err, diff)
			}
		}
		// The default order is EachAccount's.
		var each []*dbplane.Account
		err := db.EachAccount(ctx, func(a *dbplane.Account) error { each = append(each, a); return nil })
		if diff := cmp.Diff(byCreated, accountIDs(each)); diff != "" || err != nil {
			t.Errorf("EachAccount() = %v; ids (-FindAccounts +EachAccount):\n%s", err, diff)
		}
	})
}

// TestFindAccountsFilters: each field of the filter, alone and with a page,
// and the figures read with the accounts.
func TestFindAccountsFilters(t *testing.T) {
	t.Parallel()
	bothDialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		seedFindAccounts(t, db)
		setExternal := func(id, ext string) {
			t.Helper()
			if _, err := db.UpdateAccount(ctx, id, dbplane.AccountUpdate{ExternalIDSet: true, ExternalID: &ext}); err != nil {
				t.Fatal(err)
			}
		}
		setExternal("acct-b", "WHMCS-7")
		setExternal("acct-g", "whmcs-7")
		setExternal("acct-d", "WHMCS-70")
		yes, quota := true, int64(2)
		for _, id := range []string{"acct-a", "acct-f"} {
			if _, err := db.UpdateAccount(ctx, id, dbplane.AccountUpdate{Suspended: &yes}); err != nil {
				t.Fatal(err)
			}
		}
		mustHost(t, db, "h1", nil)
		for id, n := range map[string]int{"acct-c": 3, "acct-e": 2, "acct-g": 3} {
			if err := store.SeedDatabases(ctx, db, id, "h1", n); err != nil { // 1 byte each
				t.Fatal(err)
			}
			if _, err := db.UpdateAccount(ctx, id, dbplane.AccountUpdate{StorageBytesSet: true, StorageBytes: &quota}); err != nil {
				t.Fatal(err)
			}
		}
		var matched int
		odd := func(a *dbplane.Account) bool { matched++; return a.NumericID%2 == 1 }
		byID := dbplane.AccountsByID
		for _, tc := range []struct {
			name  string
			f     dbplane.AccountFilter
			want  []string
			total int
		}{
			{"IDs", dbplane.AccountFilter{IDs: []string{"acct-g", "acct-a", "nobody"}, Order: byID}, []string{"acct-a", "acct-g"}, 2},
			{"IDsFive", dbplane.AccountFilter{IDs: []string{"acct-g", "acct-a", "acct-c", "acct-e", "acct-b"}, Order: byID},
				[]string{"acct-a", "acct-b", "acct-c", "acct-e", "acct-g"}, 5},
			{"IDsPage", dbplane.AccountFilter{IDs: []string{"acct-g", "acct-a", "acct-c"}, Order: byID, Page: dbplane.Page{Page: 2, PerPage: 2}},
				[]string{"acct-g"}, 3},
			{"IDsEmpty", dbplane.AccountFilter{IDs: []string{}}, []string{}, 0},
			{"NumericID", dbplane.AccountFilter{NumericID: 3}, []string{"acct-g"}, 1},
			{"NumericIDNone", dbplane.AccountFilter{NumericID: 99}, []string{}, 0},
			// Whole, in its case.
			{"ExternalID", dbplane.AccountFilter{ExternalIDs: []string{"WHMCS-7"}}, []string{"acct-b"}, 1},
			{"ExternalIDAnyOf", dbplane.AccountFilter{ExternalIDs: []string{"x", "whmcs-7", "WHMCS-70"}, Order: byID}, []string{"acct-d", "acct-g"}, 2},
			{"ExternalIDPart", dbplane.AccountFilter{ExternalIDs: []string{"WHMCS"}}, []string{}, 0},
			{"ExternalIDEmpty", dbplane.AccountFilter{ExternalIDs: []string{}}, []string{}, 0},
			{"Suspended", dbplane.AccountFilter{Suspended: true, Order: byID}, []string{"acct-a", "acct-f"}, 2},
			{"SuspendedCount", dbplane.AccountFilter{Suspended: true, Page: dbplane.Page{Page: 1, PerPage: 1}}, []string{"acct-f"}, 2},
			// 3 bytes over 2; 2 bytes is not over 2.
			{"OverQuota", dbplane.AccountFilter{OverQuota: true}, []string{"acct-c", "acct-g"}, 2},
			{"Together", dbplane.AccountFilter{IDs: []string{"acct-a", "acct-b"}, Suspended: true}, []string{"acct-a"}, 1},
			// Numeric ids 1, 3, 5, 7: acct-e, acct-g, acct-f, acct-d.
			{"Match", dbplane.AccountFilter{Match: odd, Order: dbplane.AccountsByNumericID}, []string{"acct-e", "acct-g", "acct-f", "acct-d"}, 4},
			{"MatchPage", dbplane.AccountFilter{Match: odd, Order: dbplane.AccountsByNumericID, Desc: true, Page: dbplane.Page{Page: 2, PerPage: 3}},
				[]string{"acct-e"}, 4},
			{"MatchPastTheEnd", dbplane.AccountFilter{Match: odd, Page: dbplane.Page{Page: 3, PerPage: 3}}, []string{}, 4},
			{"MatchAndFields", dbplane.AccountFilter{Match: odd, Suspended: true}, []string{"acct-f"}, 1},
		} {
			list, total, err := db.FindAccounts(ctx, tc.f)
			if err != nil {
				t.Errorf("%s: FindAccounts = %v", tc.name, err)
				continue
			}
			if diff := cmp.Diff(tc.want, accountIDs(list)); diff != "" || total != tc.total {
				t.Errorf("%s: total %d (want %d), ids (-want +got):\n%s", tc.name, total, tc.total, diff)
			}
		}
		// Match sees only what the other fields select.
		matched = 0
		if _, _, err := db.FindAccounts(ctx, dbplane.AccountFilter{Match: odd, Suspended: true}); err != nil || matched != 2 {
			t.Errorf("Match with Suspended ran on %d accounts (%v), want the 2 suspended", matched, err)
		}
		list, _, err := db.FindAccounts(ctx, dbplane.AccountFilter{IDs: []string{"acct-g"}})
		if err != nil || len(list) != 1 || list[0].DatabaseCount != 3 || list[0].UsedBytes != 3 || !list[0].OverQuota() ||
			list[0].ExternalID == nil || *list[0].ExternalID != "whmcs-7" || list[0].NumericID != 3 || list[0].Email != "acct-g@example.com" {
			t.Errorf("FindAccounts(acct-g) = %+v, %v; want its row with counters 3 and 3", list, err)
		}
	})
}

// TestFindAccountsEmails: Emails selects by the whole email as stored, in
// its case (as sign-in compares it), on both dialects, and is looked up
// on the accounts' unique email index, never by a scan.
func TestFindAccountsEmails(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		ctx := context.Background()
		seedFindAccounts(t, db)
		mixed := &dbplane.Account{ID: "acct-m", Email: "Mixed.Case@Example.com", Name: "m", Role: dbplane.RoleUser}
		if err := db.CreateAccount(ctx, mixed); err != nil {
			t.Fatal(err)
		}
		byID := dbplane.AccountsByID
		for _, tc := range []struct {
			name string
			f    dbplane.AccountFilter
			want []string
		}{
			{"One", dbplane.AccountFilter{Emails: []string{"acct-c@example.com"}}, []string{"acct-c"}},
			{"AnyOf", dbplane.AccountFilter{Emails: []string{"nobody@example.com", "acct-g@example.com", "acct-a@example.com"}, Order: byID}, []string{"acct-a", "acct-g"}},
			{"InItsCase", dbplane.AccountFilter{Emails: []string{"Mixed.Case@Example.com"}}, []string{"acct-m"}},
			{"OtherCase", dbplane.AccountFilter{Emails: []string{"mixed.case@example.com", "ACCT-C@EXAMPLE.COM"}}, []string{}},
			{"Part", dbplane.AccountFilter{Emails: []string{"acct-c"}}, []string{}},
			{"Spaces", dbplane.AccountFilter{Emails: []string{" acct-c@example.com"}}, []string{}},
			{"Empty", dbplane.AccountFilter{Emails: []string{}}, []string{}},
			{"WithIDs", dbplane.AccountFilter{Emails: []string{"acct-c@example.com"}, IDs: []string{"acct-d"}}, []string{}},
		} {
			list, total, err := db.FindAccounts(ctx, tc.f)
			if diff := cmp.Diff(tc.want, accountIDs(list)); diff != "" || total != len(tc.want) || err != nil {
				t.Errorf("%s: total %d, %v; ids (-want +got):\n%s", tc.name, total, err, diff)
			}
		}
	})
	t.Run("plan", func(t *testing.T) {
		db := mustOpen(t)
		ctx := context.Background()
		seedFindAccounts(t, db)
		if _, _, err := db.FindAccounts(ctx, dbplane.AccountFilter{Emails: []string{"acct-c@example.com"}}); err != nil {
			t.Fatal(err)
		}
		checked := 0
		for _, q := range store.CachedStatements(db) {
			if !strings.Contains(q, "a.email IN") {
				continue
			}
			checked++
			plan, err := store.QueryPlan(ctx, db, q)
			if err != nil {
				t.Fatal(err)
			}
			if slices.ContainsFunc(plan, fullScan) || !slices.ContainsFunc(plan, func(s string) bool {
				return strings.Contains(s, "INDEX sqlite_autoindex_accounts") && strings.Contains(s, "email=?")
			}) {
				t.Errorf("%s does not look the email up on its unique index: plan %q", oneLine(q), plan)
			}
		}
		if checked == 0 {
			t.Error("no statement with a.email IN was run")
		}
	})
}
