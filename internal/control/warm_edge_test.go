package control_test

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/control"
	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/engine/enginefake"
	"github.com/dbplane/dbplane/internal/must"
	"github.com/dbplane/dbplane/internal/secret"
	"github.com/dbplane/dbplane/internal/store"
)

// Edge cases of the warm pool: the fake engine stands in for PostgreSQL
// where a failure must be injected; the rest runs on a real server.

type warmFake struct {
	svc  *control.Service
	st   *store.DB
	fake *enginefake.Driver
	host *dbplane.Host
	acct *dbplane.Account
}

// newWarmFake registers a fake PostgreSQL host with a warm pool of pool
// and maxDatabases max (nil: unlimited), fills the pool and returns it
// with an account. hook is the service's Hook.
func newWarmFake(t *testing.T, pool int, max *int, hook func(string)) *warmFake {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st := must.Get(store.Open(ctx, "sqlite:"+filepath.Join(dir, "dbplane.db"), store.Options{}))(t)
	key := must.Get(secret.GenerateKey("k1", nil))(t)
	sealer := must.Get(secret.NewSealer(key))(t)
	fake := enginefake.New("postgres")
	logger := slog.New(slog.DiscardHandler)
	svc := control.New(st, engine.NewRegistry(engine.Options{Logger: logger}, fake), sealer,
		control.Options{Logger: logger, EngineTimeout: 2 * time.Second, Hook: hook})
	t.Cleanup(func() { svc.Close(); st.Close() })
	pw := dbplane.Secret("hostpw-" + strings.Repeat("s", 20))
	h := must.Get(svc.CreateHost(ctx, dbplane.HostInput{
		Name: ptr("pg-fake"), Engine: ptr("postgres"), Hostname: ptr("db.internal"), Port: ptr(5432), Username: ptr("postgres"), Password: &pw,
		WarmPool: &pool, MaxDatabasesSet: max != nil, MaxDatabases: max,
	}))(t)
	acct := must.Get(svc.CreateAccount(ctx, dbplane.AccountInput{Email: "edge@example.com", Name: "edge"}))(t)
	mustDo(t, svc.RefillWarmAged(ctx, 0))
	if n := must.Get(svc.WarmReady(ctx, h.ID))(t); n != pool && max == nil {
		t.Fatalf("%d warm databases ready, want %d", n, pool)
	}
	return &warmFake{svc: svc, st: st, fake: fake, host: h, acct: acct}
}

func (wf *warmFake) create(label string) (*dbplane.Credentials, error) {
	return wf.svc.CreateDatabase(context.Background(), dbplane.CreateDatabaseInput{AccountID: wf.acct.ID, Label: label, Engine: "postgres"})
}

// warmNames returns the names of the host's warm rows in state (any
// state for "").
func (wf *warmFake) warmNames(t *testing.T, state store.WarmState) []string {
	t.Helper()
	var out []string
	for _, w := range must.Get(wf.st.WarmDatabases(context.Background(), wf.host.ID))(t) {
		if state == "" || w.State == state {
			out = append(out, w.DBName)
		}
	}
	return out
}

// lost is an engine failure after the statements were sent (the reply
// never came): the engine may have done the change.
var lost = &engine.Error{Op: engine.OpEnsure, Engine: "postgres", Kind: engine.ErrUnreachable, Err: context.DeadlineExceeded}

// unsent is a refused dial: nothing reached the engine.
var unsent = &engine.Error{Op: engine.OpEnsure, Engine: "postgres", Kind: engine.ErrUnreachable, NotSent: true, Err: errors.New("dial tcp: connect: connection refused")}

