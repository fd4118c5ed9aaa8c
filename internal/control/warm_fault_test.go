package control_test

import (
	"context"
	"os"
	"slices"
	"strings"
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
	return ownServer(t, dbtest.StartPostgres, dir)
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
			h, acct := fs.mustWarmHost(t, srv, 2)
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

// TestRetireHost_ReportsWarmDatabases (warm pool defect 1): retiring a
// PostgreSQL host with a warm pool never reaches it, so its warm databases
// stay on it; the orphan report names every one of them, those of the pool
// and the one an abandoned claim held, from the retire and from the
// orphans route alike, and nothing touches them afterwards. Deleting the
// retired host then forgets them, as it forgets the rest of the host.
func TestRetireHost_ReportsWarmDatabases(t *testing.T) {
	if testing.Short() {
		t.Skip("starts database servers")
	}
	srv := ownPostgres(t)
	fs := openFaultService(t, 2*time.Second)
	ctx := context.Background()
	h, acct := fs.mustWarmHost(t, srv, 3)

	// The host hangs: a create claims a warm database and fails, leaving
	// the drop of its names pending; then the host is retired.
	mustDo(t, srv.Freeze())
	if _, err := fs.svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: acct.ID, Label: "claim", Engine: "postgres"}); dbplane.ErrorCode(err) != dbplane.CodeUnavailable {
		t.Fatalf("create on the hung host = %v, want 503", err)
	}
	rep, err := fs.svc.RetireHost(ctx, h.ID)
	if err != nil {
		t.Fatalf("RetireHost: %v", err)
	}
	again := must.Get(fs.svc.HostOrphans(ctx, h.ID))(t)
	// Whatever a later refill pass does, it never reaches a retired host.
	mustDo(t, fs.svc.RefillWarmAged(ctx, 0))
	mustDo(t, srv.Thaw())

	// A warm database and its role share their name.
	on := warmOnServer(t, srv)
	if len(on) != 6 {
		t.Fatalf("warm databases and roles on the retired host's server: %v, want 3 of each", on)
	}
	slices.Sort(on)
	on = slices.Compact(on)
	named := func(rep *dbplane.OrphanReport, abandoned bool) []string {
		var out []string
		for _, w := range rep.Warm {
			out = append(out, w.DBName, w.DBUser)
		}
		if abandoned {
			for _, a := range rep.Abandoned {
				for _, n := range []string{a.WarmDB, a.WarmUser, a.DBName, a.DBUser} {
					if strings.HasPrefix(n, dbplane.WarmPrefix) {
						out = append(out, n)
					}
				}
			}
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	if got := named(rep, true); !slices.Equal(got, on) {
		t.Errorf("retire report names warm databases and roles %v; the server holds %v", got, on)
	}
	// The pool's two are reported by the orphans route too (the
	// abandoned claim is only in the retire answer, as every abandoned
	// change is).
	if got := named(again, false); len(got) != 2 || !slices.Equal(got, named(rep, false)) {
		t.Errorf("orphans route names warm databases and roles %v, want the pool's 2 of the retire report %v", got, named(rep, false))
	}
	for _, w := range again.Warm {
		if !slices.Contains(on, w.DBName) || !slices.Contains(on, w.DBUser) {
			t.Errorf("reported warm database %s / %s is not on the server", w.DBName, w.DBUser)
		}
	}

	// The retired host goes once its orphans do; its warm databases are
	// forgotten with it (they were reported) and stay on the server.
	mustDo(t, fs.svc.DeleteHost(ctx, h.ID))
	if rows := must.Get(fs.st.WarmDatabases(ctx, ""))(t); len(rows) != 0 {
		t.Errorf("%d warm rows left after the retired host was deleted", len(rows))
	}
	if left := warmOnServer(t, srv); len(left) != 6 {
		t.Errorf("deleting the retired host reached it: warm objects left %v", left)
	}
}

// mustWarmHost registers srv with a warm pool of pool, fills the pool and
// returns the host with a fresh account.
func (fs *faultService) mustWarmHost(t *testing.T, srv *dbtest.Server, pool int) (*dbplane.Host, *dbplane.Account) {
	t.Helper()
	ctx := context.Background()
	in := hostInput(srv)
	in.WarmPool = ptr(pool)
	h := must.Get(fs.svc.CreateHost(ctx, in))(t)
	acct := fs.mustAccount(t)
	mustDo(t, fs.svc.RefillWarmAged(ctx, 0))
	if n := must.Get(fs.svc.WarmReady(ctx, h.ID))(t); n != pool {
		t.Fatalf("%d warm databases ready, want %d", n, pool)
	}
	return h, acct
}
