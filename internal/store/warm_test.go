package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/store"
)

func mustWarmHost(tb testing.TB, db *store.DB, id string, pool int, max *int) *dbplane.Host {
	tb.Helper()
	h := &dbplane.Host{ID: id, Name: id, Engine: dbplane.EnginePostgres, Hostname: "127.0.0.1", Port: 5432, Username: "postgres",
		SealedPassword: []byte("sealed"), TLS: dbplane.TLSDisable, MaxDatabases: max, Enabled: true, WarmPool: pool}
	if err := db.CreateHost(context.Background(), h); err != nil {
		tb.Fatalf("CreateHost(%s): %v", id, err)
	}
	return h
}

// makeWarm records n ready warm databases on the host and returns them.
func makeWarm(tb testing.TB, db *store.DB, hostID string, n int) []*store.WarmDatabase {
	tb.Helper()
	ctx := context.Background()
	var out []*store.WarmDatabase
	for range n {
		id := fmt.Sprintf("w%s%03d", hostID, warmSeq.Add())
		w := &store.WarmDatabase{ID: id, HostID: hostID, DBName: "dbplane_warm_" + id, DBUser: "dbplane_warm_" + id}
		if err := db.BeginWarm(ctx, w); err != nil {
			tb.Fatalf("BeginWarm(%s): %v", id, err)
		}
		if err := db.ReadyWarm(ctx, w); err != nil {
			tb.Fatalf("ReadyWarm(%s): %v", id, err)
		}
		out = append(out, w)
	}
	return out
}

var warmSeq counter

type counter struct {
	mu sync.Mutex
	n  int
}

func (c *counter) Add() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	return c.n
}

func pgDB(accountID, label string, hosts ...string) store.NewDatabase {
	nd := newDB(accountID, label, hosts...)
	nd.Database.Engine = dbplane.EnginePostgres
	nd.Warm = map[string]bool{}
	for _, h := range hosts {
		nd.Warm[h] = true
	}
	return nd
}

func noCounterDrift(t *testing.T, db *store.DB) {
	t.Helper()
	if drift, err := store.CounterDrift(context.Background(), db); err != nil || len(drift) > 0 {
		t.Errorf("counters: drift %v, err %v", drift, err)
	}
}

func TestWarm_PoolAndMaxDatabasesBoundTheRefill(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		ctx := context.Background()
		mustAccount(t, db, "acc", nil)
		mustWarmHost(t, db, "h1", 3, ptr(4))
		if err := db.InsertDatabase(ctx, newDB("acc", "a", "h1")); err != nil {
			t.Fatal(err)
		}
		makeWarm(t, db, "h1", 3) // pool 3, room for 3 more
		if err := db.BeginWarm(ctx, &store.WarmDatabase{ID: "x", HostID: "h1", DBName: "dbplane_warm_x", DBUser: "dbplane_warm_x"}); !errors.Is(err, store.ErrWarmFull) {
			t.Errorf("BeginWarm over the pool = %v, want ErrWarmFull", err)
		}
		// A normal create counts the warm ones against maxDatabases.
		if err := db.InsertDatabase(ctx, newDB("acc", "b", "h1")); !errors.Is(err, dbplane.ErrHostFull) {
			t.Errorf("InsertDatabase on a host full of databases and warm ones = %v, want ErrHostFull", err)
		}
		// A claim takes a warm one's place.
		nd := pgDB("acc", "c", "h1")
		if err := db.InsertDatabase(ctx, nd); err != nil || nd.Intent.WarmDB == "" {
			t.Errorf("InsertDatabase with warm ones ready = %v, warm %q; want a claim", err, nd.Intent.WarmDB)
		}
		h, _ := db.Host(ctx, "h1")
		if h.DatabaseCount != 2 || h.WarmCount != 2 {
			t.Errorf("host counts %d databases, %d warm; want 2 and 2", h.DatabaseCount, h.WarmCount)
		}
		// The pool is short by one, but the host has no room.
		if err := db.BeginWarm(ctx, &store.WarmDatabase{ID: "y", HostID: "h1", DBName: "dbplane_warm_y", DBUser: "dbplane_warm_y"}); !errors.Is(err, store.ErrWarmFull) {
			t.Errorf("BeginWarm on a full host = %v, want ErrWarmFull", err)
		}
		// Not on another engine.
		mustHost(t, db, "m1", nil)
		if err := db.BeginWarm(ctx, &store.WarmDatabase{ID: "z", HostID: "m1", DBName: "dbplane_warm_z", DBUser: "dbplane_warm_z"}); !errors.Is(err, store.ErrWarmFull) {
			t.Errorf("BeginWarm on a MariaDB host = %v, want ErrWarmFull", err)
		}
		// A create refused by a quota claims nothing.
		if _, err := db.UpdateAccount(ctx, "acc", dbplane.AccountUpdate{SlotsSet: true, Slots: ptr(2)}); err != nil {
			t.Fatal(err)
		}
		if err := db.InsertDatabase(ctx, pgDB("acc", "d", "h1")); !errors.Is(err, dbplane.ErrOutOfSlots) {
			t.Errorf("InsertDatabase over the slots = %v, want ErrOutOfSlots", err)
		}
		if ws, _ := db.WarmDatabases(ctx, "h1"); len(ws) != 2 {
			t.Errorf("%d warm databases after a refused create, want 2", len(ws))
		}
		noCounterDrift(t, db)
	})
}