// TestWarm_UndoneCreateHoldsItsPlace (warm pool defect 1): a create that
// fails after its statements reached the engine leaves its drop to the
// reconciler; until that drop is done, what it may have made (a claimed
// warm database, or a database of its own) still counts against the
// host's maxDatabases, so neither a refill nor another create puts the
// host over its limit on the engine. A claim still converts a warm
// database when the warm ones hold the only room.
func TestWarm_UndoneCreateHoldsItsPlace(t *testing.T) {
	ctx := context.Background()
	t.Run("claim", func(t *testing.T) {
		wf := newWarmFake(t, 2, ptr(2), nil)
		wf.fake.FailAfter(enginefake.OpEnsure, lost)
		if _, err := wf.create("lost"); dbplane.ErrorCode(err) != dbplane.CodeUnavailable {
			t.Fatalf("create whose reply was lost = %v, want 503", err)
		}
		wf.fake.FailAfter(enginefake.OpEnsure, nil)
		if l := must.Get(wf.st.Intents(ctx))(t); len(l) != 1 || l[0].Kind != dbplane.IntentDrop {
			t.Fatalf("intents after the failed create: %+v, want its drop", l)
		}
		mustDo(t, wf.svc.RefillWarmAged(ctx, 0))
		if on := wf.fake.Databases(); len(on) > 2 {
			t.Errorf("after a refill, the engine holds %v: more than the host's maxDatabases 2", on)
		}
		// The one warm database left is the only room: a create claims it.
		cr, err := wf.create("claims")
		if err != nil {
			t.Fatalf("create with a warm database in the only room: %v", err)
		}
		if slices.ContainsFunc(wf.fake.Databases(), func(n string) bool { return n == cr.Database.DBName }) && len(wf.fake.Databases()) > 2 {
			t.Errorf("the engine holds %v: more than 2", wf.fake.Databases())
		}
		if _, err := wf.create("over"); !errors.Is(err, dbplane.ErrHostFull) {
			t.Errorf("create while the failed create's drop is pending on a full host = %v, want ErrHostFull", err)
		}
		if on := wf.fake.Databases(); len(on) > 2 {
			t.Errorf("the engine holds %v: more than the host's maxDatabases 2", on)
		}
		// Once the drop is done the place is free again.
		mustDo(t, wf.svc.Reconcile(ctx, 0))
		mustDo(t, wf.svc.RefillWarmAged(ctx, 0))
		h := must.Get(wf.svc.Host(ctx, wf.host.ID))(t)
		if h.DatabaseCount != 1 || h.WarmCount != 1 || len(wf.fake.Databases()) != 2 {
			t.Errorf("after the drop and a refill: host databaseCount %d warmCount %d, engine %v; want 1, 1 and 2 databases",
				h.DatabaseCount, h.WarmCount, wf.fake.Databases())
		}
		noStoreDrift(t, wf.st)
	})
	t.Run("plain", func(t *testing.T) {
		wf := newWarmFake(t, 0, ptr(1), nil)
		wf.fake.FailAfter(enginefake.OpEnsure, lost)
		if _, err := wf.create("lost"); dbplane.ErrorCode(err) != dbplane.CodeUnavailable {
			t.Fatalf("create whose reply was lost = %v, want 503", err)
		}
		wf.fake.FailAfter(enginefake.OpEnsure, nil)
		if _, err := wf.create("second"); !errors.Is(err, dbplane.ErrHostFull) {
			t.Errorf("create while the failed create's drop is pending on a host of 1 = %v, want ErrHostFull (engine %v)", err, wf.fake.Databases())
		}
		mustDo(t, wf.svc.Reconcile(ctx, 0))
		if _, err := wf.create("third"); err != nil {
			t.Errorf("create once the drop is done: %v", err)
		}
		noStoreDrift(t, wf.st)
	})
}

// TestWarm_UnsentClaimGoesBackToThePool (warm pool defect 2): a create
// that claimed a warm database and failed before anything reached the
// engine gives the warm database back, ready, with its place on the host;
// nothing is dropped and no intent is left, and the next create claims it.
func TestWarm_UnsentClaimGoesBackToThePool(t *testing.T) {
	ctx := context.Background()
	wf := newWarmFake(t, 2, nil, nil)
	before := wf.warmNames(t, store.WarmReady)
	wf.fake.Fail(enginefake.OpEnsure, unsent)
	if _, err := wf.create("unsent"); dbplane.ErrorCode(err) != dbplane.CodeUnavailable {
		t.Fatalf("create on a host that refuses the dial = %v, want 503", err)
	}
	wf.fake.Fail(enginefake.OpEnsure, nil)
	if l := must.Get(wf.st.Intents(ctx))(t); len(l) != 0 {
		t.Errorf("intents after a claim that never reached the engine: %+v, want none", l)
	}
	if got := wf.warmNames(t, store.WarmReady); !slices.Equal(got, before) {
		t.Errorf("ready warm databases %v, want %v back", got, before)
	}
	h := must.Get(wf.svc.Host(ctx, wf.host.ID))(t)
	if h.DatabaseCount != 0 || h.WarmCount != 2 {
		t.Errorf("host databaseCount %d warmCount %d, want 0 and 2", h.DatabaseCount, h.WarmCount)
	}
	noStoreDrift(t, wf.st)
	// A refill finds the pool full; the next create claims one of them.
	mustDo(t, wf.svc.RefillWarmAged(ctx, 0))
	cr, err := wf.create("next")
	if err != nil {
		t.Fatal(err)
	}
	on := wf.fake.Databases()
	if len(on) != 2 || !slices.Contains(on, cr.Database.DBName) {
		t.Errorf("engine holds %v; want the new database and one of %v", on, before)
	}
	if !wf.fake.Login(cr.Database.DBName, cr.Database.DBUser, string(cr.Password)) {
		t.Errorf("the new database's owner does not log in")
	}
	if left := wf.warmNames(t, ""); len(left) != 1 || !slices.Contains(before, left[0]) {
		t.Errorf("warm rows %v, want one of %v", left, before)
	}
}

