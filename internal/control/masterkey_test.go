package control_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/dbplane/dbplane/internal/control"
	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/must"
	"github.com/dbplane/dbplane/internal/secret"
	"github.com/dbplane/dbplane/internal/store"
)

// TestCheckMasterKey_FollowsARotationAndRefusesAnotherKey: the canary is
// sealed on first use, opens with the same key, is re-sealed under a new
// primary key while the old one is still listed (so the old key can then
// be dropped), and refuses a key that never sealed it.
func TestCheckMasterKey_FollowsARotationAndRefusesAnotherKey(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "dbplane.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	k1 := must.Get(secret.GenerateKey("k1", nil))(t)
	k2 := must.Get(secret.GenerateKey("k2", nil))(t)
	k3 := must.Get(secret.GenerateKey("k3", nil))(t)
	check := func(primary secret.Key, others ...secret.Key) error {
		sealer, err := secret.NewSealer(primary, others...)
		if err != nil {
			t.Fatal(err)
		}
		return control.New(st, engine.NewRegistry(engine.Options{}), sealer, control.Options{}).CheckMasterKey(ctx)
	}
	steps := []struct {
		name string
		keys []secret.Key
		want error
	}{
		{"first use seals the canary", []secret.Key{k1}, nil},
		{"same key", []secret.Key{k1}, nil},
		{"another key", []secret.Key{k3}, control.ErrMasterKeyMismatch},
		{"rotated: k2 primary, k1 kept", []secret.Key{k2, k1}, nil},
		{"k1 dropped after the rotation", []secret.Key{k2}, nil},
		{"the old key alone", []secret.Key{k1}, control.ErrMasterKeyMismatch},
	}
	for _, s := range steps {
		if err := check(s.keys[0], s.keys[1:]...); !errors.Is(err, s.want) {
			t.Fatalf("%s: CheckMasterKey = %v, want %v", s.name, err, s.want)
		}
	}
}
