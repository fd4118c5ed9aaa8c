package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/store"
	"github.com/google/go-cmp/cmp"
)

// TestEachAccount: every account, oldest first and by id within one
// millisecond, with the counters as figures, read by one query that is
// still open while fn runs (rows are handed over as they are read, not
// gathered first); fn's error stops it, and no connection is left taken.
func TestEachAccount(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		ctx := context.Background()
		base := time.Date(2026, 5, 20, 9, 30, 0, 0, time.UTC)
		const n = 250
		type key struct {
			at time.Time
			id string
		}
		var want []key
		for i := range n {
			// Later ids are older, two accounts a millisecond: the
			// order is the creation time's, then the id's.
			at := base.Add(time.Duration((n-1-i)/2) * time.Millisecond)
			db.Now = func() time.Time { return at }
			id := fmt.Sprintf("acct-%03d", i)
			mustAccount(t, db, id, nil)
			want = append(want, key{at, id})
		}
		slices.SortFunc(want, func(a, b key) int {
			if c := a.at.Compare(b.at); c != 0 {
				return c
			}
			return strings.Compare(a.id, b.id)
		})
		wantIDs := make([]string, len(want))
		for i, k := range want {
			wantIDs[i] = k.id
		}
		mustHost(t, db, "h1", nil)
		if err := store.SeedDatabases(ctx, db, "acct-007", "h1", 3); err != nil {
			t.Fatal(err)
		}

		var got []string
		var inUse []int
		err := db.EachAccount(ctx, func(a *dbplane.Account) error {
			got = append(got, a.ID)
			inUse = append(inUse, store.ReadConnsInUse(db))
			if a.ID == "acct-007" && (a.DatabaseCount != 3 || a.UsedBytes != 3) {
				t.Errorf("EachAccount: acct-007 has databaseCount %d, usedBytes %d; want the counters 3 and 3", a.DatabaseCount, a.UsedBytes)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("EachAccount() = %v", err)
		}
		if diff := cmp.Diff(wantIDs, got); diff != "" {
			t.Errorf("EachAccount() order (-want +got):\n%s", diff)
		}
		if i := slices.IndexFunc(inUse, func(n int) bool { return n < 1 }); i >= 0 {
			t.Errorf("EachAccount: account %d handed over with %d read connections in use, want its query still open", i, inUse[i])
		}
		if n := store.ReadConnsInUse(db); n != 0 {
			t.Errorf("after EachAccount, %d read connections in use, want 0", n)
		}

		list, _, err := db.FindAccounts(ctx, dbplane.AccountFilter{})
		if err != nil || len(list) != n || list[0].ID != wantIDs[0] || list[n-1].ID != wantIDs[n-1] {
			t.Errorf("FindAccounts() = %d accounts, %v; want the %d of EachAccount in its order", len(list), err, n)
		}

		stop := errors.New("stop")
		calls := 0
		err = db.EachAccount(ctx, func(*dbplane.Account) error {
			calls++
			if calls == 10 {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) || calls != 10 {
			t.Errorf("EachAccount(fn failing at the 10th) = %v after %d calls, want fn's error after 10", err, calls)
		}
		if n := store.ReadConnsInUse(db); n != 0 {
			t.Errorf("after a stopped EachAccount, %d read connections in use, want 0", n)
		}
	})
}
