package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/dbplane/dbplane/internal/store"
)

// TestReadRows_StopWhenTheCallerGivesUp: a query of many rows on the read
// pool stops once its context ends: the rows close and report the
// context's error. (A watcher pass whose host did not answer gives up on
// reading a million stored sizes this way; read to the end, they held
// 50 MiB of Go heap.)
func TestReadRows_StopWhenTheCallerGivesUp(t *testing.T) {
	db := mustOpen(t)
	ctx := context.Background()
	mustAccount(t, db, "acc", nil)
	mustHost(t, db, "h1", nil)
	const n = 5000
	if err := store.SeedDatabases(ctx, db, "acc", "h1", n); err != nil {
		t.Fatal(err)
	}
	qctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rows, err := store.ReadRows(qctx, db, `SELECT db_name FROM databases WHERE host_id = ?`, "h1")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	read := 0
	for rows.Next() {
		read++
		if read == 1 {
			cancel()
			time.Sleep(50 * time.Millisecond) // database/sql closes the rows meanwhile
		}
	}
	if err := rows.Err(); !errors.Is(err, context.Canceled) {
		t.Errorf("rows.Err() = %v after the context ended, want context.Canceled", err)
	}
	if read == n {
		t.Errorf("read all %d rows after the context ended, want the read stopped", n)
	}
}
