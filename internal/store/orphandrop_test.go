package store_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/dbtest"
	"github.com/dbplane/dbplane/internal/store"
)

// TestDeleteOrphan_WithADropLeftByTheRetirement: on PostgreSQL a drop
// whose transaction is still open while RetireHost runs is not among the
// intents RetireHost deletes, but its row is orphaned once it commits
// (the AbandonRetired case). The operator then deletes the orphan; the
// drop left behind, its row gone, must not read as an undone create's
// drop (undoneDrop) and give the host a place back a second time when
// the reconciler abandons it.
func TestDeleteOrphan_WithADropLeftByTheRetirement(t *testing.T) {
	dbtest.Postgres(t)
	db := mustOpenPostgres(t)
	ctx := context.Background()
	mustAccount(t, db, "acc", nil)
	mustHost(t, db, "h1", nil)
	var dropped, kept *dbplane.Database
	for _, label := range []string{"dropped", "kept"} {
		nd := newDB("acc", label, "h1")
		if err := db.InsertDatabase(ctx, nd); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CompleteCreate(ctx, nd.Intent); err != nil {
			t.Fatal(err)
		}
		if label == "dropped" {
			dropped = nd.Database
		} else {
			kept = nd.Database
		}
	}

	// BeginDrop's writes, its transaction still open.
	raw, err := sql.Open("pgx", urlOf(t, db))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	drop, err := raw.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer drop.Rollback()
	now := time.Now().UnixMilli()
	if _, err := drop.ExecContext(ctx, `INSERT INTO intents (id, kind, database_id, host_id, db_name, db_user, remote, created_at, token, leased_at)
		VALUES ('idrop', 'drop', $1, 'h1', $2, $3, '%', $4, 0, $4)`, dropped.ID, dropped.DBName, dropped.DBUser, now); err != nil {
		t.Fatal(err)
	}
	if _, err := drop.ExecContext(ctx, `UPDATE databases SET status = 'deleting', updated_at = $1 WHERE id = $2 AND status = 'active'`, now, dropped.ID); err != nil {
		t.Fatal(err)
	}
	retired := make(chan error, 1)
	go func() {
		_, _, err := db.RetireHost(ctx, "h1")
		retired <- err
	}()
	// RetireHost has deleted the intents it sees and waits on the row.
	deadline := time.Now().Add(10 * time.Second)
	for {
		var waiting int
		if err := raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("RetireHost never waited on the drop's row")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := drop.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-retired; err != nil {
		t.Fatal(err)
	}
	if d, err := db.Database(ctx, dropped.ID); err != nil || d.Status != dbplane.StatusOrphaned {
		t.Fatalf("after the retirement the dropped row is %v, %v; want orphaned", d, err)
	}
	// (CounterDrift counts orphans against their account: not used here.)
	hostCounts(t, db, "h1", 2)

	// The operator deletes the orphan (no intent: there is no engine).
	if _, err := db.BeginDrop(ctx, &dbplane.Intent{ID: "iorphan", DatabaseID: dropped.ID}); err != nil {
		t.Fatal(err)
	}
	hostCounts(t, db, "h1", 1)
	// The reconciler abandons what it finds on the retired host.
	left, err := db.ClaimIntents(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range left {
		if err := db.AbandonRetired(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	hostCounts(t, db, "h1", 1) // the kept orphan
	if _, err := db.BeginDrop(ctx, &dbplane.Intent{ID: "ikept", DatabaseID: kept.ID}); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteHost(ctx, "h1"); err != nil {
		t.Errorf("DeleteHost of the emptied retired host = %v", err)
	}
}

// hostCounts checks the host's database_count.
func hostCounts(t *testing.T, db *store.DB, id string, want int) {
	t.Helper()
	h, err := db.Host(context.Background(), id)
	if err != nil {
		t.Fatalf("Host(%s): %v", id, err)
	}
	if h.DatabaseCount != want {
		t.Errorf("host %s: database_count %d, want %d", id, h.DatabaseCount, want)
	}
}
