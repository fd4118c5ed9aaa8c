package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/store"
)

// TestUpdateSizes checks that a watcher pass writes only the rows whose size
// changed, and that every measured database still reports the time of the
// last pass as its sizeRefreshedAt.
func TestUpdateSizes(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		ctx := context.Background()
		mustAccount(t, db, "acc", nil)
		mustHost(t, db, "h1", nil)
		mustHost(t, db, "h2", nil)
		names := map[string]string{} // label → db name
		for _, l := range []string{"a", "b", "c"} {
			nd := newDB("acc", l, "h1")
			if err := db.InsertDatabase(ctx, nd); err != nil {
				t.Fatal(err)
			}
			if _, err := db.CompleteCreate(ctx, nd.Intent); err != nil {
				t.Fatal(err)
			}
			names[l] = nd.Database.DBName
		}
		creating := newDB("acc", "d", "h1") // still being created
		if err := db.InsertDatabase(ctx, creating); err != nil {
			t.Fatal(err)
		}
		names["d"] = creating.Database.DBName
		other := newDB("acc", "e", "h2")
		if err := db.InsertDatabase(ctx, other); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CompleteCreate(ctx, other.Intent); err != nil {
			t.Fatal(err)
		}
		names["e"] = other.Database.DBName

		t1 := time.UnixMilli(1_700_000_000_000)
		t2, t3 := t1.Add(time.Minute), t1.Add(2*time.Minute)
		type want struct {
			size      int64
			refreshed time.Time // zero: never measured
			row       time.Time // the stored column
		}
		check := func(step string, wants map[string]want) {
			t.Helper()
			list, err := db.ListDatabases(ctx, "acc")
			if err != nil {
				t.Fatal(err)
			}
			byName := map[string]*dbplane.Database{}
			for _, d := range list {
				byName[d.DBName] = d
			}
			for l, w := range wants {
				d := byName[names[l]]
				if d == nil {
					t.Fatalf("%s: database %s missing from the list", step, l)
				}
				var got time.Time
				if d.SizeRefreshedAt != nil {
					got = *d.SizeRefreshedAt
				}
				if d.SizeBytes != w.size || !got.Equal(w.refreshed) {
					t.Errorf("%s: %s size %d refreshed %v, want %d and %v", step, l, d.SizeBytes, got, w.size, w.refreshed)
				}
				row, err := store.RowSizeRefreshedAt(ctx, db, names[l])
				if err != nil {
					t.Fatal(err)
				}
				wantRow := int64(0)
				if !w.row.IsZero() {
					wantRow = w.row.UnixMilli()
				}
				if row != wantRow {
					t.Errorf("%s: %s row written at %d, want %d (only changed sizes are written)", step, l, row, wantRow)
				}
			}
		}
		usedBytes := func(step string, want int64) {
			t.Helper()
			a, err := db.Account(ctx, "acc")
			if err != nil {
				t.Fatal(err)
			}
			if a.UsedBytes != want {
				t.Errorf("%s: used bytes %d, want %d", step, a.UsedBytes, want)
			}
		}

		n, err := db.UpdateSizes(ctx, "h1", map[string]int64{names["a"]: 10, names["b"]: 20, names["d"]: 5, "not_ours": 7}, t1)
		if err != nil || n != 3 {
			t.Fatalf("first pass: UpdateSizes = %d, %v; want 3 matched", n, err)
		}
		check("first pass", map[string]want{
			"a": {10, t1, t1}, "b": {20, t1, t1}, "c": {0, t1, t1}, "d": {5, t1, t1}, "e": {0, time.Time{}, time.Time{}},
		})
		usedBytes("first pass", 35)

		// Nothing changed: no database row is written, every settled one
		// reports the new pass; the one being created keeps its own time
		// unless reported (it is: its row is written).
		if n, err := db.UpdateSizes(ctx, "h1", map[string]int64{names["a"]: 10, names["b"]: 20, names["d"]: 5}, t2); err != nil || n != 3 {
			t.Fatalf("second pass: UpdateSizes = %d, %v", n, err)
		}
		check("second pass", map[string]want{
			"a": {10, t2, t1}, "b": {20, t2, t1}, "c": {0, t2, t1}, "d": {5, t2, t2}, "e": {0, time.Time{}, time.Time{}},
		})
		usedBytes("second pass", 35)

		// a grows, b is gone from the host (measures 0), d is not reported.
		if n, err := db.UpdateSizes(ctx, "h1", map[string]int64{names["a"]: 11}, t3); err != nil || n != 1 {
			t.Fatalf("third pass: UpdateSizes = %d, %v", n, err)
		}
		check("third pass", map[string]want{
			"a": {11, t3, t3}, "b": {0, t3, t3}, "c": {0, t3, t1}, "d": {5, t2, t2}, "e": {0, time.Time{}, time.Time{}},
		})
		usedBytes("third pass", 16)
		if drift, err := store.CounterDrift(ctx, db); err != nil || len(drift) > 0 {
			t.Errorf("counters after the passes: %v, %v", drift, err)
		}
	})
}

// BenchmarkUpdateSizes is the store's part of a watcher pass over a host
// of 100,000 databases: when no size changed, and when 1 % did.
func BenchmarkUpdateSizes(b *testing.B) {
	const n = 100000
	for _, changed := range []int{0, n / 100} {
		b.Run(fmt.Sprintf("changed=%d", changed), func(b *testing.B) {
			db := mustOpen(b)
			ctx := context.Background()
			mustAccount(b, db, "acc", nil)
			mustHost(b, db, "h1", nil)
			if err := store.SeedDatabases(ctx, db, "acc", "h1", n); err != nil {
				b.Fatal(err)
			}
			sizes := make(map[string]int64, n)
			for i := range n {
				sizes[fmt.Sprintf("seed_acc_%d", i)] = 1
			}
			if _, err := db.UpdateSizes(ctx, "h1", sizes, time.Now()); err != nil {
				b.Fatal(err)
			}
			round := int64(1)
			for b.Loop() {
				round++
				for i := range changed {
					sizes[fmt.Sprintf("seed_acc_%d", i)] = round
				}
				if _, err := db.UpdateSizes(ctx, "h1", sizes, time.Now()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