// TestWarm_ShrinkFitsUnderALoweredLimit: an operator who lowers a host's
// maxDatabases below its databases and warm ones gets the warm ones over
// the limit dropped by the next refill pass (ShrinkWarm), newest first;
// the host's own databases are never touched.
func TestWarm_ShrinkFitsUnderALoweredLimit(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		ctx := context.Background()
		mustAccount(t, db, "acc", nil)
		mustWarmHost(t, db, "h1", 3, ptr(10))
		ws := makeWarm(t, db, "h1", 3)
		if err := store.SeedDatabases(ctx, db, "acc", "h1", 5); err != nil {
			t.Fatal(err)
		}
		if got, err := db.ShrinkWarm(ctx, "h1"); err != nil || len(got) != 0 {
			t.Fatalf("ShrinkWarm under the limit (5 + 3 of 10) = %d, %v; want none", len(got), err)
		}
		lower := func(n int) {
			h, err := db.Host(ctx, "h1")
			if err != nil {
				t.Fatal(err)
			}
			h.MaxDatabases = &n
			if err := db.UpdateHost(ctx, h); err != nil {
				t.Fatal(err)
			}
		}
		lower(6) // 5 databases leave room for one warm database
		got, err := db.ShrinkWarm(ctx, "h1")
		if err != nil || len(got) != 2 {
			t.Fatalf("ShrinkWarm with 5 + 3 over a limit of 6 = %d, %v; want 2", len(got), err)
		}
		for _, w := range got {
			if w.ID == ws[0].ID || w.State != store.WarmDropping {
				t.Errorf("ShrinkWarm took %s (%s); want the newest, dropping", w.ID, w.State)
			}
		}
		lower(4) // below the databases themselves: no warm one stays
		if got, err := db.ShrinkWarm(ctx, "h1"); err != nil || len(got) != 1 || got[0].ID != ws[0].ID {
			t.Fatalf("ShrinkWarm with 5 databases over a limit of 4 = %v, %v; want the last warm one", got, err)
		}
		if h, _ := db.Host(ctx, "h1"); h.DatabaseCount != 5 {
			t.Errorf("host counts %d databases after the shrinks, want 5 (never its own)", h.DatabaseCount)
		}
		noCounterDrift(t, db)
	})
}

