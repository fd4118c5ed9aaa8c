package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/store"
)

// The two ways a watcher pass stores sizes: UpdateSizes reads the host's
// rows in its write transaction; the watcher reads them first, while the
// engine measures, and then writes what differs (UpdateSizesFrom).
var updateWays = map[string]func(ctx context.Context, db *store.DB, hostID string, sizes map[string]int64, at time.Time) (int, error){
	"in the transaction": func(ctx context.Context, db *store.DB, hostID string, sizes map[string]int64, at time.Time) (int, error) {
		return db.UpdateSizes(ctx, hostID, sizes, at)
	},
	"read first": func(ctx context.Context, db *store.DB, hostID string, sizes map[string]int64, at time.Time) (int, error) {
		stored, err := db.ReadHostSizes(ctx, hostID)
		if err != nil {
			return 0, err
		}
		return db.UpdateSizesFrom(ctx, stored, sizes, at)
	},
}

// TestUpdateSizes checks that a watcher pass writes only the rows whose size
// changed, and that every measured database still reports the time of the
// last pass as its sizeRefreshedAt, both ways.
func TestUpdateSizes(t *testing.T) {
	for way, update := range updateWays {
		t.Run(way, func(t *testing.T) { testUpdateSizes(t, update) })
	}
}

func testUpdateSizes(t *testing.T, update func(ctx context.Context, db *store.DB, hostID string, sizes map[string]int64, at time.Time) (int, error)) {
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

		n, err := update(ctx, db, "h1", map[string]int64{names["a"]: 10, names["b"]: 20, names["d"]: 5, "not_ours": 7}, t1)
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
		if n, err := update(ctx, db, "h1", map[string]int64{names["a"]: 10, names["b"]: 20, names["d"]: 5}, t2); err != nil || n != 3 {
			t.Fatalf("second pass: UpdateSizes = %d, %v", n, err)
		}
		check("second pass", map[string]want{
			"a": {10, t2, t1}, "b": {20, t2, t1}, "c": {0, t2, t1}, "d": {5, t2, t2}, "e": {0, time.Time{}, time.Time{}},
		})
		usedBytes("second pass", 35)

		// a grows, b is gone from the host (measures 0), d is not reported.
		if n, err := update(ctx, db, "h1", map[string]int64{names["a"]: 11}, t3); err != nil || n != 1 {
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

// TestUpdateSizesFrom_RowsChangedSinceTheRead checks what happens to rows
// that change between the watcher's read and its write: a database created
// in between is not written (it shows as never measured) and is measured
// by the next pass; one deleted in between is not brought back; one that
// settled in between keeps the size the engine reported.
func TestUpdateSizesFrom_RowsChangedSinceTheRead(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		ctx := context.Background()
		mustAccount(t, db, "acc", nil)
		mustHost(t, db, "h1", nil)
		settled := func(label string) *dbplane.Database {
			t.Helper()
			nd := newDB("acc", label, "h1")
			if err := db.InsertDatabase(ctx, nd); err != nil {
				t.Fatal(err)
			}
			if _, err := db.CompleteCreate(ctx, nd.Intent); err != nil {
				t.Fatal(err)
			}
			return nd.Database
		}
		kept, gone := settled("kept"), settled("gone")
		settling := newDB("acc", "settling", "h1")
		if err := db.InsertDatabase(ctx, settling); err != nil {
			t.Fatal(err)
		}

		stored, err := db.ReadHostSizes(ctx, "h1")
		if err != nil {
			t.Fatal(err)
		}
		if stored.Len() != 3 {
			t.Fatalf("ReadHostSizes: %d rows, want 3", stored.Len())
		}
		late := settled("late")
		if _, err := db.CompleteCreate(ctx, settling.Intent); err != nil {
			t.Fatal(err)
		}
		if err := store.DeleteDatabaseRow(ctx, db, gone.ID); err != nil {
			t.Fatal(err)
		}
		t1 := time.UnixMilli(1_700_000_000_000)
		sizes := map[string]int64{kept.DBName: 10, late.DBName: 20, settling.Database.DBName: 30}
		if n, err := db.UpdateSizesFrom(ctx, stored, sizes, t1); err != nil || n != 2 {
			t.Fatalf("UpdateSizesFrom = %d, %v; want 2 matched (kept, settling)", n, err)
		}
		get := func(d *dbplane.Database) *dbplane.Database {
			t.Helper()
			got, err := db.Database(ctx, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		if d := get(kept); d.SizeBytes != 10 || d.SizeRefreshedAt == nil || !d.SizeRefreshedAt.Equal(t1) {
			t.Errorf("kept: size %d at %v, want 10 at %v", d.SizeBytes, d.SizeRefreshedAt, t1)
		}
		if d := get(settling.Database); d.SizeBytes != 30 || d.SizeRefreshedAt == nil || !d.SizeRefreshedAt.Equal(t1) {
			t.Errorf("settling: size %d at %v, want 30 at %v", d.SizeBytes, d.SizeRefreshedAt, t1)
		}
		if d := get(late); d.SizeBytes != 0 || d.SizeRefreshedAt != nil {
			t.Errorf("late: size %d at %v, want never measured", d.SizeBytes, d.SizeRefreshedAt)
		}
		if _, err := db.Database(ctx, gone.ID); err == nil {
			t.Errorf("gone: the row is back")
		}
		if drift, err := store.CounterDrift(ctx, db); err != nil || len(drift) > 0 {
			t.Errorf("counters: %v, %v", drift, err)
		}

		t2 := t1.Add(time.Minute)
		if n, err := updateWays["read first"](ctx, db, "h1", sizes, t2); err != nil || n != 3 {
			t.Fatalf("next pass = %d, %v; want 3 matched", n, err)
		}
		if d := get(late); d.SizeBytes != 20 || d.SizeRefreshedAt == nil || !d.SizeRefreshedAt.Equal(t2) {
			t.Errorf("late, next pass: size %d at %v, want 20 at %v", d.SizeBytes, d.SizeRefreshedAt, t2)
		}
		a, err := db.Account(ctx, "acc")
		if err != nil {
			t.Fatal(err)
		}
		if a.UsedBytes != 60 {
			t.Errorf("used bytes %d, want 60", a.UsedBytes)
		}
	})
}

// BenchmarkUpdateSizes is the store's part of a watcher pass over a host
// of 100,000 databases: when no size changed, and when 1 % did. "tx" is
// UpdateSizes (the host's rows read inside the write transaction);
// "after-read" is UpdateSizesFrom alone, what is left on the watcher's path
// once ReadHostSizes has run while the engine measured; "read" is
// ReadHostSizes alone. cpu-ms/op is the process's user + system CPU.
func BenchmarkUpdateSizes(b *testing.B) {
	const n = 100000
	for _, changed := range []int{0, n / 100} {
		for _, way := range []string{"tx", "after-read", "read"} {
			b.Run(fmt.Sprintf("changed=%d/%s", changed, way), func(b *testing.B) {
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
				var cpu time.Duration
				for b.Loop() {
					round++
					for i := range changed {
						sizes[fmt.Sprintf("seed_acc_%d", i)] = round
					}
					var err error
					switch way {
					case "tx":
						c0 := processCPU()
						_, err = db.UpdateSizes(ctx, "h1", sizes, time.Now())
						cpu += processCPU() - c0
					case "after-read", "read":
						var stored *store.HostSizes
						if way == "after-read" {
							b.StopTimer()
						}
						c0 := processCPU()
						if stored, err = db.ReadHostSizes(ctx, "h1"); err != nil {
							b.Fatal(err)
						}
						if stored.Len() != n {
							b.Fatalf("ReadHostSizes: %d rows, want %d", stored.Len(), n)
						}
						if way == "read" {
							cpu += processCPU() - c0
							continue
						}
						b.StartTimer()
						c0 = processCPU()
						_, err = db.UpdateSizesFrom(ctx, stored, sizes, time.Now())
						cpu += processCPU() - c0
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
			})
		}
	}
}
