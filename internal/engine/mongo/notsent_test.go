package mongo_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/dbplane/dbplane/internal/dbtest"
	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/engine/mongo"
)

// TestConn_StoppedServerIsNotSent: a conn that has worked against a real
// FerretDB, once the server is gone and the driver knows it (its pool
// cleared by the first failure), fails NotSent and unreachable: no server
// to select, nothing sent. An error from a command that may have gone out
// on a pooled connection is unreachable but never NotSent.
func TestConn_StoppedServerIsNotSent(t *testing.T) {
	srv, err := dbtest.StartFerretDB(context.Background(), t.TempDir())
	if errors.Is(err, dbtest.ErrNotInstalled) && os.Getenv("CI") != "true" {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Stop() })
	c := mustOpen(t, srv.AdminConfig())
	tn := newTenant()
	if _, err := c.EnsureDatabase(testContext(t), tn.ensureRequest()); err != nil {
		t.Fatalf("EnsureDatabase = %v", err)
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	req := engine.SetPasswordRequest{Owner: tn.owner, Remote: "%", Password: randomString(24, alnum)}
	var notSent bool
	for i := range 3 {
		err := c.SetPassword(testContext(t), req)
		t.Logf("SetPassword #%d on a stopped server = %v", i+1, err)
		if err == nil || !errors.Is(err, engine.ErrUnreachable) {
			t.Fatalf("SetPassword #%d on a stopped server = %v, want unreachable", i+1, err)
		}
		if notSent = errors.Is(err, engine.ErrNotSent); notSent {
			break
		}
	}
	if !notSent {
		t.Error("SetPassword on a stopped server: never NotSent in 3 tries, want it once the driver found the server gone")
	}
}

// TestEnsureDatabase_FailedAfterCreateUserIsNotNotSent: an Ensure whose
// createUser ran and whose next command then found no server to send to
// changed the server: its error is not NotSent, or the create's undo
// would leave the user behind (control.undoCreate drops nothing for a
// NotSent create).
func TestEnsureDatabase_FailedAfterCreateUserIsNotNotSent(t *testing.T) {
	srv, err := dbtest.StartFerretDB(context.Background(), t.TempDir())
	if errors.Is(err, dbtest.ErrNotInstalled) && os.Getenv("CI") != "true" {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Stop() })
	c := mustOpen(t, srv.AdminConfig())
	if err := c.Ping(testContext(t)); err != nil {
		t.Fatal(err)
	}
	stopped := false
	mongo.SetAfterCommand(func(i int) {
		if i != 0 || stopped {
			return
		}
		stopped = true
		if err := srv.Stop(); err != nil {
			t.Error(err)
		}
		// The driver learns the server is gone from a failed command;
		// from then on a command finds no server to send to (NotSent).
		for range 3 {
			if err := c.Ping(testContext(t)); errors.Is(err, engine.ErrNotSent) {
				return
			}
		}
		t.Error("the driver never found the stopped server gone")
	})
	t.Cleanup(func() { mongo.SetAfterCommand(nil) })
	_, err = c.EnsureDatabase(testContext(t), newTenant().ensureRequest())
	if !stopped {
		t.Fatalf("EnsureDatabase = %v without running its createUser", err)
	}
	if err == nil || errors.Is(err, engine.ErrNotSent) {
		t.Errorf("EnsureDatabase after its createUser ran = %v, want an error that is not NotSent", err)
	}
}