func TestWarm_ShrinkDrainAndLeases(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		ctx := context.Background()
		mustWarmHost(t, db, "h1", 4, nil)
		ws := makeWarm(t, db, "h1", 4)
		h, _ := db.Host(ctx, "h1")
		h.WarmPool = 1
		if err := db.UpdateHost(ctx, h); err != nil {
			t.Fatal(err)
		}
		surplus, err := db.ShrinkWarm(ctx, "h1")
		if err != nil || len(surplus) != 3 {
			t.Fatalf("ShrinkWarm to 1 of 4 = %d, %v; want 3", len(surplus), err)
		}
		for _, w := range surplus {
			if w.State != store.WarmDropping || w.ID == ws[0].ID {
				t.Errorf("ShrinkWarm took %s (%s); want the newest, dropping", w.ID, w.State)
			}
		}
		// A stale holder is fenced off.
		stale := *surplus[0]
		stale.Token--
		if err := db.CompleteWarmDrop(ctx, &stale); !errors.Is(err, store.ErrLeaseLost) {
			t.Errorf("CompleteWarmDrop with an old token = %v, want ErrLeaseLost", err)
		}
		if err := db.NoteWarmFailure(ctx, surplus[0], "boom"); err != nil {
			t.Fatal(err)
		}
		// What a failed attempt gave back is taken again; a fresh lease is not.
		again, err := db.ClaimStaleWarm(ctx, "h1", 1<<40)
		if err != nil || len(again) != 1 || again[0].ID != surplus[0].ID || again[0].Attempts != 1 {
			t.Errorf("ClaimStaleWarm = %+v, %v; want %s alone", again, err, surplus[0].ID)
		}
		for _, w := range append(again, surplus[1:]...) {
			if err := db.CompleteWarmDrop(ctx, w); err != nil {
				t.Fatal(err)
			}
		}
		// The host cannot go while it has a warm pool or warm databases.
		if err := db.DeleteHost(ctx, "h1"); dbplane.ErrorCode(err) != dbplane.CodeConflict {
			t.Errorf("DeleteHost with a warm database = %v, want a conflict", err)
		}
		drained, err := db.DrainWarm(ctx, "h1", 1<<40)
		if err != nil || len(drained) != 1 {
			t.Fatalf("DrainWarm = %d, %v; want 1", len(drained), err)
		}
		if err := db.CompleteWarmDrop(ctx, drained[0]); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteHost(ctx, "h1"); err != nil {
			t.Errorf("DeleteHost once drained = %v", err)
		}
		noCounterDrift(t, db)
	})
}

// TestWarm_UndoCreateKeepsThePlaceholderForTheDrop: a claim whose names
// turned out to be someone else's leaves a drop of the placeholder names.
func TestWarm_UndoCreateKeepsThePlaceholderForTheDrop(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		ctx := context.Background()
		mustAccount(t, db, "acc", nil)
		mustWarmHost(t, db, "h1", 1, nil)
		ws := makeWarm(t, db, "h1", 1)
		nd := pgDB("acc", "a", "h1")
		if err := db.InsertDatabase(ctx, nd); err != nil {
			t.Fatal(err)
		}
		if err := db.UndoCreate(ctx, nd.Intent, false); err != nil {
			t.Fatal(err)
		}
		in, err := db.DatabaseIntent(ctx, nd.Database.ID)
		if err != nil || in == nil || in.Kind != dbplane.IntentDrop || in.DBName != ws[0].DBName || in.WarmDB != "" {
			t.Errorf("after UndoCreate of a claim, intent %+v, %v; want a drop of %s", in, err, ws[0].DBName)
		}
		noCounterDrift(t, db)
	})
}