// TestWarm_ClaimTakenOverIsNotReturned: when the reconciler took a
// failed claim over before the request gave it up, the request's unsent
// failure returns nothing to the pool: the warm database is the
// reconciler's create, and no two creates ever hold it.
func TestWarm_ClaimTakenOverIsNotReturned(t *testing.T) {
	ctx := context.Background()
	var wf *warmFake
	var once sync.Once
	wf = newWarmFake(t, 1, nil, func(step string) {
		if step != "create:engine-failed" {
			return
		}
		once.Do(func() {
			wf.fake.Fail(enginefake.OpEnsure, nil)
			mustDo(t, wf.svc.Reconcile(ctx, 0)) // takes the create over and renames the warm database into place
		})
	})
	wf.fake.Fail(enginefake.OpEnsure, unsent)
	if _, err := wf.create("taken"); err == nil {
		t.Fatal("create whose claim was taken over = nil, want an error")
	}
	if left := wf.warmNames(t, ""); len(left) != 0 {
		t.Errorf("warm rows %v after the reconciler finished the claim, want none", left)
	}
	rows := must.Get(wf.svc.ListDatabases(ctx, wf.acct.ID))(t)
	if len(rows) != 1 || rows[0].Status != dbplane.StatusActive {
		t.Fatalf("databases %+v, want the reconciler's one, active", rows)
	}
	if on := wf.fake.Databases(); !slices.Equal(on, []string{rows[0].DBName}) {
		t.Errorf("engine holds %v, want [%s]", on, rows[0].DBName)
	}
	noStoreDrift(t, wf.st)
}

// TestWarm_GoneWarmThenUnsentDropIsNotUnsent: a claim that finds its warm
// database gone creates the database instead and then drops the warm
// names; when only that drop is not sent, the create did reach the
// engine: it is undone by a drop, nothing goes back to the pool, and
// nothing of it is left once the host answers.
func TestWarm_GoneWarmThenUnsentDropIsNotUnsent(t *testing.T) {
	ctx := context.Background()
	wf := newWarmFake(t, 2, nil, nil)
	ready := wf.warmNames(t, store.WarmReady)
	c := must.Get(wf.fake.Open(engine.Config{}))(t)
	mustDo(t, c.DropDatabase(ctx, engine.DropDatabaseRequest{Database: ready[0], Owner: ready[0], Remote: "%"})) // gone behind dbplane's back
	c.Close()
	wf.fake.Fail(enginefake.OpDrop, &engine.Error{Op: engine.OpDrop, Engine: "postgres", Kind: engine.ErrUnreachable, NotSent: true, Err: errors.New("dial tcp: connect: connection refused")})
	if _, err := wf.create("gone"); err == nil {
		t.Fatal("create whose warm drop failed = nil, want an error")
	}
	wf.fake.Fail(enginefake.OpDrop, nil)
	if got := wf.warmNames(t, ""); slices.Contains(got, ready[0]) {
		t.Errorf("warm rows %v: the vanished warm database %s went back to the pool", got, ready[0])
	}
	mustDo(t, wf.svc.Reconcile(ctx, 0))
	if on := wf.fake.Databases(); !slices.Equal(on, []string{ready[1]}) {
		t.Errorf("after Reconcile the engine holds %v, want only the other warm database %s", on, ready[1])
	}
	if l := must.Get(wf.st.Intents(ctx))(t); len(l) != 0 {
		t.Errorf("intents left: %+v", l)
	}
	noStoreDrift(t, wf.st)
}

