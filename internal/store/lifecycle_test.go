package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/store"
)

// TestRecomputeOverQuota_LeavesOrphansOut: an orphan counts against no
// quota (RetireHost), so the size it had when its host died does not keep
// the account's live databases over quota.
func TestRecomputeOverQuota_LeavesOrphansOut(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		ctx := context.Background()
		mustAccount(t, db, "acc", nil)
		quota := int64(1000)
		if _, err := db.UpdateAccount(ctx, "acc", dbplane.AccountUpdate{StorageBytesSet: true, StorageBytes: &quota}); err != nil {
			t.Fatal(err)
		}
		mustHost(t, db, "dead", nil)
		mustHost(t, db, "live", nil)
		big, small := newDB("acc", "big", "dead"), newDB("acc", "small", "live")
		for _, c := range []struct {
			host string
			size int64
			nd   store.NewDatabase
		}{{"dead", 900, big}, {"live", 300, small}} {
			if err := db.InsertDatabase(ctx, c.nd); err != nil {
				t.Fatal(err)
			}
			if _, err := db.CompleteCreate(ctx, c.nd.Intent); err != nil {
				t.Fatal(err)
			}
			if _, err := db.UpdateSizes(ctx, c.host, map[string]int64{c.nd.Database.DBName: c.size}, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.RecomputeOverQuota(ctx); err != nil {
			t.Fatal(err)
		}
		if d, err := db.Database(ctx, small.Database.ID); err != nil || !d.OverQuota {
			t.Fatalf("before the retire, 1200 of 1000 bytes: small over quota = %v (%v), want true", d != nil && d.OverQuota, err)
		}
		if _, _, err := db.RetireHost(ctx, "dead"); err != nil {
			t.Fatal(err)
		}
		if err := db.RecomputeOverQuota(ctx); err != nil {
			t.Fatal(err)
		}
		a, err := db.Account(ctx, "acc")
		if err != nil {
			t.Fatal(err)
		}
		d, err := db.Database(ctx, small.Database.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d.OverQuota || d.DesiredStatus() != dbplane.StatusActive {
			t.Errorf("after the retire the account uses %d of 1000 bytes, yet small is over quota (want %s)", a.UsedBytes, d.DesiredStatus())
		}
	})
}

// TestUpdateAccount_ADeletingAccountStaysSuspended: a cascading delete
// closed every way into the account; lifting its suspension would open
// them again (sign-in, keys) while its databases are still being dropped.
func TestUpdateAccount_ADeletingAccountStaysSuspended(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		ctx := context.Background()
		mustAccount(t, db, "acc", nil)
		mustHost(t, db, "h1", nil)
		nd := newDB("acc", "shop", "h1")
		if err := db.InsertDatabase(ctx, nd); err != nil {
			t.Fatal(err)
		}
		if _, err := db.BeginAccountDelete(ctx, "acc", true); err != nil {
			t.Fatal(err)
		}
		_, err := db.UpdateAccount(ctx, "acc", dbplane.AccountUpdate{Suspended: ptr(false)})
		if dbplane.ErrorCode(err) != dbplane.CodeConflict {
			t.Errorf("unsuspend a deleting account: %v, want a conflict", err)
		}
		a, err := db.Account(ctx, "acc")
		if err != nil {
			t.Fatal(err)
		}
		if !a.Suspended || a.DeletingAt == nil {
			t.Errorf("after the refused unsuspend: suspended %v, deletingAt %v; want suspended and deleting", a.Suspended, a.DeletingAt)
		}
	})
}

// TestUpdateAccount_ADeletingAdminIsNotTheOtherAdmin: an admin account
// being deleted does not count as the admin that lets the last other one
// be demoted, or none would be left once the delete finishes.
func TestUpdateAccount_ADeletingAdminIsNotTheOtherAdmin(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		ctx := context.Background()
		for _, id := range []string{"first", "second"} {
			a := &dbplane.Account{ID: id, Email: id + "@example.com", Name: id, Role: dbplane.RoleAdmin}
			if err := db.CreateAccount(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		mustHost(t, db, "h1", nil)
		if err := db.InsertDatabase(ctx, newDB("second", "shop", "h1")); err != nil {
			t.Fatal(err)
		}
		if _, err := db.BeginAccountDelete(ctx, "second", true); err != nil {
			t.Fatal(err)
		}
		role := dbplane.RoleUser
		if _, err := db.UpdateAccount(ctx, "first", dbplane.AccountUpdate{Role: &role}); !errors.Is(err, dbplane.ErrLastAdmin) {
			t.Errorf("demote the only admin not being deleted: %v, want ErrLastAdmin", err)
		}
	})
}
