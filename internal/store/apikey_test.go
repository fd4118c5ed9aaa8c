package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/store"
)

func mustKey(tb testing.TB, db *store.DB, id, accountID string, kind dbplane.KeyKind) *dbplane.APIKey {
	tb.Helper()
	k := &dbplane.APIKey{ID: id, AccountID: accountID, Kind: kind, Name: id, Prefix: "dbpu_" + id,
		Hash: []byte(id + "-0123456789abcdef0123456789abcdef"), CreatedAt: time.Now()}
	if err := db.CreateKey(context.Background(), k); err != nil {
		tb.Fatalf("CreateKey(%s): %v", id, err)
	}
	return k
}

// TestDeleteAccountKey: an operator's delete of one of an account's keys
// is one statement on (key, account): a key of another account, or none,
// is not found and stays; the account's own key, of either kind, goes.
func TestDeleteAccountKey(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		ctx := context.Background()
		mustAccount(t, db, "alice", nil)
		mustAccount(t, db, "bob", nil)
		aliceUser := mustKey(t, db, "alice-user", "alice", dbplane.KeyUser)
		aliceAdmin := mustKey(t, db, "alice-admin", "alice", dbplane.KeyAdmin)
		bobUser := mustKey(t, db, "bob-user", "bob", dbplane.KeyUser)

		for _, tc := range []struct{ name, account, key string }{
			{"ForeignKey", "bob", aliceUser.ID},
			{"UnknownKey", "alice", "no-such-key"},
			{"UnknownAccount", "nobody", aliceUser.ID},
		} {
			if err := db.DeleteAccountKey(ctx, tc.account, tc.key); dbplane.ErrorCode(err) != dbplane.CodeNotFound {
				t.Errorf("%s: DeleteAccountKey(%q, %q) = %v, want not found", tc.name, tc.account, tc.key, err)
			}
		}
		if keys, err := db.ListKeys(ctx, "alice"); err != nil || len(keys) != 2 {
			t.Fatalf("ListKeys(alice) after refused deletes = %d keys, %v; want both", len(keys), err)
		}

		for _, k := range []*dbplane.APIKey{aliceUser, aliceAdmin} {
			if err := db.DeleteAccountKey(ctx, "alice", k.ID); err != nil {
				t.Errorf("DeleteAccountKey(alice, %s) = %v, want deleted", k.ID, err)
			}
			if err := db.DeleteAccountKey(ctx, "alice", k.ID); dbplane.ErrorCode(err) != dbplane.CodeNotFound {
				t.Errorf("DeleteAccountKey(alice, %s) twice = %v, want not found", k.ID, err)
			}
		}
		if keys, err := db.ListKeys(ctx, "alice"); err != nil || len(keys) != 0 {
			t.Errorf("ListKeys(alice) = %d keys, %v; want none", len(keys), err)
		}
		if keys, err := db.ListKeys(ctx, "bob"); err != nil || len(keys) != 1 || keys[0].ID != bobUser.ID {
			t.Errorf("ListKeys(bob) = %v, %v; want bob's key untouched", keys, err)
		}
	})
}
