package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/store"
)

// TestIntentTransitions_FencedOnTheToken claims an intent and then tries
// every change of it with the token held before the claim: each must
// return ErrLeaseLost and change nothing, and the same change with the
// claimed token must go through.
func TestIntentTransitions_FencedOnTheToken(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		tests := []struct {
			name   string
			kind   dbplane.IntentKind // of the intent the change applies to
			change func(db *store.DB, in *dbplane.Intent) error
		}{
			{"CompleteCreate", dbplane.IntentCreate, func(db *store.DB, in *dbplane.Intent) error { _, err := db.CompleteCreate(ctx, in); return err }},
			{"UndoCreate", dbplane.IntentCreate, func(db *store.DB, in *dbplane.Intent) error { return db.UndoCreate(ctx, in, true) }},
			{"AbandonIntent", dbplane.IntentCreate, func(db *store.DB, in *dbplane.Intent) error { return db.AbandonIntent(ctx, in) }},
			{"NoteIntentFailure", dbplane.IntentCreate, func(db *store.DB, in *dbplane.Intent) error { return db.NoteIntentFailure(ctx, in, "x") }},
			{"CompleteRotate", dbplane.IntentRotate, func(db *store.DB, in *dbplane.Intent) error { return db.CompleteRotate(ctx, in) }},
			{"CompleteDrop", dbplane.IntentDrop, func(db *store.DB, in *dbplane.Intent) error { return db.CompleteDrop(ctx, in) }},
			{"CompleteAccess", dbplane.IntentAccess, func(db *store.DB, in *dbplane.Intent) error {
				return db.CompleteAccess(ctx, in, dbplane.StatusDisabled)
			}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				db := open(t)
				mustAccount(t, db, "acc", nil)
				mustHost(t, db, "h1", nil)
				nd := newDB("acc", "x", "h1")
				if err := db.InsertDatabase(ctx, nd); err != nil {
					t.Fatal(err)
				}
				in := nd.Intent
				if tc.kind != dbplane.IntentCreate {
					if _, err := db.CompleteCreate(ctx, in); err != nil {
						t.Fatal(err)
					}
					in = &dbplane.Intent{ID: "second", DatabaseID: nd.Database.ID, SealedPassword: []byte("new")}
					var err error
					switch tc.kind {
					case dbplane.IntentRotate:
						_, err = db.BeginRotate(ctx, "acc", in)
					case dbplane.IntentDrop:
						_, err = db.BeginDrop(ctx, in)
					case dbplane.IntentAccess:
						_, err = db.BeginAccess(ctx, in)
					}
					if err != nil {
						t.Fatal(err)
					}
				}
				stale := *in
				if err := db.ClaimIntent(ctx, in, 0); err != nil {
					t.Fatalf("ClaimIntent: %v", err)
				}
				if in.Token == stale.Token {
					t.Fatalf("ClaimIntent left the token at %d", in.Token)
				}
				before := snapshot(t, db, nd.Database.ID)
				if err := tc.change(db, &stale); !errors.Is(err, store.ErrLeaseLost) {
					t.Fatalf("%s with the token before the claim = %v, want ErrLeaseLost", tc.name, err)
				}
				if after := snapshot(t, db, nd.Database.ID); after != before {
					t.Errorf("%s with a lost lease changed the store:\nbefore %s\nafter  %s", tc.name, before, after)
				}
				if err := tc.change(db, in); err != nil {
					t.Errorf("%s with the claimed token: %v", tc.name, err)
				}
				if err := db.ClaimIntent(ctx, &stale, 0); !errors.Is(err, store.ErrLeaseLost) {
					t.Errorf("ClaimIntent with the old token = %v, want ErrLeaseLost", err)
				}
			})
		}
	})
}

// snapshot is the database row and intents as text, to compare.
func snapshot(tb testing.TB, db *store.DB, id string) string {
	tb.Helper()
	ctx := context.Background()
	d, err := db.Database(ctx, id)
	row := "no row"
	if err == nil {
		row = string(d.Status) + " " + string(d.SealedPassword)
	}
	intents, err := db.Intents(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	out := row
	for _, in := range intents {
		out += " | " + in.ID + " " + string(in.Kind) + " " + in.LastError + " " + in.LeasedAt.String()
	}
	return out
}

// TestClaimIntent_WaitsForTheLease: a pass with a minimum age takes an
// intent only once its holder's lease is that old, counting from the last
// claim; a failed attempt gives the lease back at once.
func TestClaimIntent_WaitsForTheLease(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		db := open(t)
		now := time.Now()
		db.Now = func() time.Time { return now }
		mustAccount(t, db, "acc", nil)
		mustHost(t, db, "h1", nil)
		nd := newDB("acc", "x", "h1")
		if err := db.InsertDatabase(ctx, nd); err != nil {
			t.Fatal(err)
		}
		in := nd.Intent
		const lease = 20 * time.Second
		now = now.Add(lease - time.Second)
		if err := db.ClaimIntent(ctx, in, lease); !errors.Is(err, store.ErrLeaseLost) {
			t.Fatalf("ClaimIntent of a %v-old intent with minAge %v = %v, want ErrLeaseLost", lease-time.Second, lease, err)
		}
		now = now.Add(time.Second)
		if err := db.ClaimIntent(ctx, in, lease); err != nil {
			t.Fatalf("ClaimIntent once the lease is %v old: %v", lease, err)
		}
		other := *in
		now = now.Add(time.Second)
		if err := db.ClaimIntent(ctx, &other, lease); !errors.Is(err, store.ErrLeaseLost) {
			t.Fatalf("ClaimIntent 1s after another claim = %v, want ErrLeaseLost", err)
		}
		if err := db.NoteIntentFailure(ctx, in, "host down"); err != nil {
			t.Fatal(err)
		}
		if err := db.ClaimIntent(ctx, &other, lease); err != nil {
			t.Fatalf("ClaimIntent after a failed attempt gave the lease back: %v", err)
		}
	})
}
