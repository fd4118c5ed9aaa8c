package store_test

import (
	"context"
	"errors"
	"sync"
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

// TestReadRow_GivesUpAtItsDeadlineWaitingForAConnection: a one-row read
// whose context ends while it waits for a read connection (all eight
// busy) gives up at its deadline: a request's store read never outlives
// the request.
func TestReadRow_GivesUpAtItsDeadlineWaitingForAConnection(t *testing.T) {
	db := mustOpen(t)
	ctx := context.Background()
	mustAccount(t, db, "acc", nil)
	h := mustHost(t, db, "h1", nil)
	if err := store.SeedDatabases(ctx, db, "acc", "h1", 100); err != nil {
		t.Fatal(err)
	}
	var held []interface{ Close() error }
	for range 8 {
		rows, err := store.ReadRows(ctx, db, `SELECT db_name FROM databases`)
		if err != nil {
			t.Fatal(err)
		}
		rows.Next()
		held = append(held, rows)
	}
	var once sync.Once
	release := func() {
		once.Do(func() {
			for _, r := range held {
				r.Close()
			}
		})
	}
	t.Cleanup(release) // before the store closes
	// Without the deadline the read would wait for ever: free the pool
	// after 3 s so that the test fails instead of hanging.
	time.AfterFunc(3*time.Second, release)
	rctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := db.Host(rctx, h.ID)
	took := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Host() = %v, want the context's deadline", err)
	}
	if took > time.Second {
		t.Errorf("a read with a 100ms deadline took %s: it waited for a pool connection past its deadline", took)
	}
}
