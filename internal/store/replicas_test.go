package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/store"
)

// TestInsertDatabase_ExactAcrossReplicas runs 60 concurrent creates
// spread over 3 pools on one PostgreSQL database, as 3 replicas would,
// against 10 free places of each kind: exactly 10 must be made. Under
// READ COMMITTED a count followed by an insert over-allocates here
// (design/scale-out.md §1 measured 12 to 21 rows for 10 slots); the
// conditional counter updates re-check their WHERE on the newest row
// version after waiting for the lock, so they do not.
func TestInsertDatabase_ExactAcrossReplicas(t *testing.T) {
	tests := []struct {
		name                  string
		slots, hostMax, limit *int
		want                  error
	}{
		{name: "account slots", slots: ptr(10), want: dbplane.ErrOutOfSlots},
		{name: "host maxDatabases", hostMax: ptr(10), want: dbplane.ErrHostFull},
		{name: "server databaseLimit", limit: ptr(10), want: dbplane.ErrServerLimit},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			url := newPostgresURL(t)
			replicas := []*store.DB{mustOpenURL(t, url), mustOpenURL(t, url), mustOpenURL(t, url)}
			ctx := context.Background()
			first := replicas[0]
			mustAccount(t, first, "acc", tc.slots)
			mustHost(t, first, "h1", tc.hostMax)
			if err := first.CreateNode(ctx, &dbplane.Node{ID: "node", Name: "n"}); err != nil {
				t.Fatal(err)
			}
			srv := &dbplane.Server{ID: "srv", Identifier: "srv00001", Name: "s", OwnerID: "acc", NodeID: "node", DatabaseLimit: tc.limit}
			if err := first.CreateServer(ctx, srv); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			var mu sync.Mutex
			ok, refused := 0, 0
			start := make(chan struct{})
			for i := range 60 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					nd := newDB("acc", fmt.Sprintf("l%d", i), "h1")
					nd.Database.ServerID = srv.ID
					<-start
					err := replicas[i%3].InsertDatabase(ctx, nd)
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil:
						ok++
					case errors.Is(err, tc.want):
						refused++
					default:
						t.Errorf("InsertDatabase on replica %d: %v", i%3, err)
					}
				}()
			}
			close(start)
			wg.Wait()
			if ok != 10 || refused != 50 {
				t.Errorf("60 concurrent inserts over 3 pools with 10 places: %d created, %d refused; want 10 and 50", ok, refused)
			}
			if drift, err := store.CounterDrift(ctx, first); err != nil || len(drift) > 0 {
				t.Errorf("counters after the race: drift %v, err %v", drift, err)
			}
		})
	}
}

// TestDeleteServer_NeverLeavesADatabaseBehind: a server is deleted only
// while it has no database, even when a create on another replica takes
// a place on it at the same moment; then either the create or the delete
// is refused, never both let through.
func TestDeleteServer_NeverLeavesADatabaseBehind(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		a := open(t)
		b := a
		if url := urlOf(t, a); url[:6] != "sqlite" {
			b = mustOpenURL(t, url)
		}
		mustAccount(t, a, "acc", nil)
		mustHost(t, a, "h1", nil)
		if err := a.CreateNode(ctx, &dbplane.Node{ID: "node", Name: "n"}); err != nil {
			t.Fatal(err)
		}
		for i := range 20 {
			srv := &dbplane.Server{ID: fmt.Sprintf("srv%d", i), Identifier: fmt.Sprintf("srv%05d", i), Name: "s", OwnerID: "acc", NodeID: "node"}
			if err := a.CreateServer(ctx, srv); err != nil {
				t.Fatal(err)
			}
			nd := newDB("acc", fmt.Sprintf("l%d", i), "h1")
			nd.Database.ServerID = srv.ID
			var createErr, deleteErr error
			var wg sync.WaitGroup
			wg.Add(2)
			go func() { defer wg.Done(); createErr = b.InsertDatabase(ctx, nd) }()
			go func() { defer wg.Done(); deleteErr = a.DeleteServer(ctx, srv.ID) }()
			wg.Wait()
			if (createErr == nil) == (deleteErr == nil) {
				t.Fatalf("round %d: create = %v, delete server = %v; want exactly one to succeed", i, createErr, deleteErr)
			}
			if deleteErr != nil && dbplane.ErrorCode(deleteErr) != dbplane.CodeConflict {
				t.Errorf("round %d: DeleteServer lost to a create with %v, want a conflict naming the database", i, deleteErr)
			}
			if createErr != nil && dbplane.ErrorCode(createErr) != dbplane.CodeNotFound {
				t.Errorf("round %d: InsertDatabase lost to a server delete with %v, want not found", i, createErr)
			}
		}
		if drift, err := store.CounterDrift(ctx, a); err != nil || len(drift) > 0 {
			t.Errorf("counters: drift %v, err %v", drift, err)
		}
	})
}

