package store_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/store"
)

// BenchmarkQuotaPass is the store's part of one quota-watcher pass over
// 10,000 databases of one account on one host: store the sizes, recompute
// the over-quota flags, find the databases whose status must follow.
func BenchmarkQuotaPass(b *testing.B) {
	const n = 10000
	db := mustOpen(b)
	ctx := context.Background()
	mustAccount(b, db, "acc", nil)
	mustHost(b, db, "h1", nil)
	sizes := map[string]int64{}
	for i := range n {
		nd := newDB("acc", fmt.Sprintf("l%d", i), "h1")
		if err := db.InsertDatabase(ctx, nd); err != nil {
			b.Fatal(err)
		}
		if _, err := db.CompleteCreate(ctx, nd.Intent); err != nil {
			b.Fatal(err)
		}
		sizes[nd.Database.DBName] = int64(i)
	}
	quota := int64(n * n / 4)
	if _, err := db.UpdateAccount(ctx, "acc", dbplane.AccountUpdate{StorageBytesSet: true, StorageBytes: &quota}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := db.UpdateSizes(ctx, "h1", sizes, time.Now()); err != nil {
			b.Fatal(err)
		}
		if err := db.RecomputeOverQuota(ctx); err != nil {
			b.Fatal(err)
		}
		ids, err := db.Drifted(ctx, store.DriftFilter{})
		if err != nil {
			b.Fatal(err)
		}
		if len(ids) != n {
			b.Fatalf("drifted = %d, want %d (every database is over quota)", len(ids), n)
		}
	}
}

// BenchmarkInsertDatabase is the store's part of one create (the insert
// with every quota checked, then the completion) with 0, 5,000, 20,000 and
// 1,000,000 databases already in the account and on the host. The account
// has slots and a storage quota and the host a maxDatabases, so every
// check runs. Seeding the million takes about a minute.
func BenchmarkInsertDatabase(b *testing.B) {
	for _, existing := range []int{0, 5000, 20000, 1000000} {
		b.Run(fmt.Sprintf("existing=%d", existing), func(b *testing.B) {
			db := mustOpen(b)
			// A context that can end, as every request's (the store
			// timeout): the driver treats such contexts differently.
			ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
			defer cancel()
			a := mustAccount(b, db, "acc", ptr(1<<30))
			quota := int64(1 << 50)
			if _, err := db.UpdateAccount(ctx, a.ID, dbplane.AccountUpdate{StorageBytesSet: true, StorageBytes: &quota}); err != nil {
				b.Fatal(err)
			}
			mustHost(b, db, "h1", ptr(1<<30))
			if err := store.SeedDatabases(ctx, db, "acc", "h1", existing); err != nil {
				b.Fatal(err)
			}
			// As serve's background checkpoints would: the seed's write-ahead
			// log would otherwise weigh on every later lookup.
			if err := db.Checkpoint(ctx); err != nil {
				b.Fatal(err)
			}
			i := 0
			c0 := processCPU()
			for b.Loop() {
				nd := newDB("acc", fmt.Sprintf("b%d", i), "h1")
				i++
				if err := db.InsertDatabase(ctx, nd); err != nil {
					b.Fatal(err)
				}
				if _, err := db.CompleteCreate(ctx, nd.Intent); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64((processCPU()-c0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
		})
	}
}

// BenchmarkInsertDatabaseParallel is BenchmarkInsertDatabase (an empty
// account and host) from parallel callers (-cpu × 16 goroutines), with
// group commit off (every transaction alone, queued for the one write
// connection, as before) and on.
func BenchmarkInsertDatabaseParallel(b *testing.B) {
	for _, group := range []bool{false, true} {
		b.Run(fmt.Sprintf("group=%v", group), func(b *testing.B) {
			db := mustOpen(b)
			store.SetGroupCommit(db, group)
			ctx := context.Background()
			mustAccount(b, db, "acc", nil)
			mustHost(b, db, "h1", nil)
			var n atomic.Int64
			b.SetParallelism(16)
			b.ResetTimer()
			c0 := processCPU()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					nd := newDB("acc", fmt.Sprintf("b%d", n.Add(1)), "h1")
					if err := db.InsertDatabase(ctx, nd); err != nil {
						b.Error(err)
						return
					}
					if _, err := db.CompleteCreate(ctx, nd.Intent); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64((processCPU()-c0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
			if writes, commits := db.Writes(); commits > 0 {
				b.ReportMetric(float64(writes)/float64(commits), "writes/commit")
			}
		})
	}
}
