package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/dbplane/dbplane"
)

// BenchmarkHotReads measures the reads the API makes per request, on both
// dialects: authenticating a key, an account's list of 10 databases, and
// a host row. With a PostgreSQL store control does not cache them (other
// replicas write too), so these are the cost per request there.
func BenchmarkHotReads(b *testing.B) {
	for _, d := range []struct {
		name string
		open opener
	}{{"sqlite", mustOpen}, {"postgres", mustOpenPostgres}} {
		b.Run(d.name, func(b *testing.B) {
			db := d.open(b)
			ctx := context.Background()
			mustAccount(b, db, "acc", nil)
			mustHost(b, db, "h1", nil)
			key := &dbplane.APIKey{ID: "k", AccountID: "acc", Kind: dbplane.KeyUser, Name: "k", Prefix: "p", Hash: []byte("hash")}
			if err := db.CreateKey(ctx, key); err != nil {
				b.Fatal(err)
			}
			for i := range 10 {
				if err := db.InsertDatabase(ctx, newDB("acc", fmt.Sprintf("l%d", i), "h1")); err != nil {
					b.Fatal(err)
				}
			}
			b.Run("KeyByHash", func(b *testing.B) {
				for b.Loop() {
					if _, _, err := db.KeyByHash(ctx, []byte("hash")); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("ListDatabases", func(b *testing.B) {
				for b.Loop() {
					if _, err := db.ListDatabases(ctx, "acc"); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("Host", func(b *testing.B) {
				for b.Loop() {
					if _, err := db.Host(ctx, "h1"); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
