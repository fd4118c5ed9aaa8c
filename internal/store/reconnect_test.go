package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/dbtest"
)

// TestStore_GoesOnAfterTheSessionsEnded: PostgreSQL ends every session of
// the store (a failover, a restart, pg_terminate_backend) while they sit
// in the pool; the next reads and write transactions reconnect and go
// through instead of failing: a read changes nothing, and a transaction
// whose session ended before its commit changed nothing either.
func TestStore_GoesOnAfterTheSessionsEnded(t *testing.T) {
	db := mustOpenPostgres(t)
	ctx := context.Background()
	for i := range 16 {
		mustAccount(t, db, fmt.Sprintf("before%d", i), nil)
	}
	pg := dbtest.Postgres(t)
	end := func() {
		t.Helper()
		if _, err := pg.AdminDB().ExecContext(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
			WHERE pid <> pg_backend_pid() AND application_name = 'dbplane'`); err != nil {
			t.Fatal(err)
		}
	}
	end()
	if _, err := db.Account(ctx, "before0"); err != nil {
		t.Errorf("a one-row read after the sessions ended: %v", err)
	}
	end()
	if list, _, err := db.FindAccounts(ctx, dbplane.AccountFilter{}); err != nil || len(list) != 16 {
		t.Errorf("a list after the sessions ended = %d accounts, %v; want 16", len(list), err)
	}
	end()
	for i := range 16 {
		mustAccount(t, db, fmt.Sprintf("after%d", i), nil)
	}
}
