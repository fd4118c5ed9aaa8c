package control_test

import (
	"context"
	"errors"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/control"
	"github.com/dbplane/dbplane/internal/engine/enginefake"
)

// A host's pool size reaches the engine Conn, and changing it takes effect
// at the next operation: the update drops the cached Conn, and the next
// one is opened with the new size. A change of the pool size alone is not
// checked against the host (the fake refuses every ping meanwhile).
func TestUpdateHost_PoolSizeTakesEffect(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, control.Options{})
	hosts, err := f.svc.ListHosts(ctx)
	if err != nil || len(hosts) != 1 {
		t.Fatalf("ListHosts = %d hosts, %v", len(hosts), err)
	}
	host := hosts[0]
	create := func(label string) {
		t.Helper()
		if _, err := f.svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: f.account.ID, Label: label}); err != nil {
			t.Fatalf("CreateDatabase(%s): %v", label, err)
		}
	}
	create("before")
	if got := f.fake.LastPoolSize(); got != 0 {
		t.Errorf("pool size of the Conn before any setting = %d, want 0", got)
	}
	f.fake.Fail(enginefake.OpPing, errors.New("no check expected"))
	h, err := f.svc.UpdateHost(ctx, host.ID, dbplane.HostInput{PoolSize: ptr(7)})
	if err != nil || h.PoolSize != 7 {
		t.Fatalf("UpdateHost(poolSize 7) = %+v, %v; want 7", h, err)
	}
	create("after")
	if got := f.fake.LastPoolSize(); got != 7 {
		t.Errorf("pool size of the Conn after the update = %d, want 7", got)
	}
	if _, err := f.svc.UpdateHost(ctx, host.ID, dbplane.HostInput{PoolSize: ptr(-1)}); dbplane.ErrorField(err) != "poolSize" {
		t.Errorf("UpdateHost(poolSize -1) = %v, want a poolSize field error", err)
	}
	if h, _ := f.svc.Host(ctx, host.ID); h.PoolSize != 7 {
		t.Errorf("after a refused update, poolSize = %d, want 7", h.PoolSize)
	}
}

// With replicas on one store, a pool size changed on A is used by B's very
// next operation: B compares the row with its Conn's at every use.
func TestReplicas_PoolSizeChangedOnOneIsUsedByTheOther(t *testing.T) {
	ctx := context.Background()
	p := newReplicaPair(t)
	acct, err := p.a.CreateAccount(ctx, dbplane.AccountInput{Email: "t@example.com", Name: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.b.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: acct.ID, Label: "before"}); err != nil {
		t.Fatal(err) // B now holds a Conn
	}
	if _, err := p.a.UpdateHost(ctx, p.host.ID, dbplane.HostInput{PoolSize: ptr(9)}); err != nil {
		t.Fatalf("UpdateHost on A: %v", err)
	}
	if _, err := p.b.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: acct.ID, Label: "after"}); err != nil {
		t.Fatal(err)
	}
	if got := p.fake.LastPoolSize(); got != 9 {
		t.Errorf("pool size of B's Conn after the update on A = %d, want 9", got)
	}
}
