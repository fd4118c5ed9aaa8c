package control_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/control"
	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/engine/enginefake"
	"github.com/dbplane/dbplane/internal/must"
	"github.com/dbplane/dbplane/internal/store"
)

// TestCreateDatabase_LateUndoLeavesNoOrphan is the race of issue 8 in
// SQLite mode. A create's engine call fails, and the request's store write
// that undoes it (bounded by the 30 s store timeout) comes after the
// reconciler's minimum age (2 × the engine timeout = 20 s): by then the
// reconciler has re-created the database and settled its row. The late
// undo must not delete that row, or the database is left on the engine
// with nothing in dbplane that knows it.
func TestCreateDatabase_LateUndoLeavesNoOrphan(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{t: time.Now()}
	reached, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	f := newFixture(t, control.Options{Now: clock.Now, EngineTimeout: 10 * time.Second, Hook: func(step string) {
		if step == "create:engine-failed" {
			once.Do(func() { close(reached) })
			<-release
		}
	}})
	f.st.Now = clock.Now

	f.fake.Fail(enginefake.OpEnsure, engine.ErrUnreachable)
	done := make(chan error, 1)
	go func() {
		_, err := f.svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: f.account.ID, Label: "late"})
		done <- err
	}()
	<-reached
	// The request is held before its undo. The host comes back, and the
	// reconciler's pass finds the intent old enough to settle.
	clock.Add(21 * time.Second)
	f.fake.Fail(enginefake.OpEnsure, nil)
	if err := f.svc.Reconcile(ctx, 20*time.Second); err != nil {
		t.Fatalf("Reconcile while the request is held: %v", err)
	}
	// The host fails again as the late undo runs, so its drop cannot help.
	f.fake.Fail(enginefake.OpDrop, engine.ErrUnreachable)
	close(release)
	if err := <-done; !errors.Is(err, store.ErrLeaseLost) {
		t.Errorf("CreateDatabase whose undo came after the reconciler = %v, want ErrLeaseLost", err)
	}
	f.fake.Fail(enginefake.OpDrop, nil)
	clock.Add(time.Minute)
	if err := f.svc.Reconcile(ctx, 0); err != nil {
		t.Fatalf("Reconcile after the request: %v", err)
	}

	list, err := f.svc.ListDatabases(ctx, f.account.ID)
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, d := range list {
		rows = append(rows, d.DBName)
		cr, err := f.svc.RevealDatabase(ctx, f.account.ID, d.ID)
		if err != nil {
			t.Fatalf("RevealDatabase(%s): %v", d.ID, err)
		}
		if !f.fake.Login(d.DBName, d.DBUser, string(cr.Password)) {
			t.Errorf("database %s: the stored password does not log in on the engine", d.DBName)
		}
	}
	if on := f.fake.Databases(); !slices.Equal(on, rows) {
		t.Errorf("the engine holds %v but dbplane's rows are %v: an orphan (or a row without its database)", on, rows)
	}
	if intents := must.Get(f.st.Intents(ctx))(t); len(intents) != 0 {
		t.Errorf("intents left after the last pass: %v", intents)
	}
}
