package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
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
		ids, err := db.Drifted(ctx, "")
		if err != nil {
			b.Fatal(err)
		}
		if len(ids) != n {
			b.Fatalf("drifted = %d, want %d (every database is over quota)", len(ids), n)
		}
	}
}
