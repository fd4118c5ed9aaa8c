package control_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/control"
	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/engine/enginefake"
)

func (f *fixture) status(tb testing.TB, id string) dbplane.Status {
	tb.Helper()
	d, err := f.svc.Database(context.Background(), id)
	if err != nil {
		tb.Fatal(err)
	}
	return d.Status
}

func TestSuspension_RestoresExactlyWhatItChanged(t *testing.T) {
	f := newFixture(t, control.Options{})
	ctx := context.Background()
	plain := f.mustCreate(t, f.account.ID, "plain").Database
	off := f.mustCreate(t, f.account.ID, "off").Database
	if _, err := f.svc.SetDatabaseDisabled(ctx, off.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.UpdateAccount(ctx, f.account.ID, dbplane.AccountUpdate{Suspended: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	for _, d := range []*dbplane.Database{plain, off} {
		if got := f.status(t, d.ID); got != dbplane.StatusDisabled {
			t.Errorf("%s after suspend: status %s, want disabled", d.Label, got)
		}
		if got := f.fake.Access(d.DBUser); got != engine.AccessLocked {
			t.Errorf("%s after suspend: engine access %s, want locked", d.Label, got)
		}
	}
	if _, err := f.svc.UpdateAccount(ctx, f.account.ID, dbplane.AccountUpdate{Suspended: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	if got := f.status(t, plain.ID); got != dbplane.StatusActive || f.fake.Access(plain.DBUser) != engine.AccessActive {
		t.Errorf("plain after unsuspend: %s / %s, want active", got, f.fake.Access(plain.DBUser))
	}
	if got := f.status(t, off.ID); got != dbplane.StatusDisabled || f.fake.Access(off.DBUser) != engine.AccessLocked {
		t.Errorf("admin-disabled after unsuspend: %s / %s, want still disabled", got, f.fake.Access(off.DBUser))
	}
}

func TestRefreshQuota_OverAndBackUnder(t *testing.T) {
	f := newFixture(t, control.Options{})
	ctx := context.Background()
	a := f.mustAccount(t, "quota@example.com", nil)
	if _, err := f.svc.UpdateAccount(ctx, a.ID, dbplane.AccountUpdate{StorageBytesSet: true, StorageBytes: ptr(int64(1000))}); err != nil {
		t.Fatal(err)
	}
	d1 := f.mustCreate(t, a.ID, "one").Database
	d2 := f.mustCreate(t, a.ID, "two").Database
	f.fake.SetSize(d1.DBName, 600)
	f.fake.SetSize(d2.DBName, 500)
	rep, err := f.svc.RefreshQuota(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Hosts) != 1 || rep.Hosts[0].Error != "" || rep.Hosts[0].Databases < 2 {
		t.Errorf("report hosts = %+v, want one host measured", rep.Hosts)
	}
	if len(rep.Changed) != 2 {
		t.Errorf("report changes = %+v, want 2", rep.Changed)
	}
	for _, d := range []*dbplane.Database{d1, d2} {
		if got := f.status(t, d.ID); got != dbplane.StatusOverQuota || f.fake.Access(d.DBUser) != engine.AccessReadOnly {
			t.Errorf("%s over quota: %s / %s, want over_quota / read_only", d.Label, got, f.fake.Access(d.DBUser))
		}
	}
	_, err = f.svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: a.ID, Label: "three"})
	if !errors.Is(err, dbplane.ErrOutOfStorage) {
		t.Errorf("create while over quota = %v, want ErrOutOfStorage", err)
	}
	// The tenant deletes data; the next pass restores writes.
	f.fake.SetSize(d2.DBName, 100)
	if _, err := f.svc.RefreshQuota(ctx); err != nil {
		t.Fatal(err)
	}
	for _, d := range []*dbplane.Database{d1, d2} {
		if got := f.status(t, d.ID); got != dbplane.StatusActive || f.fake.Access(d.DBUser) != engine.AccessActive {
			t.Errorf("%s back under: %s / %s, want active", d.Label, got, f.fake.Access(d.DBUser))
		}
	}
	// The other account's databases were never touched.
	other := f.mustCreate(t, f.account.ID, "bystander").Database
	if f.status(t, other.ID) != dbplane.StatusActive {
		t.Error("a bystander database changed status")
	}
}

func TestRefreshQuota_HostDownIsReportedNotFatal(t *testing.T) {
	f := newFixture(t, control.Options{})
	f.mustCreate(t, f.account.ID, "one")
	f.fake.Fail(enginefake.OpSizes, engine.ErrUnreachable)
	rep, err := f.svc.RefreshQuota(context.Background())
	if err != nil {
		t.Fatalf("RefreshQuota with a host down = %v, want a report", err)
	}
	if len(rep.Hosts) != 1 || rep.Hosts[0].Error == "" {
		t.Errorf("report = %+v, want the host reported with an error", rep.Hosts)
	}
}

func TestSetDatabaseDisabled_HostDownIsFinishedByReconcile(t *testing.T) {
	f := newFixture(t, control.Options{})
	ctx := context.Background()
	d := f.mustCreate(t, f.account.ID, "one").Database
	f.fake.Fail(enginefake.OpSetAccess, engine.ErrUnreachable)
	if _, err := f.svc.SetDatabaseDisabled(ctx, d.ID, true); !errors.Is(err, dbplane.ErrHostUnavailable) {
		t.Fatalf("SetDatabaseDisabled with host down = %v, want ErrHostUnavailable", err)
	}
	if f.status(t, d.ID) != dbplane.StatusActive {
		t.Error("status changed before the engine did")
	}
	f.fake.Fail(enginefake.OpSetAccess, nil)
	if err := f.svc.Reconcile(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if f.status(t, d.ID) != dbplane.StatusDisabled || f.fake.Access(d.DBUser) != engine.AccessLocked {
		t.Errorf("after Reconcile: %s / %s, want disabled / locked", f.status(t, d.ID), f.fake.Access(d.DBUser))
	}
}

func TestServerDatabases(t *testing.T) {
	f := newFixture(t, control.Options{})
	ctx := context.Background()
	node, err := f.svc.CreateNode(ctx, "node-1")
	if err != nil {
		t.Fatal(err)
	}
	linked := f.mustHost(t, "linked", "pw2")
	if _, err := f.svc.UpdateHost(ctx, linked.ID, dbplane.HostInput{NodeIDs: &[]string{node.ID}}); err != nil {
		t.Fatal(err)
	}
	srv, err := f.svc.CreateServer(ctx, dbplane.ServerInput{Name: "mc", OwnerID: f.account.ID, NodeID: node.ID, DatabaseLimit: ptr(1)})
	if err != nil {
		t.Fatal(err)
	}
	if srv.Identifier != srv.ID[:8] {
		t.Errorf("identifier %q, want the first 8 characters of %q", srv.Identifier, srv.ID)
	}
	cr, err := f.svc.CreateServerDatabase(ctx, dbplane.ServerDatabaseInput{ServerID: srv.ID, Name: "World-1", MinNameLength: 3})
	if err != nil {
		t.Fatal(err)
	}
	d := cr.Database
	if d.DBName != "s1_World-1" || len(d.DBUser) != len("u1_")+10 || d.HostID != linked.ID {
		t.Errorf("database %s user %s host %s; want s1_World-1, u1_<10>, the node-linked host", d.DBName, d.DBUser, d.HostID)
	}
	if !f.fake.Login(d.DBName, d.DBUser, string(cr.Password)) {
		t.Error("the password does not log in")
	}
	if _, err := f.svc.CreateServerDatabase(ctx, dbplane.ServerDatabaseInput{ServerID: srv.ID, Name: "second"}); !errors.Is(err, dbplane.ErrServerLimit) {
		t.Errorf("create past the server limit = %v, want ErrServerLimit", err)
	}
	// The owner sees it in the management API and it counts against slots.
	if list, _ := f.svc.ListDatabases(ctx, f.account.ID); len(list) != 1 {
		t.Errorf("owner's management list has %d databases, want 1", len(list))
	}
	// Access: owner, subuser with permissions, stranger.
	stranger := f.mustAccount(t, "stranger@example.com", nil)
	if _, _, err := f.svc.ServerAccess(ctx, stranger, srv.Identifier); dbplane.ErrorCode(err) != dbplane.CodeNotFound {
		t.Errorf("ServerAccess(stranger) = %v, want not found", err)
	}
	if _, err := f.svc.SetSubuser(ctx, srv.ID, stranger.ID, []string{dbplane.PermDatabaseRead}); err != nil {
		t.Fatal(err)
	}
	_, acc, err := f.svc.ServerAccess(ctx, stranger, srv.ID)
	if err != nil || !acc.Can(dbplane.PermDatabaseRead) || acc.Can(dbplane.PermDatabaseViewPassword) {
		t.Errorf("subuser access = %+v, %v; want read only", acc, err)
	}
	// Delete with the host down: the row stays "deleting" until Reconcile.
	f.fake.Fail(enginefake.OpDrop, engine.ErrUnreachable)
	if err := f.svc.DeleteServerDatabase(ctx, srv.ID, "1"); !errors.Is(err, dbplane.ErrHostUnavailable) {
		t.Fatalf("delete with host down = %v, want ErrHostUnavailable", err)
	}
	if f.status(t, d.ID) != dbplane.StatusDeleting {
		t.Errorf("status %s, want deleting", f.status(t, d.ID))
	}
	f.fake.Fail(enginefake.OpDrop, nil)
	if err := f.svc.Reconcile(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Database(ctx, d.ID); !errors.Is(err, dbplane.ErrDatabaseNotFound) {
		t.Errorf("after Reconcile the row is still there: %v", err)
	}
	if len(f.fake.Databases()) != 0 {
		t.Errorf("engine still holds %v", f.fake.Databases())
	}
}

func TestSetDatabaseDisabled_EngineThatCannotEnforceRecordsTheStatus(t *testing.T) {
	f := newFixture(t, control.Options{})
	ctx := context.Background()
	d := f.mustCreate(t, f.account.ID, "one").Database
	f.fake.Fail(enginefake.OpSetAccess, &engine.Error{Op: "set access", Kind: engine.ErrUnsupported, Err: errors.New("no roles")})
	got, err := f.svc.SetDatabaseDisabled(ctx, d.ID, true)
	if err != nil || got.Status != dbplane.StatusDisabled {
		t.Fatalf("SetDatabaseDisabled on an engine without access control = %v, %v; want disabled recorded", got, err)
	}
	if intents, _ := f.st.Intents(ctx); len(intents) != 0 {
		t.Errorf("%d intents left; an unenforceable status must not block the database", len(intents))
	}
	if !strings.Contains(f.logs.String(), "cannot enforce") {
		t.Error("no warning that the status is not enforced")
	}
	if _, err := f.svc.RotatePassword(ctx, f.account.ID, d.ID); err != nil {
		t.Errorf("rotate after an unenforced status change = %v", err)
	}
}

// A host that does not answer costs one engine timeout per pass, not one
// per database: suspending an account with many databases on a hung host
// tries the host once, and the drift sweep applies the rest later.
func TestSuspension_HungHostIsTriedOncePerPass(t *testing.T) {
	// The timeout is generous for a loaded machine: the creates must not
	// meet it; only the hung SetAccess waits it out.
	f := newFixture(t, control.Options{EngineTimeout: time.Second})
	ctx := context.Background()
	for i := range 10 {
		f.mustCreate(t, f.account.ID, fmt.Sprintf("db%d", i))
	}
	var mu sync.Mutex
	calls := 0
	f.fake.SetHookContext(enginefake.OpSetAccess, func(ctx context.Context) {
		mu.Lock()
		calls++
		mu.Unlock()
		<-ctx.Done() // hung until the engine timeout
	})
	if _, err := f.svc.UpdateAccount(ctx, f.account.ID, dbplane.AccountUpdate{Suspended: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	n := calls
	mu.Unlock()
	if n != 1 {
		t.Errorf("the hung host was tried %d times in one pass, want 1", n)
	}
	f.fake.SetHook(enginefake.OpSetAccess, nil)
	if err := f.svc.Reconcile(ctx, 0); err != nil {
		t.Fatal(err)
	}
	list, _ := f.svc.ListDatabases(ctx, f.account.ID)
	for _, d := range list {
		if d.Status != dbplane.StatusDisabled {
			t.Errorf("%s after the host answered: %s, want disabled", d.Label, d.Status)
		}
	}
}
