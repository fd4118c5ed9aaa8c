package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
)

// TestStats: the figures /metrics shows, on both dialects.
func TestStats(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		ctx := context.Background()
		now := time.Now()
		mustAccount(t, db, "acc", nil)
		mustHost(t, db, "h1", nil)
		off := mustHost(t, db, "h2", nil)
		off.Enabled = false
		if err := db.UpdateHost(ctx, off); err != nil {
			t.Fatal(err)
		}
		for i, label := range []string{"a", "b"} {
			nd := newDB("acc", label, "h1")
			if err := db.InsertDatabase(ctx, nd); err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				if _, err := db.CompleteCreate(ctx, nd.Intent); err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, k := range []*dbplane.APIKey{
			{ID: "k1", AccountID: "acc", Kind: dbplane.KeyUser, Name: "k1", Prefix: "p", Hash: []byte("1")},
			{ID: "k2", AccountID: "acc", Kind: dbplane.KeyUser, Name: "k2", Prefix: "p", Hash: []byte("2"), Disabled: true},
		} {
			if err := db.CreateKey(ctx, k); err != nil {
				t.Fatal(err)
			}
		}
		s := &dbplane.Session{ID: "s1", AccountID: "acc", CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := db.CreateSession(ctx, s, []byte("session")); err != nil {
			t.Fatal(err)
		}
		st, err := db.Stats(ctx, now, now.Add(-time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		m := st.Databases[dbplane.EngineMariaDB]
		if m[dbplane.StatusActive] != 1 || m[dbplane.StatusCreating] != 1 || st.HostsEnabled != 1 || st.HostsDisabled != 1 ||
			st.IntentsPending != 1 || st.OldestIntent.IsZero() || st.KeysActive[dbplane.KeyUser] != 1 || st.KeysInactive[dbplane.KeyUser] != 1 ||
			st.Sessions != 1 {
			t.Errorf("Stats = %+v; want 1 active and 1 creating database, 1 host of each kind, 1 intent, 1 key of each kind, 1 session", st)
		}
	})
}
