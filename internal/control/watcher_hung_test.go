package control_test

import (
	"context"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/dbtest"
	"github.com/dbplane/dbplane/internal/must"
)

// TestRefreshQuota_HungHostDoesNotHoldBackTheOthers: with one of two
// MariaDB hosts frozen, a quota pass moves an account's database over its
// quota on the live host to over_quota (writes revoked) while the frozen
// host is still being measured, not once its measurement gives up. Its
// database on the frozen host follows once that host answers, in the
// same pass; the pass's report lists each change once.
func TestRefreshQuota_HungHostDoesNotHoldBackTheOthers(t *testing.T) {
	live := dbtest.MariaDB(t)
	hung := ownMariaDB(t)
	fs := openFaultService(t, 3*time.Second)
	ctx := context.Background()
	// The frozen host's database first, so that a move trying it would
	// wait for it before the live one's.
	in := hostInput(hung)
	in.Name, in.MaxDatabases, in.MaxDatabasesSet = ptr("hung"), ptr(1), true
	hungHost, err := fs.svc.CreateHost(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	acct := fs.mustAccount(t)
	create := func(label string) *dbplane.Credentials {
		t.Helper()
		cr, err := fs.svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: acct.ID, Label: label, Engine: "mariadb"})
		if err != nil {
			t.Fatal(err)
		}
		return cr
	}
	other := create("other").Database
	liveHost := fs.mustHost(t, live, "live")
	cr := create("app")
	d := cr.Database
	if other.HostID != hungHost.ID || d.HostID != liveHost.ID {
		t.Fatalf("database other on host %s, app on %s; want them on hung (%s) and live (%s)", other.HostID, d.HostID, hungHost.ID, liveHost.ID)
	}
	tn := tenant{srv: live, user: d.DBUser, password: string(cr.Password), db: d.DBName}
	if err := mariadbOps.fill(ctx, tn); err != nil {
		t.Fatalf("tenant fill: %v", err)
	}
	quota := int64(1 << 20) // the fill takes several MiB
	if _, err := fs.svc.UpdateAccount(ctx, acct.ID, dbplane.AccountUpdate{StorageBytesSet: true, StorageBytes: &quota}); err != nil {
		t.Fatal(err)
	}
	if err := hung.Freeze(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hung.Thaw() })

	type result struct {
		rep *dbplane.QuotaReport
		err error
	}
	done := make(chan result, 1)
	go func() {
		rep, err := fs.svc.RefreshQuota(ctx)
		done <- result{rep, err}
	}()
	// The frozen host's measurement ends only when it is thawed or its
	// bound (a minute) runs out: the live host's database must be over
	// quota before that.
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		got, err := fs.st.Database(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status == dbplane.StatusOverQuota {
			break
		}
		select {
		case r := <-done:
			t.Fatalf("the pass ended (report %+v, err %v) with the frozen host's measurement, and only then is the live database %s (size %d, quota %d); want over_quota while the frozen host is still measured",
				r.rep, r.err, must.Get(fs.st.Database(ctx, d.ID))(t).Status, got.SizeBytes, quota)
		case <-tick.C:
		}
	}
	for _, h := range fs.svc.HostHealth() {
		if h.HostID == hungHost.ID && h.Down {
			t.Errorf("the frozen host was found down (%s) before the live database was moved: the move waited for it", h.Problem)
		}
	}
	if err := mariadbOps.write(ctx, tn); err == nil {
		t.Error("over quota while the other host is frozen: a write succeeded")
	}

	if err := hung.Thaw(); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil {
		t.Fatalf("RefreshQuota: %v", r.err)
	}
	// The frozen host's database is left to the pass's end, when its
	// host answers again: tried while frozen, the change would be left to
	// the reconciler.
	for _, db := range []*dbplane.Database{d, other} {
		n := 0
		for _, c := range r.rep.Changed {
			if c.DatabaseID == db.ID {
				n++
				if c.From != dbplane.StatusActive || c.To != dbplane.StatusOverQuota {
					t.Errorf("report change %+v, want active → over_quota", c)
				}
			}
		}
		if n != 1 {
			t.Errorf("the report lists database %s's change %d times (%+v), want once", db.Label, n, r.rep.Changed)
		}
	}
	if len(r.rep.Hosts) != 2 {
		t.Errorf("the report lists %d hosts, want 2", len(r.rep.Hosts))
	}
}
