package store

import (
	"context"
	"errors"
	"fmt"
	"runtime/metrics"
	"testing"
	"time"
)

// goroutinesCreated is how many goroutines this process has started.
func goroutinesCreated(t *testing.T) uint64 {
	t.Helper()
	s := []metrics.Sample{{Name: "/sched/goroutines-created:goroutines"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		t.Fatalf("runtime/metrics has no %s", s[0].Name)
	}
	return s[0].Value.Uint64()
}

// TestWrite_NoGoroutinePerTransaction: a write transaction run with a
// context that can end (every request's) starts only database/sql's own
// goroutine. The SQLite driver watched its BEGIN and its COMMIT with one
// each: three goroutines, and the wake-ups of idle threads they cost, per
// transaction, on a path that runs two per create and per rotate.
func TestWrite_NoGoroutinePerTransaction(t *testing.T) {
	db := openGroupTest(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	write := func(i int) {
		if err := db.tx(ctx, func(tx *txn) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO gc (k, seen) VALUES (?, 1)`, fmt.Sprint(i))
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	write(-1) // prepares the statement on the write pool
	const n = 100
	g0 := goroutinesCreated(t)
	for i := range n {
		write(i)
	}
	// database/sql starts one per transaction (Tx.awaitDone), whatever
	// its context; nothing else may.
	if started := goroutinesCreated(t) - g0; started > n+n/10 {
		t.Errorf("%d write transactions started %d goroutines, want at most one each", n, started)
	}
}

// TestWrite_ContextEndedBeforeCommitKeepsNothing: a caller whose context
// ends after its statements ran but before the commit gets the context's
// error, and nothing it wrote is kept.
func TestWrite_ContextEndedBeforeCommitKeepsNothing(t *testing.T) {
	db := openGroupTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	err := db.tx(ctx, func(tx *txn) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO gc (k, seen) VALUES ('late', 1)`); err != nil {
			return err
		}
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("tx whose context ended before its commit: %v, want context.Canceled", err)
	}
	var n int
	if err := db.read.QueryRow(`SELECT COUNT(*) FROM gc WHERE k = 'late'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("the cancelled transaction's row was kept")
	}
	// The write connection is free again.
	if err := db.tx(context.Background(), func(tx *txn) error {
		_, err := tx.ExecContext(context.Background(), `INSERT INTO gc (k, seen) VALUES ('next', 1)`)
		return err
	}); err != nil {
		t.Fatalf("next write: %v", err)
	}
}
