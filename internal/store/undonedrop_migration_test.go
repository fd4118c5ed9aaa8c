package store_test

import (
	"context"
	"testing"

	"github.com/dbplane/dbplane/internal/store"
)

// TestMigration_UndoneDropsHoldTheirPlaces: a store whose undone create's
// drop was left pending by a build that did not count it (the host's
// database_count one short) gets it counted by the migration, so that the
// drop's end does not take the count below the host's databases.
func TestMigration_UndoneDropsHoldTheirPlaces(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		ctx := context.Background()
		mustAccount(t, db, "acc", nil)
		mustHost(t, db, "h1", nil)
		kept := newDB("acc", "kept", "h1")
		if err := db.InsertDatabase(ctx, kept); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CompleteCreate(ctx, kept.Intent); err != nil {
			t.Fatal(err)
		}
		undone := newDB("acc", "undone", "h1")
		if err := db.InsertDatabase(ctx, undone); err != nil {
			t.Fatal(err)
		}
		if err := db.UndoCreate(ctx, undone.Intent, true); err != nil {
			t.Fatal(err)
		}
		noCounterDrift(t, db)
		// As the earlier build left it: the drop counted nothing.
		if err := store.ExecSchema(ctx, db, `UPDATE hosts SET database_count = database_count - 1 WHERE id = 'h1'`); err != nil {
			t.Fatal(err)
		}
		prefix := map[string]string{"sqlite": "0019_", "postgres": "0013_"}[store.Dialect(db)]
		if err := store.RunMigration(ctx, db, prefix); err != nil {
			t.Fatal(err)
		}
		if h, _ := db.Host(ctx, "h1"); h.DatabaseCount != 2 {
			t.Errorf("after the migration the host counts %d databases, want 2 (one and the pending drop)", h.DatabaseCount)
		}
		noCounterDrift(t, db)
		if err := db.CompleteDrop(ctx, undone.Intent); err != nil {
			t.Fatal(err)
		}
		if h, _ := db.Host(ctx, "h1"); h.DatabaseCount != 1 {
			t.Errorf("after the drop the host counts %d databases, want 1", h.DatabaseCount)
		}
		noCounterDrift(t, db)
	})
}
