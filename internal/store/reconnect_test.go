package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/dbplane/dbplane/internal/dbtest"
)

// TestTx_RunsAgainAfterTheSessionEnded: PostgreSQL ends every session of
// the store (a failover, a restart, pg_terminate_backend); the next
// write transactions reconnect and go through instead of failing, since
// a transaction whose session ended before its commit changed nothing.
func TestTx_RunsAgainAfterTheSessionEnded(t *testing.T) {
	db := mustOpenPostgres(t)
	ctx := context.Background()
	for i := range 16 { // fill the pool with open sessions
		mustAccount(t, db, fmt.Sprintf("before%d", i), nil)
	}
	pg := dbtest.Postgres(t)
	if _, err := pg.AdminDB().ExecContext(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE pid <> pg_backend_pid() AND application_name = 'dbplane'`); err != nil {
		t.Fatal(err)
	}
	for i := range 16 {
		mustAccount(t, db, fmt.Sprintf("after%d", i), nil)
	}
}
