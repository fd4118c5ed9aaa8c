package control_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/control"
	"github.com/dbplane/dbplane/internal/dbtest"
	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/engine/enginefake"
	"github.com/dbplane/dbplane/internal/must"
	"github.com/dbplane/dbplane/internal/secret"
	"github.com/dbplane/dbplane/internal/store"
)

// replicaPair is two services on one PostgreSQL store, as two replicas,
// with one master key and one (fake) engine host between them.
type replicaPair struct {
	a, b *control.Service
	fake *enginefake.Driver
	host *dbplane.Host
}

func newReplicaPair(t *testing.T) *replicaPair {
	t.Helper()
	ctx := context.Background()
	pg := dbtest.Postgres(t)
	url := pg.URL(pg.NewDatabase(t))
	key := must.Get(secret.GenerateKey("k1", nil))(t)
	sealer := must.Get(secret.NewSealer(key))(t)
	fake := enginefake.New("mariadb")
	fake.SetAdmin(engine.Config{Host: "db.internal", Port: 3306, User: "root", Password: "old-admin-password"})
	open := func() *control.Service {
		st, err := store.Open(ctx, url, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		svc := control.New(st, engine.NewRegistry(engine.Options{}, fake), sealer, control.Options{})
		t.Cleanup(func() { svc.Close(); st.Close() })
		return svc
	}
	p := &replicaPair{a: open(), b: open(), fake: fake}
	pw := dbplane.Secret("old-admin-password")
	h, err := p.a.CreateHost(ctx, dbplane.HostInput{
		Name: ptr("h1"), Engine: ptr("mariadb"), Hostname: ptr("db.internal"), Port: ptr(3306), Username: ptr("root"), Password: &pw,
	})
	if err != nil {
		t.Fatalf("CreateHost: %v", err)
	}
	p.host = h
	return p
}

// TestReplicas_ChangesOnOneHoldOnTheOtherAtOnce: with a shared store the
// caches of one replica never hide a change made on another. Each case
// warms replica B's caches first, changes something on A, and checks B's
// very next call.
func TestReplicas_ChangesOnOneHoldOnTheOtherAtOnce(t *testing.T) {
	ctx := context.Background()
	p := newReplicaPair(t)
	acct, err := p.a.CreateAccount(ctx, dbplane.AccountInput{Email: "t@example.com", Name: "t"})
	if err != nil {
		t.Fatal(err)
	}
	newKey := func() (*dbplane.APIKey, dbplane.Secret) {
		k, raw, err := p.a.CreateKey(ctx, dbplane.KeyInput{AccountID: acct.ID, Kind: dbplane.KeyUser, Name: "k"})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := p.b.Authenticate(ctx, string(raw), ""); err != nil {
			t.Fatalf("Authenticate on B before the change: %v", err)
		}
		return k, raw
	}

	t.Run("key disabled on A is refused on B", func(t *testing.T) {
		k, raw := newKey()
		if _, err := p.a.SetKeyDisabled(ctx, acct.ID, k.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, _, err := p.b.Authenticate(ctx, string(raw), ""); !errors.Is(err, dbplane.ErrKeyDisabled) {
			t.Errorf("Authenticate on B right after a disable on A = %v, want ErrKeyDisabled", err)
		}
	})

	t.Run("reveal on B right after a rotate on A", func(t *testing.T) {
		cr, err := p.a.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: acct.ID, Label: "app"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.b.RevealDatabase(ctx, acct.ID, cr.Database.ID); err != nil { // warm B's list
			t.Fatal(err)
		}
		rotated, err := p.a.RotatePassword(ctx, acct.ID, cr.Database.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := p.b.RevealDatabase(ctx, acct.ID, cr.Database.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Password != rotated.Password {
			t.Error("reveal on B right after a rotate on A returned the old password")
		}
	})

	t.Run("host credentials changed on A are used by B", func(t *testing.T) {
		if _, err := p.b.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: acct.ID, Label: "before"}); err != nil {
			t.Fatalf("create on B with the old host password: %v", err) // B now holds a connection
		}
		p.fake.SetAdmin(engine.Config{Host: "db.internal", Port: 3306, User: "root", Password: "new-admin-password"})
		pw := dbplane.Secret("new-admin-password")
		if _, err := p.a.UpdateHost(ctx, p.host.ID, dbplane.HostInput{Password: &pw}); err != nil {
			t.Fatalf("UpdateHost on A: %v", err)
		}
		if _, err := p.b.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: acct.ID, Label: "after"}); err != nil {
			t.Errorf("create on B after the host password changed on A: %v", err)
		}
	})

	t.Run("account suspended on A is refused on B", func(t *testing.T) {
		_, raw := newKey()
		if _, err := p.a.UpdateAccount(ctx, acct.ID, dbplane.AccountUpdate{Suspended: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := p.b.Authenticate(ctx, string(raw), ""); err == nil {
			t.Error("Authenticate on B right after a suspension on A = nil error, want a refusal")
		}
	})
}

// TestUpdateHost_KeepsTheSealedPasswordWhenItDoesNotChange: replicas
// tell a changed host by its row; a change of maxDatabases alone must not
// look like new credentials (they would drop their engine connections
// under the creates in flight).
func TestUpdateHost_KeepsTheSealedPasswordWhenItDoesNotChange(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, control.Options{})
	hosts, err := f.st.ListHosts(ctx)
	if err != nil || len(hosts) != 1 {
		t.Fatalf("ListHosts = %v, %v", hosts, err)
	}
	before := hosts[0]
	if _, err := f.svc.UpdateHost(ctx, before.ID, dbplane.HostInput{MaxDatabasesSet: true, MaxDatabases: ptr(20)}); err != nil {
		t.Fatal(err)
	}
	after, err := f.st.Host(ctx, before.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(after.SealedPassword, before.SealedPassword) {
		t.Error("UpdateHost of maxDatabases alone sealed the password again")
	}
	pw := dbplane.Secret("another-password-" + strings.Repeat("x", 10))
	if _, err := f.svc.UpdateHost(ctx, before.ID, dbplane.HostInput{Password: &pw}); err != nil {
		t.Fatal(err)
	}
	if again := must.Get(f.st.Host(ctx, before.ID))(t); bytes.Equal(again.SealedPassword, before.SealedPassword) {
		t.Error("UpdateHost of the password kept the old sealed password")
	}
}