// TestWarm_UnsentClaimOnKilledHost (warm pool defect 2, real server): the
// dial to a killed PostgreSQL is refused; the claimed warm database is
// back in the pool at once and the next create, once the server is back,
// claims one of the same warm databases (by oid).
func TestWarm_UnsentClaimOnKilledHost(t *testing.T) {
	if testing.Short() {
		t.Skip("starts database servers")
	}
	srv := ownPostgres(t)
	fs := openFaultService(t, 2*time.Second)
	ctx := context.Background()
	h, acct := fs.mustWarmHost(t, srv, 2)
	oids := warmOIDs(t, srv)
	mustDo(t, srv.Kill())
	must.Get(fs.svc.UpdateHost(ctx, h.ID, dbplane.HostInput{Name: ptr("renamed")}))(t) // no pooled session
	if _, err := fs.svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: acct.ID, Label: "claim", Engine: "postgres"}); dbplane.ErrorCode(err) != dbplane.CodeUnavailable {
		t.Fatalf("create on a killed host = %v, want 503", err)
	}
	if l := fs.intents(t); len(l) != 0 {
		t.Errorf("intents after an unsent claim: %+v, want none", l)
	}
	if n := must.Get(fs.svc.WarmReady(ctx, h.ID))(t); n != 2 {
		t.Errorf("%d warm databases ready after an unsent claim, want 2", n)
	}
	mustDo(t, srv.Restart(ctx))
	checkWarmKnown(t, fs.st, srv)
	cr, err := fs.svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: acct.ID, Label: "after", Engine: "postgres"})
	if err != nil {
		t.Fatalf("create once the host answers: %v", err)
	}
	if oid := dbOID(t, srv, cr.Database.DBName); !slices.Contains(oids, oid) {
		t.Errorf("the create after the unsent claim made a new database (oid %s), want one of the warm ones %v", oid, oids)
	}
	fs.mustLogIn(t, srv, acct.ID, cr.Database)
	checkWarmKnown(t, fs.st, srv)
	noStoreDrift(t, fs.st)
}

// TestWarm_RetireDuringRefill (warm pool defect 3): a host retired while
// a refill pass that read it live is under way keeps its warm databases
// as they were: the pass neither marks them dropping (they would never be
// dropped: nothing reaches a retired host) nor reaches the host.
func TestWarm_RetireDuringRefill(t *testing.T) {
	ws := newWarmSetup(t, 3, nil)
	ctx := context.Background()
	mustDo(t, ws.rs.svc.RefillWarmAged(ctx, 0))
	ws.checkWarm(t, 3)
	ws.rs.close()
	var once sync.Once
	var rs *realService
	rs = openRealService(t, ws.dir, func(step string) {
		if step == "warm:pass" { // the pass has read the host, live
			once.Do(func() { must.Get(rs.svc.RetireHost(ctx, ws.host.ID))(t) })
		}
	})
	ws.rs = rs
	_ = rs.svc.RefillWarmAged(ctx, 0)
	if h := must.Get(rs.svc.Host(ctx, ws.host.ID))(t); h.RetiredAt == nil {
		t.Fatal("the host was not retired during the pass")
	}
	rows := must.Get(rs.st.WarmDatabases(ctx, ws.host.ID))(t)
	for _, w := range rows {
		if w.State != store.WarmReady || w.Attempts != 0 {
			t.Errorf("retired host's warm database %s is %s after %d attempts, want ready, untouched", w.DBName, w.State, w.Attempts)
		}
	}
	if on := warmOnServer(t, ws.srv); len(on) != 6 || len(rows) != 3 {
		t.Errorf("after the pass: server %v, %d rows; want the 3 warm databases on both", on, len(rows))
	}
	rep := must.Get(rs.svc.HostOrphans(ctx, ws.host.ID))(t)
	for _, w := range rep.Warm {
		if w.State != string(store.WarmReady) {
			t.Errorf("orphan report: warm %s %s, want ready", w.DBName, w.State)
		}
	}
	noStoreDrift(t, rs.st)
	mustDo(t, rs.svc.DeleteHost(ctx, ws.host.ID))
}

// noStoreDrift fails the test unless every host's counters say what the
// store holds: warmCount its warm rows, databaseCount its databases plus
// the drops of undone creates (intents whose row is gone), which hold
// their place until the engine is clean.
func noStoreDrift(t *testing.T, st *store.DB) {
	t.Helper()
	ctx := context.Background()
	intents := must.Get(st.Intents(ctx))(t)
	for _, h := range must.Get(st.ListHosts(ctx))(t) {
		_, n := must.Get2(st.ListAllDatabases(ctx, dbplane.DatabaseFilter{HostID: h.ID, Page: dbplane.Page{PerPage: 1}}))(t)
		for _, in := range intents {
			if in.HostID == h.ID && in.Kind == dbplane.IntentDrop {
				if _, err := st.Database(ctx, in.DatabaseID); dbplane.ErrorCode(err) == dbplane.CodeNotFound {
					n++
				}
			}
		}
		warm := must.Get(st.WarmDatabases(ctx, h.ID))(t)
		if h.DatabaseCount != n || h.WarmCount != len(warm) {
			t.Errorf("host %s counts %d databases and %d warm; the store holds %d and %d", h.Name, h.DatabaseCount, h.WarmCount, n, len(warm))
		}
	}
}
