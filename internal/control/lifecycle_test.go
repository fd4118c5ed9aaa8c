package control_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"slices"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/dbtest"
)

// startOwnMariaDB starts a MariaDB of the test's own, which the test may
// kill (the shared one serves other tests).
func startOwnMariaDB(t *testing.T) *dbtest.Server {
	t.Helper()
	srv, err := dbtest.StartMariaDB(context.Background(), t.TempDir())
	if errors.Is(err, dbtest.ErrNotInstalled) && os.Getenv("CI") != "true" {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Stop() })
	return srv
}

func mustCreateOn(t *testing.T, rs *realService, accountID, label string) *dbplane.Credentials {
	t.Helper()
	cr, err := rs.svc.CreateDatabase(context.Background(), dbplane.CreateDatabaseInput{AccountID: accountID, Label: label, Engine: "mariadb"})
	if err != nil {
		t.Fatalf("CreateDatabase(%s): %v", label, err)
	}
	return cr
}

// TestRetireHost_DeadHostOrphansItsDatabases: a MariaDB host is killed;
// retiring it orphans its databases without reaching it, abandons the
// rotate left pending on it, gives the account's slots back, refuses
// reveal and rotate with ErrDatabaseOrphaned, lets the orphans be deleted
// without the engine, and the host be deleted once they are.
func TestRetireHost_DeadHostOrphansItsDatabases(t *testing.T) {
	if testing.Short() {
		t.Skip("starts database servers")
	}
	ctx := context.Background()
	dead := startOwnMariaDB(t)
	live := dbtest.MariaDB(t)
	rs := openRealService(t, t.TempDir(), nil)
	in := hostInput(dead)
	in.Name = ptr("doomed")
	deadHost, err := rs.svc.CreateHost(ctx, in)
	if err != nil {
		t.Fatalf("CreateHost: %v", err)
	}
	acct, err := rs.svc.CreateAccount(ctx, dbplane.AccountInput{Email: "retire@example.com", Name: "retire", Slots: ptr(2)})
	if err != nil {
		t.Fatal(err)
	}
	a1 := mustCreateOn(t, rs, acct.ID, "a1")
	a2 := mustCreateOn(t, rs, acct.ID, "a2")
	if _, err := rs.svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: acct.ID, Label: "a3"}); !errors.Is(err, dbplane.ErrOutOfSlots) {
		t.Fatalf("third create with 2 slots: %v, want ErrOutOfSlots", err)
	}

	// The host hangs, then dies: a rotate sent on a pooled session may have
	// reached it and stays pending (one that provably never reached it, a
	// refused dial, would leave nothing: issue 10, defect 3).
	if err := dead.Freeze(); err != nil {
		t.Fatal(err)
	}
	if _, err := rs.svc.RotatePassword(ctx, acct.ID, a1.Database.ID); dbplane.ErrorCode(err) != dbplane.CodeUnavailable {
		t.Fatalf("rotate on the dead host: %v, want unavailable", err)
	}
	if err := dead.Stop(); err != nil {
		t.Fatal(err)
	}
	if intents, _ := rs.st.Intents(ctx); len(intents) != 1 {
		t.Fatalf("%d intents pending before the retire, want the rotate's", len(intents))
	}
	liveIn := hostInput(live)
	liveIn.Name = ptr("alive")
	if _, err := rs.svc.CreateHost(ctx, liveIn); err != nil {
		t.Fatalf("CreateHost(live): %v", err)
	}

	rep, err := rs.svc.RetireHost(ctx, deadHost.ID)
	if err != nil {
		t.Fatalf("RetireHost: %v", err)
	}
	var names []string
	for _, d := range rep.Databases {
		names = append(names, d.DBName)
	}
	slices.Sort(names)
	want := []string{a1.Database.DBName, a2.Database.DBName}
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("orphan report databases %v, want %v", names, want)
	}
	if len(rep.Abandoned) != 1 || rep.Abandoned[0].Kind != dbplane.IntentRotate || rep.Abandoned[0].DatabaseID != a1.Database.ID {
		t.Errorf("abandoned %+v, want a1's rotate", rep.Abandoned)
	}
	if rep.Host.RetiredAt == nil || rep.Host.Enabled {
		t.Errorf("retired host: retiredAt %v enabled %v", rep.Host.RetiredAt, rep.Host.Enabled)
	}
	if intents, _ := rs.st.Intents(ctx); len(intents) != 0 {
		t.Errorf("%d intents left after the retire, want 0", len(intents))
	}
	again, err := rs.svc.HostOrphans(ctx, deadHost.ID)
	if err != nil || len(again.Databases) != 2 {
		t.Errorf("HostOrphans: %d databases, err %v", len(again.Databases), err)
	}

	rows, err := rs.svc.ListDatabases(ctx, acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range rows {
		if d.Status != dbplane.StatusOrphaned || d.Status.Public() != dbplane.StatusOrphaned {
			t.Errorf("%s: status %s (public %s), want orphaned", d.Label, d.Status, d.Status.Public())
		}
	}
	a, err := rs.svc.Account(ctx, acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.DatabaseCount != 0 || a.Room() != nil {
		t.Errorf("account after the retire: %d databases counted, room %v; want 0 and room", a.DatabaseCount, a.Room())
	}
	if _, err := rs.svc.RevealDatabase(ctx, acct.ID, a1.Database.ID); !errors.Is(err, dbplane.ErrDatabaseOrphaned) {
		t.Errorf("reveal of an orphan: %v, want ErrDatabaseOrphaned", err)
	}
	if _, err := rs.svc.RotatePassword(ctx, acct.ID, a2.Database.ID); !errors.Is(err, dbplane.ErrDatabaseOrphaned) {
		t.Errorf("rotate of an orphan: %v, want ErrDatabaseOrphaned", err)
	}
	if _, err := rs.svc.SetDatabaseDisabled(ctx, a2.Database.ID, true); !errors.Is(err, dbplane.ErrDatabaseOrphaned) {
		t.Errorf("disable an orphan: %v, want ErrDatabaseOrphaned", err)
	}
	if d, _ := rs.svc.Database(ctx, a2.Database.ID); d == nil || d.Status != dbplane.StatusOrphaned {
		t.Errorf("a disabled orphan is no longer orphaned: %+v", d)
	}

	// The slots came back: two new databases fit, on the live host.
	b1 := mustCreateOn(t, rs, acct.ID, "b1")
	b2 := mustCreateOn(t, rs, acct.ID, "b2")
	if b1.Database.HostID == deadHost.ID || b2.Database.HostID == deadHost.ID {
		t.Errorf("a new database went to the retired host")
	}
	if _, err := rs.svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: acct.ID, Label: "b3"}); !errors.Is(err, dbplane.ErrOutOfSlots) {
		t.Errorf("third live create with 2 slots: %v, want ErrOutOfSlots", err)
	}

	if _, err := rs.svc.UpdateHost(ctx, deadHost.ID, dbplane.HostInput{Enabled: ptr(true)}); !errors.Is(err, dbplane.ErrHostRetired) {
		t.Errorf("enabling a retired host: %v, want ErrHostRetired", err)
	}
	if err := rs.svc.DeleteHost(ctx, deadHost.ID); dbplane.ErrorCode(err) != dbplane.CodeConflict {
		t.Errorf("deleting a retired host with orphans: %v, want conflict", err)
	}
	// Deleted without the engine (it is gone), by the tenant and by an
	// operator.
	if err := rs.svc.DeleteOwnDatabase(ctx, acct.ID, a1.Database.ID, "a1"); err != nil {
		t.Errorf("tenant delete of an orphan: %v", err)
	}
	if err := rs.svc.DeleteDatabase(ctx, a2.Database.ID); err != nil {
		t.Errorf("admin delete of an orphan: %v", err)
	}
	if err := rs.svc.DeleteHost(ctx, deadHost.ID); err != nil {
		t.Errorf("deleting the emptied retired host: %v", err)
	}
	if a, _ := rs.svc.Account(ctx, acct.ID); a == nil || a.DatabaseCount != 2 {
		t.Errorf("account after deleting the orphans: %+v, want 2 databases counted", a)
	}
	dbs, users := engineObjects(t, live, dbplane.AccountSlug(acct.ID))
	if len(dbs) != 2 || len(users) != 2 {
		t.Errorf("on the live host: databases %v users %v, want b1 and b2 only", dbs, users)
	}
}

