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
// MariaDB hosts frozen, a quota pass moves an account over its quota on
// the live host to over_quota (writes revoked) while the frozen host is
// still being measured, not once its measurement gives up; the pass's
// report lists the change once.
func TestRefreshQuota_HungHostDoesNotHoldBackTheOthers(t *testing.T) {
	live := dbtest.MariaDB(t)
	hung := ownMariaDB(t)
	fs := openFaultService(t, 3*time.Second)
	ctx := context.Background()
	fs.mustHost(t, live, "live")
	acct := fs.mustAccount(t)
	// The only host yet: the database lands on the live one.
	cr, err := fs.svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: acct.ID, Label: "app", Engine: "mariadb"})
	if err != nil {
		t.Fatal(err)
	}
	d := cr.Database
	tn := tenant{srv: live, user: d.DBUser, password: string(cr.Password), db: d.DBName}
	if err := mariadbOps.fill(ctx, tn); err != nil {
		t.Fatalf("tenant fill: %v", err)
	}
	quota := int64(1 << 20) // the fill takes several MiB
	if _, err := fs.svc.UpdateAccount(ctx, acct.ID, dbplane.AccountUpdate{StorageBytesSet: true, StorageBytes: &quota}); err != nil {
		t.Fatal(err)
	}
	fs.mustHost(t, hung, "hung")
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
	n := 0
	for _, c := range r.rep.Changed {
		if c.DatabaseID == d.ID {
			n++
			if c.From != dbplane.StatusActive || c.To != dbplane.StatusOverQuota {
				t.Errorf("report change %+v, want active → over_quota", c)
			}
		}
	}
	if n != 1 {
		t.Errorf("the report lists the live database's change %d times (%+v), want once", n, r.rep.Changed)
	}
	if len(r.rep.Hosts) != 2 {
		t.Errorf("the report lists %d hosts, want 2", len(r.rep.Hosts))
	}
}
