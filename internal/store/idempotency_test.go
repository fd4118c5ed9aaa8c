package store_test

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/store"
)

// bothDialects runs fn on a SQLite store and on a PostgreSQL one.
func bothDialects(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Run("sqlite", func(t *testing.T) { t.Parallel(); fn(t, mustOpen(t)) })
	t.Run("postgres", func(t *testing.T) { t.Parallel(); fn(t, mustOpenPostgres(t)) })
}

// TestIdempotencyKeys: a claim is won once, its row answers until it
// expires, an abandoned claim can be taken over, a release frees the key,
// and the sweep deletes what is past its time: on both dialects, as
// replicas share the PostgreSQL store.
func TestIdempotencyKeys(t *testing.T) {
	t.Parallel()
	bothDialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mustAccount(t, db, "a1", nil)
		t0 := time.UnixMilli(1_800_000_000_000).UTC()
		fp := []byte("fingerprint-of-the-body-32-bytes")
		claim := func(id string, now time.Time) (bool, *store.IdempotencyRow) {
			t.Helper()
			ok, row, err := db.ClaimIdempotencyKey(ctx, id, "a1", fp, now, now.Add(-24*time.Hour), now.Add(-10*time.Minute))
			if err != nil {
				t.Fatalf("ClaimIdempotencyKey(%s): %v", id, err)
			}
			return ok, row
		}
		if ok, _ := claim("k1", t0); !ok {
			t.Fatal("first claim lost")
		}
		if ok, row := claim("k1", t0.Add(time.Second)); ok || row.Status != 0 || string(row.Fingerprint) != string(fp) {
			t.Fatalf("claim in flight = %v, %+v; want the in-flight row", ok, row)
		}
		if err := db.FinishIdempotencyKey(ctx, "k1", 201, []byte("sealed")); err != nil {
			t.Fatal(err)
		}
		if ok, row := claim("k1", t0.Add(23*time.Hour)); ok || row.Status != 201 || string(row.Response) != "sealed" {
			t.Fatalf("claim of a finished key = %v, %+v; want its response", ok, row)
		}
		if ok, _ := claim("k1", t0.Add(24*time.Hour+time.Millisecond)); !ok {
			t.Fatal("claim of an expired key lost, want it claimed afresh")
		}
		// In flight and abandoned (its process died): taken over.
		if ok, _ := claim("k1", t0.Add(24*time.Hour+11*time.Minute)); !ok {
			t.Fatal("claim of an abandoned key lost, want it taken over")
		}
		// Released: claimed again at once.
		if err := db.ReleaseIdempotencyKey(ctx, "k1"); err != nil {
			t.Fatal(err)
		}
		if ok, _ := claim("k1", t0.Add(24*time.Hour+12*time.Minute)); !ok {
			t.Fatal("claim after a release lost")
		}
		// The sweep deletes rows created before its time only.
		claim("k2", t0)
		n, err := db.DeleteIdempotencyKeysBefore(ctx, t0.Add(time.Hour))
		if err != nil || n != 1 {
			t.Fatalf("DeleteIdempotencyKeysBefore = %d, %v; want k2 deleted", n, err)
		}
		if ok, _ := claim("k1", t0.Add(24*time.Hour+13*time.Minute)); ok {
			t.Error("the sweep deleted a live row")
		}
	})
}

// TestIdempotencyKeys_ConcurrentClaims: of many concurrent claims of one
// key exactly one wins.
func TestIdempotencyKeys_ConcurrentClaims(t *testing.T) {
	t.Parallel()
	bothDialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mustAccount(t, db, "a1", nil)
		now := time.Now()
		var wg sync.WaitGroup
		var mu sync.Mutex
		won := 0
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, _, err := db.ClaimIdempotencyKey(ctx, "k", "a1", []byte("fp"), now, now.Add(-24*time.Hour), now.Add(-10*time.Minute))
				if err != nil {
					t.Error(err)
					return
				}
				if ok {
					mu.Lock()
					won++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if won != 1 {
			t.Errorf("%d of 8 concurrent claims won, want 1", won)
		}
	})
}

