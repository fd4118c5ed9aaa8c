package control_test

import (
	"context"
	"errors"
	"testing"

	"github.com/dbplane/dbplane/internal/control"
	"github.com/dbplane/dbplane/internal/engine/enginefake"
)

func TestPendingChanges(t *testing.T) {
	f := newFixture(t, control.Options{})
	ctx := context.Background()
	cr := f.mustCreate(t, f.account.ID, "app")
	if got, err := f.svc.PendingChanges(ctx); err != nil || len(got) != 0 {
		t.Fatalf("PendingChanges with nothing in flight = %v, %v", got, err)
	}
	f.fake.FailAfter(enginefake.OpSetPassword, errors.New("invalid connection"))
	if _, err := f.svc.RotatePassword(ctx, f.account.ID, cr.Database.ID); err == nil {
		t.Fatal("RotatePassword = nil, want the error")
	}
	f.fake.Fail(enginefake.OpSetPassword, errors.New("still broken"))
	_ = f.svc.Reconcile(ctx, 0)
	got, err := f.svc.PendingChanges(ctx)
	if err != nil || len(got) != 1 {
		t.Fatalf("PendingChanges = %v, %v; want the rotate", got, err)
	}
	in := got[0]
	if in.Kind != "rotate" || in.DatabaseID != cr.Database.ID || in.HostID != cr.Database.HostID || in.DBName != cr.Database.DBName {
		t.Errorf("the change = %+v", in)
	}
	if in.Attempts < 1 || in.LastError == "" {
		t.Errorf("the change carries no attempt or error: %+v", in)
	}
	if in.SealedPassword != nil || in.Token != 0 {
		t.Error("the change carries its sealed password or lease token")
	}
}
