package control_test

import (
	"context"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/control"
	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/engine/enginefake"
	"github.com/dbplane/dbplane/internal/must"
)

// TestCounts_FollowCreatesDeletesAndTheWatcher checks the numbers the
// admin API shows (an account's databaseCount and usedBytes, a host's
// databaseCount), which the store now keeps as counters, through the
// service's own paths: creates, a create the engine refused, a delete and
// a quota pass.
func TestCounts_FollowCreatesDeletesAndTheWatcher(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, control.Options{})
	var made []*dbplane.Database
	for _, label := range []string{"a", "b", "c"} {
		made = append(made, f.mustCreate(t, f.account.ID, label).Database)
	}
	f.fake.Fail(enginefake.OpEnsure, engine.ErrUnreachable)
	if _, err := f.svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: f.account.ID, Label: "refused"}); err == nil {
		t.Fatal("CreateDatabase with the host down = nil error, want one")
	}
	f.fake.Fail(enginefake.OpEnsure, nil)
	// The host did not answer: the engine may hold the refused create, whose
	// drop keeps its place on the host until the reconciler has done it.
	if h := must.Get(f.svc.Host(ctx, made[0].HostID))(t); h.DatabaseCount != 4 {
		t.Errorf("host counts %d databases while the refused create's drop is pending, want 4", h.DatabaseCount)
	}
	if err := f.svc.Reconcile(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.DeleteDatabase(ctx, made[0].ID); err != nil {
		t.Fatal(err)
	}
	f.fake.SetSize(made[1].DBName, 700)
	f.fake.SetSize(made[2].DBName, 50)
	if _, err := f.svc.RefreshQuota(ctx); err != nil {
		t.Fatal(err)
	}

	a, err := f.svc.Account(ctx, f.account.ID)
	if err != nil {
		t.Fatal(err)
	}
	h, err := f.svc.Host(ctx, made[1].HostID)
	if err != nil {
		t.Fatal(err)
	}
	if a.DatabaseCount != 2 || a.UsedBytes != 750 || h.DatabaseCount != 2 {
		t.Errorf("after 3 creates, 1 refused, 1 delete and a quota pass: account %d databases and %d bytes, host %d databases; want 2, 750, 2",
			a.DatabaseCount, a.UsedBytes, h.DatabaseCount)
	}
	// The slot freed by the delete is usable again.
	three := 3
	if _, err := f.svc.UpdateAccount(ctx, f.account.ID, dbplane.AccountUpdate{SlotsSet: true, Slots: &three}); err != nil {
		t.Fatal(err)
	}
	f.mustCreate(t, f.account.ID, "d")
	if _, err := f.svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: f.account.ID, Label: "e"}); dbplane.ErrorCode(err) != dbplane.CodeQuotaExceeded {
		t.Errorf("CreateDatabase past 3 slots = %v, want quota exceeded", err)
	}
}
