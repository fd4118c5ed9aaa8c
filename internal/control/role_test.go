package control_test

import (
	"context"
	"errors"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/control"
	"github.com/dbplane/dbplane/internal/must"
)

func TestUpdateAccount_Role(t *testing.T) {
	f := newFixture(t, control.Options{})
	ctx := context.Background()
	admin, err := f.svc.CreateAccount(ctx, dbplane.AccountInput{Email: "root@example.com", Name: "root", Role: dbplane.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	role := func(r dbplane.Role) dbplane.AccountUpdate { return dbplane.AccountUpdate{Role: &r} }

	if _, err := f.svc.UpdateAccount(ctx, admin.ID, role(dbplane.RoleUser)); !errors.Is(err, dbplane.ErrLastAdmin) {
		t.Errorf("demoting the last admin = %v, want ErrLastAdmin", err)
	}
	if _, err := f.svc.UpdateAccount(ctx, f.account.ID, role("root")); dbplane.ErrorField(err) != "role" {
		t.Errorf("an unknown role = %v, want a role field error", err)
	}
	a, err := f.svc.UpdateAccount(ctx, f.account.ID, role(dbplane.RoleAdmin))
	if err != nil || a.Role != dbplane.RoleAdmin {
		t.Fatalf("promoting = %+v, %v", a, err)
	}
	if a, err := f.svc.UpdateAccount(ctx, admin.ID, role(dbplane.RoleUser)); err != nil || a.Role != dbplane.RoleUser {
		t.Errorf("demoting with another admin left = %+v, %v", a, err)
	}
	if _, err := f.svc.UpdateAccount(ctx, f.account.ID, role(dbplane.RoleUser)); !errors.Is(err, dbplane.ErrLastAdmin) {
		t.Errorf("demoting the new last admin = %v, want ErrLastAdmin", err)
	}
	if got := must.Get(f.svc.Account(ctx, f.account.ID))(t); got.Role != dbplane.RoleAdmin {
		t.Errorf("a refused demotion changed the role to %s", got.Role)
	}
}