// TestWarm_RetireKeepsThemFencedAndDeleteForgets: retiring a host keeps
// its warm databases recorded (they stay on the host, which is never
// reached again), turns its pool off, fences a worker making one, and
// lets no create claim one; deleting the retired host forgets them.
func TestWarm_RetireKeepsThemFencedAndDeleteForgets(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		ctx := context.Background()
		mustAccount(t, db, "acc", nil)
		making := retiredWarmHost(t, db, "h1")
		ws, err := db.WarmDatabases(ctx, "h1")
		if err != nil || len(ws) != 3 {
			t.Fatalf("after RetireHost, WarmDatabases = %d, %v; want the 3 kept", len(ws), err)
		}
		h, _ := db.Host(ctx, "h1")
		if h.WarmPool != 0 || h.WarmCount != 3 {
			t.Errorf("retired host warmPool %d warmCount %d, want 0 and 3", h.WarmPool, h.WarmCount)
		}
		if err := db.ReadyWarm(ctx, making); !errors.Is(err, store.ErrLeaseLost) {
			t.Errorf("ReadyWarm by the worker making it, after the retire = %v, want ErrLeaseLost", err)
		}
		if err := db.BeginWarm(ctx, &store.WarmDatabase{ID: "wnew", HostID: "h1", DBName: "dbplane_warm_wnew", DBUser: "dbplane_warm_wnew"}); !errors.Is(err, store.ErrWarmFull) {
			t.Errorf("BeginWarm on a retired host = %v, want ErrWarmFull", err)
		}
		if err := db.InsertDatabase(ctx, pgDB("acc", "a", "h1")); !errors.Is(err, dbplane.ErrHostFull) {
			t.Errorf("InsertDatabase on a retired host with warm ones = %v, want ErrHostFull", err)
		}
		noCounterDrift(t, db)
		if err := db.DeleteHost(ctx, "h1"); err != nil {
			t.Fatalf("DeleteHost of the retired host = %v", err)
		}
		if ws, _ := db.WarmDatabases(ctx, ""); len(ws) != 0 {
			t.Errorf("%d warm rows left after deleting the retired host", len(ws))
		}
		noCounterDrift(t, db)
	})
}

// TestWarm_ClaimAcrossReplicas: creates on three pools of one PostgreSQL
// store each claim a different warm database, and exactly as many claim
// as were ready.
func TestWarm_ClaimAcrossReplicas(t *testing.T) {
	url := newPostgresURL(t)
	replicas := []*store.DB{mustOpenURL(t, url), mustOpenURL(t, url), mustOpenURL(t, url)}
	ctx := context.Background()
	first := replicas[0]
	mustAccount(t, first, "acc", nil)
	mustWarmHost(t, first, "h1", 10, nil)
	makeWarm(t, first, "h1", 10)
	var wg sync.WaitGroup
	var mu sync.Mutex
	claimed := map[string]int{}
	plain := 0
	start := make(chan struct{})
	for i := range 30 {
		wg.Go(func() {
			nd := pgDB("acc", fmt.Sprintf("l%d", i), "h1")
			<-start
			err := replicas[i%3].InsertDatabase(ctx, nd)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				t.Errorf("InsertDatabase on replica %d: %v", i%3, err)
			case nd.Intent.WarmDB != "":
				claimed[nd.Intent.WarmDB]++
			default:
				plain++
			}
		})
	}
	close(start)
	wg.Wait()
	if len(claimed) != 10 || plain != 20 {
		t.Errorf("30 creates over 3 pools with 10 warm databases: %d claimed (%v), %d plain; want 10 and 20", len(claimed), claimed, plain)
	}
	for name, n := range claimed {
		if n != 1 {
			t.Errorf("warm database %s claimed %d times", name, n)
		}
	}
	noCounterDrift(t, first)
}

// TestWarm_ClaimPathNoScan: a create that claims a warm database reads
// nothing by scan either (TestCreatePath_NoScan), however many warm
// databases the host holds.
func TestWarm_ClaimPathNoScan(t *testing.T) {
	db := mustOpen(t)
	ctx := context.Background()
	mustAccount(t, db, "acc", ptr(1<<20))
	mustWarmHost(t, db, "h1", 200, ptr(1<<20))
	makeWarm(t, db, "h1", 150)
	for _, label := range []string{"one", "two"} { // the second runs prepared
		nd := pgDB("acc", label, "h1")
		if err := db.InsertDatabase(ctx, nd); err != nil || nd.Intent.WarmDB == "" {
			t.Fatalf("InsertDatabase = %v, warm %q; want a claim", err, nd.Intent.WarmDB)
		}
		if _, err := db.CompleteCreate(ctx, nd.Intent); err != nil {
			t.Fatal(err)
		}
	}
	checked, claim := 0, false
	for _, q := range store.CachedStatements(db) {
		checked++
		claim = claim || strings.HasPrefix(q, "DELETE FROM warm_databases")
		plan, err := store.QueryPlan(ctx, db, q)
		if err != nil {
			t.Fatalf("EXPLAIN QUERY PLAN %s: %v", q, err)
		}
		for _, step := range plan {
			if fullScan(step) || strings.Contains(step, "TEMP B-TREE") {
				t.Errorf("a claim runs\n\t%s\nwhose plan has %q (all steps: %q)", oneLine(q), step, plan)
			}
		}
	}
	if checked < 5 || !claim {
		t.Fatalf("%d statements seen, the claim's DELETE among them: %v", checked, claim)
	}
}

