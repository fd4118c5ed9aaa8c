package control_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/control"
	"github.com/dbplane/dbplane/internal/dbtest"
	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/engine/enginefake"
	"github.com/dbplane/dbplane/internal/secret"
	"github.com/dbplane/dbplane/internal/store"
)

// rekeyStores runs fn on a fresh SQLite store and a fresh PostgreSQL one.
func rekeyStores(t *testing.T, fn func(t *testing.T, url string)) {
	t.Run("sqlite", func(t *testing.T) {
		fn(t, "sqlite:"+filepath.Join(t.TempDir(), "dbplane.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		pg := dbtest.Postgres(t)
		fn(t, pg.URL(pg.NewDatabase(t)))
	})
}

// rekeySetup is a store with a host, an account and dbs databases, all
// sealed under k1 (with a pending rotate intent when intent is set), and
// the passwords the databases were given.
type rekeySetup struct {
	url      string
	fake     *enginefake.Driver
	k1, k2   secret.Key
	account  string
	ids      []string
	password map[string]dbplane.Secret
}

func newRekeySetup(t *testing.T, url string, dbs int, intent bool) *rekeySetup {
	t.Helper()
	ctx := context.Background()
	k1, _ := secret.GenerateKey("k1", nil)
	k2, _ := secret.GenerateKey("k2", nil)
	r := &rekeySetup{url: url, fake: enginefake.New("mariadb"), k1: k1, k2: k2, password: map[string]dbplane.Secret{}}
	svc := r.open(t, control.Options{}, k1)
	if err := svc.CheckMasterKey(ctx); err != nil {
		t.Fatal(err)
	}
	pw := dbplane.Secret("hostpw-0123456789abcdefgh")
	if _, err := svc.CreateHost(ctx, dbplane.HostInput{Name: ptr("fake-1"), Engine: ptr("mariadb"), Hostname: ptr("db.internal"),
		Port: ptr(3306), Username: ptr("root"), Password: &pw, PublicHostname: ptr("db.example.com")}); err != nil {
		t.Fatal(err)
	}
	a, err := svc.CreateAccount(ctx, dbplane.AccountInput{Email: "alice@example.com", Name: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	r.account = a.ID
	for i := range dbs {
		cr, err := svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: a.ID, Label: "db" + string(rune('a'+i))})
		if err != nil {
			t.Fatal(err)
		}
		r.ids = append(r.ids, cr.Database.ID)
		r.password[cr.Database.ID] = cr.Password
	}
	if intent {
		r.fake.FailAfter(enginefake.OpSetPassword, errors.New("invalid connection"))
		if _, err := svc.RotatePassword(ctx, a.ID, r.ids[0]); err == nil {
			t.Fatal("RotatePassword = nil, want the error that keeps the intent")
		}
		r.fake.FailAfter(enginefake.OpSetPassword, nil)
	}
	return r
}

// open returns a service on the store with the given keys, primary first.
func (r *rekeySetup) open(t *testing.T, opt control.Options, keys ...secret.Key) *control.Service {
	t.Helper()
	st, err := store.Open(context.Background(), r.url, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := secret.NewSealer(keys[0], keys[1:]...)
	if err != nil {
		t.Fatal(err)
	}
	svc := control.New(st, engine.NewRegistry(engine.Options{}, r.fake), sealer, opt)
	t.Cleanup(func() { svc.Close(); st.Close() })
	return svc
}

// checkOnlyK2 opens the store with k2 alone: the canary passes, every
// sealed value is k2's, every database reveals its password (want, or
// the one recorded) and it logs in, and a kept rotate intent finishes.
func (r *rekeySetup) checkOnlyK2(t *testing.T, want map[string]dbplane.Secret) {
	t.Helper()
	ctx := context.Background()
	svc := r.open(t, control.Options{}, r.k2)
	if err := svc.CheckMasterKey(ctx); err != nil {
		t.Fatalf("CheckMasterKey with k2 alone: %v", err)
	}
	st, err := store.Open(ctx, r.url, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	only, _ := secret.NewSealer(r.k2)
	for _, tb := range store.SealedTables {
		vals, err := st.SealedBatch(ctx, tb, "", 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			if id, err := only.KeyID(v.Sealed); err != nil || id != "k2" {
				t.Errorf("%s %s is sealed by %q (%v), want k2", tb, v.ID, id, err)
			}
		}
	}
	if err := svc.Reconcile(ctx, 0); err != nil {
		t.Fatalf("Reconcile with k2 alone: %v", err)
	}
	for _, id := range r.ids {
		rev, err := svc.RevealDatabase(ctx, r.account, id)
		if err != nil {
			t.Fatalf("RevealDatabase(%s) with k2 alone: %v", id, err)
		}
		if w, ok := want[id]; ok && rev.Password != w {
			t.Errorf("database %s reveals another password than its own", id)
		}
		if !r.fake.Login(rev.Database.DBName, rev.Database.DBUser, string(rev.Password)) {
			t.Errorf("database %s: the revealed password does not log in", id)
		}
	}
}

func TestRekey_OldKeyCanBeDroppedAfterwards(t *testing.T) {
	rekeyStores(t, func(t *testing.T, url string) {
		defer control.SetRekeyBatch(2)()
		r := newRekeySetup(t, url, 5, true)
		want := map[string]dbplane.Secret{}
		for _, id := range r.ids[1:] { // ids[0] has a pending rotate
			want[id] = r.password[id]
		}
		var progress []string
		rep, err := r.open(t, control.Options{}, r.k2, r.k1).RekeyProgress(context.Background(), func(table string, done, total int) {
			progress = append(progress, table)
		})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]dbplane.RekeyTable{}
		for _, tr := range rep.Tables {
			got[tr.Table] = tr
		}
		if d := got["databases"]; d.Total != 5 || d.Resealed != 5 {
			t.Errorf("databases: %+v, want 5 of 5 re-sealed", d)
		}
		if h := got["hosts"]; h.Total != 1 || h.Resealed != 1 {
			t.Errorf("hosts: %+v, want 1 of 1 re-sealed", h)
		}
		if i := got["intents"]; i.Total != 1 || i.Resealed != 1 {
			t.Errorf("intents: %+v, want 1 of 1 re-sealed", i)
		}
		if len(progress) != 5 { // databases in 3 batches, hosts and intents in 1
			t.Errorf("progress reported %d times (%v), want 5", len(progress), progress)
		}
		r.checkOnlyK2(t, want)

		again, err := r.open(t, control.Options{}, r.k2, r.k1).Rekey(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range again.Tables {
			if tr.Resealed != 0 || tr.Current != tr.Total {
				t.Errorf("second rekey, %s: %+v, want everything already current", tr.Table, tr)
			}
		}
	})
}

// A rotate between Rekey's read and its write wins: its password stays.
func TestRekey_ConcurrentRotateKeepsItsPassword(t *testing.T) {
	rekeyStores(t, func(t *testing.T, url string) {
		defer control.SetRekeyBatch(10)()
		r := newRekeySetup(t, url, 3, false)
		var rotator *control.Service
		var rotated atomic.Pointer[dbplane.Credentials]
		hook := func(step string) {
			if step != "rekey:batch-sealed" || rotated.Load() != nil {
				return
			}
			cr, err := rotator.RotatePassword(context.Background(), r.account, r.ids[1])
			if err != nil {
				t.Errorf("RotatePassword during rekey: %v", err)
				return
			}
			rotated.Store(cr)
		}
		rotator = r.open(t, control.Options{}, r.k2, r.k1)
		rep, err := r.open(t, control.Options{Hook: hook}, r.k2, r.k1).Rekey(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		cr := rotated.Load()
		if cr == nil {
			t.Fatal("the rotate did not run")
		}
		if d := rep.Tables[0]; d.Table != "databases" || d.Resealed != 2 || d.Skipped != 1 {
			t.Errorf("databases: %+v, want 2 re-sealed and the rotated one skipped", d)
		}
		want := map[string]dbplane.Secret{r.ids[0]: r.password[r.ids[0]], r.ids[1]: cr.Password, r.ids[2]: r.password[r.ids[2]]}
		r.checkOnlyK2(t, want)
	})
}

// A rekey cancelled after its first batch leaves that batch done, and a
// second run finishes the job.
func TestRekey_InterruptedThenRerunFinishes(t *testing.T) {
	rekeyStores(t, func(t *testing.T, url string) {
		defer control.SetRekeyBatch(2)()
		r := newRekeySetup(t, url, 5, false)
		ctx, cancel := context.WithCancel(context.Background())
		batches := 0
		hook := func(step string) {
			if step == "rekey:batch-sealed" {
				if batches++; batches == 2 {
					cancel()
				}
			}
		}
		if _, err := r.open(t, control.Options{Hook: hook}, r.k2, r.k1).Rekey(ctx); !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled Rekey = %v, want context.Canceled", err)
		}
		rep, err := r.open(t, control.Options{}, r.k2, r.k1).Rekey(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if d := rep.Tables[0]; d.Current != 2 || d.Resealed != 3 {
			t.Errorf("rerun, databases: %+v, want 2 already current and 3 re-sealed", d)
		}
		r.checkOnlyK2(t, r.password)
	})
}
