package control_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/dbtest"
	"github.com/dbplane/dbplane/internal/must"
	"github.com/dbplane/dbplane/internal/store"
)

// ownPostgres starts a PostgreSQL of the test's own, which it may freeze
// or kill (the shared one serves other tests).
func ownPostgres(t *testing.T) *dbtest.Server {
	t.Helper()
	// The postgres user must reach the dir: t.TempDir's parent is 0700.
	dir, err := os.MkdirTemp("/tmp", "dbtest-warm-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	srv, err := dbtest.StartPostgres(context.Background(), dir)
	if errors.Is(err, dbtest.ErrNotInstalled) && os.Getenv("CI") != "true" {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Thaw() // a frozen server does not die of SIGKILL until resumed
		srv.Stop()
	})
	return srv
}

// checkWarmKnown fails the test unless every warm database and role on srv
// is one the store records, and every warm row of the store (in any
// state) has its database and role on srv: nothing of the warm pool is
// unknown to the store, and no row stands for nothing.
func checkWarmKnown(t *testing.T, st *store.DB, srv *dbtest.Server) {
	t.Helper()
	rows := must.Get(st.WarmDatabases(context.Background(), ""))(t)
	var names []string
	for _, w := range rows {
		names = append(names, w.DBName, w.DBUser)
	}
	slices.Sort(names)
	on := warmOnServer(t, srv)
	slices.Sort(on)
	if !slices.Equal(names, on) {
		t.Errorf("warm databases and roles: store %v, server %v; want the same", names, on)
	}
}

// TestWarm_UndoneClaimOnDownHostLeavesNothing (warm pool defect 2): a
// create that claims a warm database on a PostgreSQL host that is killed
// (the dial is refused: nothing is sent) or hung (SIGSTOP) fails with 503;
// once the host answers, the reconciler and the refill leave no warm
// database or role on the server that the store does not record, no row
// for one the server does not hold, and nothing of the failed create.
func TestWarm_UndoneClaimOnDownHostLeavesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts database servers")
	}
	// killed: the dial is refused (nothing sent). hung: the statements go
	// out on a pooled session and meet the stopped server. hung-dial: no
	// session is pooled (the host was just changed), the handshake times
	// out (nothing sent).
	for _, fault := range []string{"killed", "killed-dial", "hung", "hung-dial"} {
		t.Run(fault, func(t *testing.T) {
			srv := ownPostgres(t)
			const timeout = 2 * time.Second
			fs := openFaultService(t, timeout)
			ctx := context.Background()
			in := hostInput(srv)
			in.WarmPool = ptr(2)
			h := must.Get(fs.svc.CreateHost(ctx, in))(t)
			acct := fs.mustAccount(t)
			mustDo(t, fs.svc.RefillWarmAged(ctx, 0))
			if n := must.Get(fs.svc.WarmReady(ctx, h.ID))(t); n != 2 {
				t.Fatalf("%d warm databases ready, want 2", n)
			}
			checkWarmKnown(t, fs.st, srv)

			switch fault {
			case "killed", "killed-dial":
				mustDo(t, srv.Kill())
			case "hung", "hung-dial":
				mustDo(t, srv.Freeze())
			}
			if fault == "hung-dial" || fault == "killed-dial" {
				must.Get(fs.svc.UpdateHost(ctx, h.ID, dbplane.HostInput{Name: ptr("renamed")}))(t)
			}
			_, err := fs.svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: acct.ID, Label: "claim", Engine: "postgres"})
			if dbplane.ErrorCode(err) != dbplane.CodeUnavailable {
				t.Fatalf("create claiming a warm database on a %s host = %v, want 503", fault, err)
			}
			switch fault {
			case "killed", "killed-dial":
				mustDo(t, srv.Restart(ctx))
			case "hung", "hung-dial":
				mustDo(t, srv.Thaw())
			}

			if err := fs.svc.Reconcile(ctx, 0); err != nil {
				t.Fatalf("Reconcile once the host answers: %v", err)
			}
			if l := fs.intents(t); len(l) != 0 {
				t.Errorf("%d intents left after Reconcile, want 0", len(l))
			}
			checkWarmKnown(t, fs.st, srv)
			dbs, users := engineObjects(t, srv, dbplane.AccountSlug(acct.ID))
			if len(dbs) != 0 || len(users) != 0 {
				t.Errorf("the failed create left databases %v users %v on the host", dbs, users)
			}

			mustDo(t, fs.svc.RefillWarmAged(ctx, 0))
			checkWarmKnown(t, fs.st, srv)
			if n := must.Get(fs.svc.WarmReady(ctx, h.ID))(t); n != 2 {
				t.Errorf("after the refill %d warm databases ready, want 2", n)
			}
			got := must.Get(fs.svc.Host(ctx, h.ID))(t)
			rows := must.Get(fs.st.WarmDatabases(ctx, h.ID))(t)
			if got.WarmCount != len(rows) || got.DatabaseCount != 0 {
				t.Errorf("host warmCount %d databaseCount %d, want %d and 0", got.WarmCount, got.DatabaseCount, len(rows))
			}
			// The host takes a create again, and it claims.
			cr, err := fs.svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: acct.ID, Label: "after", Engine: "postgres"})
			if err != nil {
				t.Fatalf("create once the host answers: %v", err)
			}
			fs.mustLogIn(t, srv, acct.ID, cr.Database)
		})
	}
}