// TestWarm_UndoneCreateHoldsItsPlace: the drop an undone create leaves
// keeps the create's place on the host until it is done (or abandoned
// with the host's retirement), so neither a refill nor another create
// goes over max_databases meanwhile; a claim still converts a warm
// database in the only room left.
func TestWarm_UndoneCreateHoldsItsPlace(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		ctx := context.Background()
		mustAccount(t, db, "acc", nil)
		mustWarmHost(t, db, "h1", 2, ptr(2))
		makeWarm(t, db, "h1", 2)
		nd := pgDB("acc", "a", "h1")
		if err := db.InsertDatabase(ctx, nd); err != nil || nd.Intent.WarmDB == "" {
			t.Fatalf("InsertDatabase = %v, warm %q; want a claim", err, nd.Intent.WarmDB)
		}
		if err := db.UndoCreate(ctx, nd.Intent, true); err != nil {
			t.Fatal(err)
		}
		h, _ := db.Host(ctx, "h1")
		if h.DatabaseCount != 1 || h.WarmCount != 1 {
			t.Errorf("after the undo, host counts %d databases and %d warm; want 1 (the drop) and 1", h.DatabaseCount, h.WarmCount)
		}
		noCounterDrift(t, db)
		if err := db.BeginWarm(ctx, &store.WarmDatabase{ID: "x", HostID: "h1", DBName: "dbplane_warm_x", DBUser: "dbplane_warm_x"}); !errors.Is(err, store.ErrWarmFull) {
			t.Errorf("BeginWarm while the undone claim's drop is pending = %v, want ErrWarmFull", err)
		}
		// The warm one left is the only room: a claim converts it.
		claim := pgDB("acc", "b", "h1")
		if err := db.InsertDatabase(ctx, claim); err != nil || claim.Intent.WarmDB == "" {
			t.Fatalf("InsertDatabase with a warm database in the only room = %v, warm %q; want a claim", err, claim.Intent.WarmDB)
		}
		if err := db.InsertDatabase(ctx, newDB("acc", "c", "h1")); !errors.Is(err, dbplane.ErrHostFull) {
			t.Errorf("InsertDatabase on a host full with a pending drop = %v, want ErrHostFull", err)
		}
		if err := db.CompleteDrop(ctx, nd.Intent); err != nil {
			t.Fatal(err)
		}
		noCounterDrift(t, db)
		if err := db.InsertDatabase(ctx, newDB("acc", "c", "h1")); err != nil {
			t.Errorf("InsertDatabase once the drop is done = %v", err)
		}
		noCounterDrift(t, db)

		// A drop abandoned with the host's retirement gives its place
		// back: the host can be deleted once its orphans are.
		mustWarmHost(t, db, "h2", 0, nil)
		nd2 := newDB("acc", "d", "h2")
		if err := db.InsertDatabase(ctx, nd2); err != nil {
			t.Fatal(err)
		}
		if err := db.UndoCreate(ctx, nd2.Intent, true); err != nil {
			t.Fatal(err)
		}
		if _, abandoned, err := db.RetireHost(ctx, "h2"); err != nil || len(abandoned) != 1 {
			t.Fatalf("RetireHost = %d abandoned, %v; want the drop", len(abandoned), err)
		}
		noCounterDrift(t, db)
		if err := db.DeleteHost(ctx, "h2"); err != nil {
			t.Errorf("DeleteHost of the retired host = %v", err)
		}
	})
}