// TestUpdateAccount_ConcurrentChangesAreNotLost: one replica renames an
// account while another changes its slots; both changes must stay (an
// update that wrote back every field it had read would drop one).
func TestUpdateAccount_ConcurrentChangesAreNotLost(t *testing.T) {
	url := newPostgresURL(t)
	a, b := mustOpenURL(t, url), mustOpenURL(t, url)
	ctx := context.Background()
	mustAccount(t, a, "acc", ptr(0))
	for i := 1; i <= 20; i++ {
		name := fmt.Sprintf("name %d", i)
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			if _, err := a.UpdateAccount(ctx, "acc", dbplane.AccountUpdate{Name: &name}); err != nil {
				t.Error(err)
			}
		}()
		go func() {
			defer wg.Done()
			if _, err := b.UpdateAccount(ctx, "acc", dbplane.AccountUpdate{SlotsSet: true, Slots: ptr(i)}); err != nil {
				t.Error(err)
			}
		}()
		wg.Wait()
		got, err := a.Account(ctx, "acc")
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != name || got.Slots == nil || *got.Slots != i {
			t.Fatalf("round %d: account name %q, slots %v; want %q and %d (a concurrent update was lost)", i, got.Name, got.Slots, name, i)
		}
	}
}

// TestClaimIntents_TwoClaimersNeverTakeOneIntent: two workers claiming
// expired intents at once (two pools on PostgreSQL) share them without
// overlap: each claim starts a new lease, so the other's re-check of the
// lease's age fails; on PostgreSQL the second passes over the rows the
// first holds (SKIP LOCKED) rather than waiting for them.
func TestClaimIntents_TwoClaimersNeverTakeOneIntent(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		a := open(t)
		b := a
		if url := urlOf(t, a); url[:6] != "sqlite" {
			b = mustOpenURL(t, url)
		}
		mustAccount(t, a, "acc", nil)
		mustHost(t, a, "h1", nil)
		for i := range 40 {
			if err := a.InsertDatabase(ctx, newDB("acc", fmt.Sprintf("l%d", i), "h1")); err != nil {
				t.Fatal(err)
			}
		}
		later := time.Now().Add(time.Minute)
		a.Now = func() time.Time { return later }
		b.Now = a.Now
		var wg sync.WaitGroup
		claimed := make([][]*dbplane.Intent, 2)
		for i, db := range []*store.DB{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var err error
				if claimed[i], err = db.ClaimIntents(ctx, 30*time.Second); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		seen := map[string]bool{}
		for _, list := range claimed {
			for _, in := range list {
				if seen[in.ID] {
					t.Errorf("intent %s claimed twice", in.ID)
				}
				seen[in.ID] = true
				if in.Token != 1 {
					t.Errorf("intent %s token %d after one claim, want 1", in.ID, in.Token)
				}
			}
		}
		if len(seen) != 40 {
			t.Errorf("%d intents claimed, want 40", len(seen))
		}
	})
}

// TestUpdateHost_RefusesAStaleRow: two replicas read a host and change
// different fields; the second write, made from a row read before the
// first, is refused (conflict) instead of writing back the first one's
// old values. The same holds for servers. Two updates in one millisecond
// still tell apart: updated_at only moves forward.
func TestUpdateHost_RefusesAStaleRow(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		db := open(t)
		fixed := time.Now()
		db.Now = func() time.Time { return fixed } // every update in one millisecond
		mustAccount(t, db, "acc", nil)
		mustHost(t, db, "h1", nil)
		a, _ := db.Host(ctx, "h1")
		b, _ := db.Host(ctx, "h1")
		a.Name = "renamed"
		if err := db.UpdateHost(ctx, a); err != nil {
			t.Fatal(err)
		}
		b.MaxDatabases = ptr(5)
		if err := db.UpdateHost(ctx, b); dbplane.ErrorCode(err) != dbplane.CodeConflict {
			t.Fatalf("UpdateHost from a stale row = %v, want conflict", err)
		}
		again, _ := db.Host(ctx, "h1")
		again.MaxDatabases = ptr(5)
		if err := db.UpdateHost(ctx, again); err != nil {
			t.Fatalf("UpdateHost from a fresh row: %v", err)
		}
		got, _ := db.Host(ctx, "h1")
		if got.Name != "renamed" || got.MaxDatabases == nil || *got.MaxDatabases != 5 {
			t.Errorf("host after both updates: name %q, maxDatabases %v; want renamed and 5", got.Name, got.MaxDatabases)
		}
		if err := db.UpdateHost(ctx, &dbplane.Host{ID: "nope", Name: "x"}); dbplane.ErrorCode(err) != dbplane.CodeNotFound {
			t.Errorf("UpdateHost of an unknown host = %v, want not found", err)
		}

		if err := db.CreateNode(ctx, nodeNamed("node")); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateServer(ctx, &dbplane.Server{ID: "srv", Identifier: "srv00001", Name: "s", OwnerID: "acc", NodeID: "node"}); err != nil {
			t.Fatal(err)
		}
		sa, _ := db.Server(ctx, "srv")
		sb, _ := db.Server(ctx, "srv")
		sa.Name = "renamed"
		if err := db.UpdateServer(ctx, sa); err != nil {
			t.Fatal(err)
		}
		sb.DatabaseLimit = ptr(3)
		if err := db.UpdateServer(ctx, sb); dbplane.ErrorCode(err) != dbplane.CodeConflict {
			t.Errorf("UpdateServer from a stale row = %v, want conflict", err)
		}
	})
}