// TestDeleteAccount_RefusesThenCascades: an account with databases is
// refused without cascade and changes nothing; with cascade its databases
// and users leave the engine, its keys stop working and the account is
// gone. The init admin account cannot be deleted.
func TestDeleteAccount_RefusesThenCascades(t *testing.T) {
	if testing.Short() {
		t.Skip("starts database servers")
	}
	ctx := context.Background()
	srv := dbtest.MariaDB(t)
	rs := openRealService(t, t.TempDir(), nil)
	if _, err := rs.svc.CreateHost(ctx, hostInput(srv)); err != nil {
		t.Fatalf("CreateHost: %v", err)
	}
	admin, err := rs.svc.CreateAccount(ctx, dbplane.AccountInput{Email: "root@example.com", Name: "root", Role: dbplane.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	other, err := rs.svc.CreateAccount(ctx, dbplane.AccountInput{Email: "ops@example.com", Name: "ops", Role: dbplane.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	acct, err := rs.svc.CreateAccount(ctx, dbplane.AccountInput{Email: "gone@example.com", Name: "gone"})
	if err != nil {
		t.Fatal(err)
	}
	_, raw, err := rs.svc.CreateKey(ctx, dbplane.KeyInput{AccountID: acct.ID, Kind: dbplane.KeyUser, Name: "k"})
	if err != nil {
		t.Fatal(err)
	}
	d1 := mustCreateOn(t, rs, acct.ID, "one")
	mustCreateOn(t, rs, acct.ID, "two")

	if _, err := rs.svc.DeleteAccount(ctx, admin.ID, false); !errors.Is(err, dbplane.ErrInitAdmin) {
		t.Errorf("delete the init admin: %v, want ErrInitAdmin", err)
	}
	if _, err := rs.svc.DeleteAccount(ctx, acct.ID, false); dbplane.ErrorCode(err) != dbplane.CodeConflict {
		t.Fatalf("delete without cascade: %v, want conflict", err)
	}
	if _, _, err := rs.svc.Authenticate(ctx, string(raw), ""); err != nil {
		t.Errorf("a refused delete stopped the account's key: %v", err)
	}
	if rows, _ := rs.svc.ListDatabases(ctx, acct.ID); len(rows) != 2 {
		t.Errorf("a refused delete left %d databases, want 2", len(rows))
	}
	if err := srv.ConnectAs(ctx, d1.Database.DBUser, string(d1.Password), d1.Database.DBName); err != nil {
		t.Errorf("a refused delete broke a database: %v", err)
	}

	res, err := rs.svc.DeleteAccount(ctx, acct.ID, true)
	if err != nil {
		t.Fatalf("cascade delete: %v", err)
	}
	if !res.Deleted || res.Databases != 2 || res.Pending != 0 {
		t.Errorf("cascade delete = %+v, want deleted with 2 databases", res)
	}
	if _, err := rs.svc.Account(ctx, acct.ID); dbplane.ErrorCode(err) != dbplane.CodeNotFound {
		t.Errorf("account after the delete: %v, want not found", err)
	}
	if _, _, err := rs.svc.Authenticate(ctx, string(raw), ""); err == nil {
		t.Errorf("the deleted account's key still authenticates")
	}
	dbs, users := engineObjects(t, srv, dbplane.AccountSlug(acct.ID))
	if len(dbs) != 0 || len(users) != 0 {
		t.Errorf("left on the engine: databases %v users %v", dbs, users)
	}
	if all, _, _ := rs.svc.ListAllDatabases(ctx, dbplane.DatabaseFilter{AccountID: acct.ID, Page: dbplane.Page{Page: 1, PerPage: 50}}); len(all) != 0 {
		t.Errorf("%d rows left", len(all))
	}
	// An admin other than the init one, owning nothing, goes at once.
	if res, err := rs.svc.DeleteAccount(ctx, other.ID, false); err != nil || !res.Deleted {
		t.Errorf("delete an empty admin account: %+v %v", res, err)
	}
}

// TestCrash_AccountDeleteFinishes: a cascading delete killed after the
// account is marked, or after its first drop, is finished by Reconcile on
// restart: no database or user left on the engine, no row, no account.
func TestCrash_AccountDeleteFinishes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts database servers")
	}
	for _, step := range []string{"account-delete:marked", "account-delete:database-dropped"} {
		t.Run(step, func(t *testing.T) {
			srv := dbtest.MariaDB(t)
			ctx := context.Background()
			dir := t.TempDir()
			rs := openRealService(t, dir, nil)
			if _, err := rs.svc.CreateHost(ctx, hostInput(srv)); err != nil {
				t.Fatalf("CreateHost: %v", err)
			}
			acct, err := rs.svc.CreateAccount(ctx, dbplane.AccountInput{Email: "crashdel@example.com", Name: "crash"})
			if err != nil {
				t.Fatal(err)
			}
			mustCreateOn(t, rs, acct.ID, "one")
			mustCreateOn(t, rs, acct.ID, "two")
			rs.close()

			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), crashChildEnv+"=1", "DBPLANE_CRASH_STEP="+step, "DBPLANE_CRASH_DIR="+dir,
				"DBPLANE_CRASH_ACCOUNT="+acct.ID)
			out, err := cmd.CombinedOutput()
			if code := cmd.ProcessState.ExitCode(); code != crashExitCode {
				t.Fatalf("child exit code %d (err %v), want %d; output:\n%s", code, err, crashExitCode, out)
			}

			rs = openRealService(t, dir, nil)
			if a, err := rs.svc.Account(ctx, acct.ID); err != nil || a.DeletingAt == nil {
				t.Fatalf("after the crash the account is %+v (err %v), want marked deleting", a, err)
			}
			// The suspension the delete set cannot be lifted, and the
			// account takes no new database.
			if _, err := rs.svc.UpdateAccount(ctx, acct.ID, dbplane.AccountUpdate{Suspended: ptr(false)}); dbplane.ErrorCode(err) != dbplane.CodeConflict {
				t.Errorf("unsuspend an account being deleted: %v, want conflict", err)
			}
			if _, err := rs.svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: acct.ID, Label: "three"}); dbplane.ErrorCode(err) != dbplane.CodeConflict {
				t.Errorf("create for an account being deleted: %v, want conflict", err)
			}
			if err := rs.svc.Reconcile(ctx, 0); err != nil {
				t.Fatalf("Reconcile: %v", err)
			}
			if _, err := rs.svc.Account(ctx, acct.ID); dbplane.ErrorCode(err) != dbplane.CodeNotFound {
				t.Errorf("account after Reconcile: %v, want not found", err)
			}
			if intents, _ := rs.st.Intents(ctx); len(intents) != 0 {
				t.Errorf("%d intents left", len(intents))
			}
			if all, _, _ := rs.svc.ListAllDatabases(ctx, dbplane.DatabaseFilter{Page: dbplane.Page{Page: 1, PerPage: 50}}); len(all) != 0 {
				t.Errorf("%d rows left", len(all))
			}
			dbs, users := engineObjects(t, srv, dbplane.AccountSlug(acct.ID))
			if len(dbs) != 0 || len(users) != 0 {
				t.Errorf("left on the engine: databases %v users %v", dbs, users)
			}
		})
	}
}
