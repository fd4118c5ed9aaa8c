package control_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/control"
	"github.com/dbplane/dbplane/internal/store"
)

// TestRotatePassword_WhileCreateInFlightIsBusy documents what a rotate
// answers while the database's create is still in flight (its intent
// holds the database, the host is up): store.ErrBusy, CodeUnavailable,
// which every surface answers with 503 (the management API's code for it
// is HOST_UNAVAILABLE: internal/api/dbapi TestDatabaseRotate/Busy).
// Nothing is changed, and the rotate works once the create is done.
func TestRotatePassword_WhileCreateInFlightIsBusy(t *testing.T) {
	ctx := context.Background()
	reached, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	f := newFixture(t, control.Options{Hook: func(step string) {
		if step == "create:recorded" {
			once.Do(func() { close(reached) })
			<-release
		}
	}})
	done := make(chan error, 1)
	go func() {
		_, err := f.svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: f.account.ID, Label: "app"})
		done <- err
	}()
	<-reached
	list, err := f.st.ListDatabases(ctx, f.account.ID)
	if err != nil || len(list) != 1 {
		close(release)
		t.Fatalf("ListDatabases() during the create = %d rows, %v; want the one being created", len(list), err)
	}
	id := list[0].ID

	_, err = f.svc.RotatePassword(ctx, f.account.ID, id)
	close(release)
	if !errors.Is(err, store.ErrBusy) || dbplane.ErrorCode(err) != dbplane.CodeUnavailable || errors.Is(err, dbplane.ErrHostUnavailable) {
		t.Errorf("RotatePassword() while the create is in flight = %v (code %s), want store.ErrBusy (unavailable), not ErrHostUnavailable",
			err, dbplane.ErrorCode(err))
	}
	if err := <-done; err != nil {
		t.Fatalf("CreateDatabase() = %v", err)
	}
	if _, err := f.svc.RotatePassword(ctx, f.account.ID, id); err != nil {
		t.Errorf("RotatePassword() after the create = %v, want it done", err)
	}
}