// TestSetKeyDisabled_Operator: an operator's disable holds against the
// owner's enable; the owner's own disable does not; an operator's enable
// lifts the mark.
func TestSetKeyDisabled_Operator(t *testing.T) {
	t.Parallel()
	bothDialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mustAccount(t, db, "a1", nil)
		mustAccount(t, db, "a2", nil)
		ips := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8::1/128")}
		k := &dbplane.APIKey{ID: "k1", AccountID: "a1", Kind: dbplane.KeyUser, Name: "k", Prefix: "dbpu_", Hash: []byte("h1"), AllowedIPs: ips}
		if err := db.CreateKey(ctx, k); err != nil {
			t.Fatal(err)
		}
		set := func(disabled bool, by store.KeyDisabler) (*dbplane.APIKey, error) {
			return db.SetKeyDisabled(ctx, "a1", "k1", disabled, by)
		}
		got, err := set(true, store.ByOperator)
		if err != nil || !got.Disabled || !got.DisabledByOperator || !slices.Equal(got.AllowedIPs, ips) {
			t.Fatalf("operator disable = %+v, %v", got, err)
		}
		if _, err := set(false, store.ByOwner); !errors.Is(err, dbplane.ErrKeyDisabledByOperator) {
			t.Fatalf("owner enable of an operator-disabled key = %v, want ErrKeyDisabledByOperator", err)
		}
		if got, _, err := db.KeyByHash(ctx, []byte("h1")); err != nil || !got.Disabled {
			t.Fatalf("after the refused enable the key is %+v, %v; want it still disabled", got, err)
		}
		if got, err := set(true, store.ByOwner); err != nil || !got.DisabledByOperator {
			t.Fatalf("owner disable of an operator-disabled key = %+v, %v; want the mark kept", got, err)
		}
		if got, err := set(false, store.ByOperator); err != nil || got.Disabled || got.DisabledByOperator {
			t.Fatalf("operator enable = %+v, %v", got, err)
		}
		if _, err := set(true, store.ByOwner); err != nil {
			t.Fatal(err)
		}
		if got, err := set(false, store.ByOwner); err != nil || got.Disabled {
			t.Fatalf("owner enable of its own disable = %+v, %v", got, err)
		}
		if _, err := db.SetKeyDisabled(ctx, "a2", "k1", false, store.ByOwner); dbplane.ErrorCode(err) != dbplane.CodeNotFound {
			t.Errorf("another account's enable = %v, want not found", err)
		}
		got, err = db.SetKeyAllowedIPs(ctx, "a1", "k1", nil)
		if err != nil || len(got.AllowedIPs) != 0 {
			t.Errorf("SetKeyAllowedIPs(none) = %+v, %v", got, err)
		}
		if _, err := db.SetKeyAllowedIPs(ctx, "a2", "k1", ips); dbplane.ErrorCode(err) != dbplane.CodeNotFound {
			t.Errorf("another account's SetKeyAllowedIPs = %v, want not found", err)
		}
	})
}

// TestDeleteOwnKey_Operator: the owner's delete is refused while an
// operator's disable marks the key, and is not another account's to make.
func TestDeleteOwnKey_Operator(t *testing.T) {
	t.Parallel()
	bothDialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mustAccount(t, db, "a1", nil)
		mustAccount(t, db, "a2", nil)
		k := &dbplane.APIKey{ID: "k1", AccountID: "a1", Kind: dbplane.KeyUser, Name: "k", Prefix: "dbpu_", Hash: []byte("h1")}
		if err := db.CreateKey(ctx, k); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SetKeyDisabled(ctx, "a1", "k1", true, store.ByOperator); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteOwnKey(ctx, "a1", "k1"); !errors.Is(err, dbplane.ErrKeyDisabledByOperator) {
			t.Fatalf("owner delete of an operator-disabled key = %v, want ErrKeyDisabledByOperator", err)
		}
		if got, _, err := db.KeyByHash(ctx, []byte("h1")); err != nil || !got.DisabledByOperator {
			t.Fatalf("after the refused delete the key is %+v, %v; want it still there and marked", got, err)
		}
		if err := db.DeleteOwnKey(ctx, "a2", "k1"); dbplane.ErrorCode(err) != dbplane.CodeNotFound {
			t.Errorf("another account's delete = %v, want not found", err)
		}
		if _, err := db.SetKeyDisabled(ctx, "a1", "k1", false, store.ByOperator); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteOwnKey(ctx, "a1", "k1"); err != nil {
			t.Fatalf("owner delete once the operator enabled it = %v", err)
		}
		if err := db.DeleteOwnKey(ctx, "a1", "k1"); dbplane.ErrorCode(err) != dbplane.CodeNotFound {
			t.Errorf("owner delete twice = %v, want not found", err)
		}
	})
}
