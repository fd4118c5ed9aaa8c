package control_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/control"
	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/engine/enginefake"
)

// onEngine reports whether d's database and user exist on the fake engine.
func (f *fixture) onEngine(d *dbplane.Database) (db, user bool) {
	return slices.Contains(f.fake.Databases(), d.DBName), slices.Contains(f.fake.Users(), d.DBUser)
}

func TestDeleteOwnDatabase(t *testing.T) {
	f := newFixture(t, control.Options{})
	ctx := context.Background()
	d := f.mustCreate(t, f.account.ID, "shop-db").Database
	keep := f.mustCreate(t, f.account.ID, "blog").Database
	other := f.mustAccount(t, "mallory@example.com", nil)

	// Another account's database reads as not found, even with the right
	// label, and is left alone.
	if err := f.svc.DeleteOwnDatabase(ctx, other.ID, d.ID, "shop-db"); !errors.Is(err, dbplane.ErrDatabaseNotFound) {
		t.Errorf("delete of a foreign database = %v, want ErrDatabaseNotFound", err)
	}
	if err := f.svc.DeleteOwnDatabase(ctx, f.account.ID, "01NOSUCHDATABASE0000000000", "shop-db"); !errors.Is(err, dbplane.ErrDatabaseNotFound) {
		t.Errorf("delete of an unknown id = %v, want ErrDatabaseNotFound", err)
	}
	// The numeric id is not a tenant's handle on a database.
	if err := f.svc.DeleteOwnDatabase(ctx, f.account.ID, "1", "shop-db"); !errors.Is(err, dbplane.ErrDatabaseNotFound) {
		t.Errorf("delete by numeric id = %v, want ErrDatabaseNotFound", err)
	}
	// A confirmation that is not the label exactly changes nothing.
	for _, typed := range []string{"", "shop", "SHOP-DB", " shop-db", "shop-db ", "blog", d.DBName} {
		err := f.svc.DeleteOwnDatabase(ctx, f.account.ID, d.ID, typed)
		if dbplane.ErrorCode(err) != dbplane.CodeInvalid || dbplane.ErrorField(err) != "confirm" {
			t.Errorf("delete confirmed with %q = %v, want CodeInvalid on confirm", typed, err)
		}
	}
	if db, user := f.onEngine(d); !db || !user {
		t.Fatalf("a refused delete touched the engine: database %v, user %v", db, user)
	}
	if f.status(t, d.ID) != dbplane.StatusActive {
		t.Fatalf("a refused delete changed the status to %s", f.status(t, d.ID))
	}

	if err := f.svc.DeleteOwnDatabase(ctx, f.account.ID, d.ID, "shop-db"); err != nil {
		t.Fatalf("delete with the label = %v", err)
	}
	if db, user := f.onEngine(d); db || user {
		t.Errorf("after delete the engine still has database %v, user %v", db, user)
	}
	list, err := f.svc.ListDatabases(ctx, f.account.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != keep.ID {
		t.Errorf("after delete the list is %v, want only %s", list, keep.Label)
	}
	if db, user := f.onEngine(keep); !db || !user {
		t.Error("deleting one database dropped another")
	}
	if err := f.svc.DeleteOwnDatabase(ctx, f.account.ID, d.ID, "shop-db"); !errors.Is(err, dbplane.ErrDatabaseNotFound) {
		t.Errorf("second delete = %v, want ErrDatabaseNotFound", err)
	}
	// The slot is free again.
	f.mustCreate(t, f.account.ID, "shop-db")
}

// Over-quota tenants can still delete (SPEC §5): it is how they get back
// under their quota.
func TestDeleteOwnDatabase_OverQuota(t *testing.T) {
	f := newFixture(t, control.Options{})
	ctx := context.Background()
	a := f.mustAccount(t, "quota@example.com", nil)
	if _, err := f.svc.UpdateAccount(ctx, a.ID, dbplane.AccountUpdate{StorageBytesSet: true, StorageBytes: ptr(int64(1000))}); err != nil {
		t.Fatal(err)
	}
	big := f.mustCreate(t, a.ID, "big").Database
	small := f.mustCreate(t, a.ID, "small").Database
	f.fake.SetSize(big.DBName, 1500)
	if _, err := f.svc.RefreshQuota(ctx); err != nil {
		t.Fatal(err)
	}
	if got := f.status(t, big.ID); got != dbplane.StatusOverQuota {
		t.Fatalf("status = %s, want over_quota", got)
	}
	if err := f.svc.DeleteOwnDatabase(ctx, a.ID, big.ID, "big"); err != nil {
		t.Fatalf("delete while over quota = %v", err)
	}
	if db, user := f.onEngine(big); db || user {
		t.Error("the over-quota database is still on the engine")
	}
	if _, err := f.svc.RefreshQuota(ctx); err != nil {
		t.Fatal(err)
	}
	if got := f.status(t, small.ID); got != dbplane.StatusActive || f.fake.Access(small.DBUser) != engine.AccessActive {
		t.Errorf("after deleting the big one: %s / %s, want active", got, f.fake.Access(small.DBUser))
	}
}

// A host that is down leaves the database deleting; Reconcile finishes the
// drop, so nothing is orphaned on the host.
func TestDeleteOwnDatabase_HostDownIsFinishedByReconcile(t *testing.T) {
	f := newFixture(t, control.Options{})
	ctx := context.Background()
	d := f.mustCreate(t, f.account.ID, "app").Database
	f.fake.Fail(enginefake.OpDrop, engine.ErrUnreachable)
	if err := f.svc.DeleteOwnDatabase(ctx, f.account.ID, d.ID, "app"); !errors.Is(err, dbplane.ErrHostUnavailable) {
		t.Fatalf("delete with the host down = %v, want ErrHostUnavailable", err)
	}
	if got := f.status(t, d.ID); got != dbplane.StatusDeleting {
		t.Errorf("status = %s, want deleting", got)
	}
	// A second try while the drop waits is refused, not doubled: 503
	// (document 003 keeps 409 for a duplicate name).
	if err := f.svc.DeleteOwnDatabase(ctx, f.account.ID, d.ID, "app"); dbplane.ErrorCode(err) != dbplane.CodeUnavailable {
		t.Errorf("second delete while deleting = %v, want CodeUnavailable", err)
	}
	f.fake.Fail(enginefake.OpDrop, nil)
	if err := f.svc.Reconcile(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if db, user := f.onEngine(d); db || user {
		t.Errorf("after Reconcile the engine still has database %v, user %v", db, user)
	}
	if _, err := f.svc.Database(ctx, d.ID); !errors.Is(err, dbplane.ErrDatabaseNotFound) {
		t.Errorf("after Reconcile the row is still there: %v", err)
	}
}
