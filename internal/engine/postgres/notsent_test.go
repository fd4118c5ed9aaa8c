package postgres_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/dbplane/dbplane/internal/dbtest"
	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/engine/postgres"
)

// TestConn_FailureAfterAStatementIsNotNotSent: a create whose session
// closes after its first statement ran fails on the next one with an
// error pgx marks safe to retry (nothing of that statement left the
// client). The operation did change the server (the role exists), so its
// error must not read as NotSent: the caller would then undo nothing and
// leave the role behind.
func TestConn_FailureAfterAStatementIsNotNotSent(t *testing.T) {
	srv := dbtest.Postgres(t)
	ctx := testContext(t)
	c := mustOpen(t, srv.AdminConfig())
	postgres.SetAfterStatement(t, func(pc *pgxpool.Conn, i int) {
		if i == 0 {
			pc.Conn().Close(context.Background())
		}
	})
	tn := newTenant()
	_, err := c.EnsureDatabase(ctx, engine.EnsureDatabaseRequest{Database: tn.db, Owner: tn.owner, Password: tn.password, Fresh: true})
	if err == nil {
		t.Fatal("EnsureDatabase succeeded on a session closed after its first statement")
	}
	if errors.Is(err, engine.ErrNotSent) {
		t.Errorf("EnsureDatabase = %v: NotSent after its first statement ran", err)
	}
	var roles int
	if err := srv.AdminDB().QueryRowContext(ctx, "SELECT count(*) FROM pg_roles WHERE rolname = $1", tn.owner).Scan(&roles); err != nil {
		t.Fatal(err)
	}
	if roles != 1 {
		t.Fatalf("%d roles %s after the first statement, want 1 (the test must fail after a change)", roles, tn.owner)
	}
	// What the first statement made is undone by a drop, as the caller
	// of a create that was sent does.
	postgres.SetAfterStatement(t, nil)
	if err := c.DropDatabase(ctx, engine.DropDatabaseRequest{Database: tn.db, Owner: tn.owner}); err != nil {
		t.Fatalf("DropDatabase: %v", err)
	}
}