// TestWarm_UndoUnsentCreateReturnsTheClaim: a claim of which nothing
// reached the engine gives the warm database back, ready, in its place;
// a holder whose lease was taken gives nothing back.
func TestWarm_UndoUnsentCreateReturnsTheClaim(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		ctx := context.Background()
		mustAccount(t, db, "acc", nil)
		mustWarmHost(t, db, "h1", 2, ptr(2))
		ws := makeWarm(t, db, "h1", 1)
		nd := pgDB("acc", "a", "h1")
		if err := db.InsertDatabase(ctx, nd); err != nil || nd.Intent.WarmDB != ws[0].DBName {
			t.Fatalf("InsertDatabase = %v, warm %q; want a claim of %s", err, nd.Intent.WarmDB, ws[0].DBName)
		}
		stale := *nd.Intent
		if err := db.ClaimIntent(ctx, nd.Intent, 0); err != nil { // a reconciler takes it over
			t.Fatal(err)
		}
		if err := db.UndoUnsentCreate(ctx, &stale); !errors.Is(err, store.ErrLeaseLost) {
			t.Errorf("UndoUnsentCreate by the old holder = %v, want ErrLeaseLost", err)
		}
		if got, _ := db.WarmDatabases(ctx, "h1"); len(got) != 0 {
			t.Errorf("the old holder gave back %d warm databases, want none", len(got))
		}
		if err := db.UndoUnsentCreate(ctx, nd.Intent); err != nil {
			t.Fatal(err)
		}
		got, err := db.WarmDatabases(ctx, "h1")
		if err != nil || len(got) != 1 || got[0].DBName != ws[0].DBName || got[0].State != store.WarmReady {
			t.Errorf("after UndoUnsentCreate, warm rows %+v, %v; want %s ready", got, err, ws[0].DBName)
		}
		if in, _ := db.DatabaseIntent(ctx, nd.Database.ID); in != nil {
			t.Errorf("intent left: %+v", in)
		}
		h, _ := db.Host(ctx, "h1")
		if h.DatabaseCount != 0 || h.WarmCount != 1 {
			t.Errorf("host counts %d databases, %d warm; want 0 and 1", h.DatabaseCount, h.WarmCount)
		}
		noCounterDrift(t, db)
		again := pgDB("acc", "b", "h1")
		if err := db.InsertDatabase(ctx, again); err != nil || again.Intent.WarmDB != ws[0].DBName {
			t.Errorf("the next create = %v, warm %q; want a claim of %s", err, again.Intent.WarmDB, ws[0].DBName)
		}
	})
}

// TestWarm_RetiredHostsRowsAreNotTaken: a worker that read the host
// before it was retired takes none of its warm databases: neither the
// stale ones, nor a shrink, nor a drain.
func TestWarm_RetiredHostsRowsAreNotTaken(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		ctx := context.Background()
		retiredWarmHost(t, db, "h1")
		before, _ := db.WarmDatabases(ctx, "h1")
		if got, err := db.ClaimStaleWarm(ctx, "h1", 0); err != nil || len(got) != 0 {
			t.Errorf("ClaimStaleWarm on a retired host = %d, %v; want none", len(got), err)
		}
		if got, err := db.ShrinkWarm(ctx, "h1"); err != nil || len(got) != 0 {
			t.Errorf("ShrinkWarm on a retired host = %d, %v; want none", len(got), err)
		}
		if got, err := db.DrainWarm(ctx, "h1", 0); err != nil || len(got) != 0 {
			t.Errorf("DrainWarm on a retired host = %d, %v; want none", len(got), err)
		}
		after, _ := db.WarmDatabases(ctx, "h1")
		if len(after) != len(before) {
			t.Fatalf("warm rows %d, want %d", len(after), len(before))
		}
		for i := range after {
			if *after[i] != *before[i] {
				t.Errorf("warm row changed on a retired host: %+v, was %+v", after[i], before[i])
			}
		}
	})
}

// retiredWarmHost adds host id with a pool of 3, two warm databases ready
// and a third being made (returned), and retires it.
func retiredWarmHost(t *testing.T, db *store.DB, id string) *store.WarmDatabase {
	t.Helper()
	ctx := context.Background()
	mustWarmHost(t, db, id, 3, nil)
	makeWarm(t, db, id, 2)
	making := &store.WarmDatabase{ID: "wmaking", HostID: id, DBName: "dbplane_warm_wmaking", DBUser: "dbplane_warm_wmaking"}
	if err := db.BeginWarm(ctx, making); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.RetireHost(ctx, id); err != nil {
		t.Fatal(err)
	}
	return making
}
