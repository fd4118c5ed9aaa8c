package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
)

// TestGeneration_LogWritesKeepCaches checks which writes move Generation:
// the audit log and a key's lastUsedAt change nothing a cache keyed by it
// holds (an audited reveal must not empty the account's cached list),
// every other write does.
func TestGeneration_LogWritesKeepCaches(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		ctx := context.Background()
		steps := []struct {
			name  string
			moves bool
			write func() error
		}{
			{"create account", true, func() error {
				return db.CreateAccount(ctx, &dbplane.Account{ID: "a1", Email: "a1@example.com", Name: "a1", Role: dbplane.RoleUser})
			}},
			{"create key", true, func() error {
				return db.CreateKey(ctx, &dbplane.APIKey{ID: "k1", AccountID: "a1", Kind: dbplane.KeyUser, Name: "k", Prefix: "dbpu_gen", Hash: []byte("0123456789abcdef0123456789abcdef"), CreatedAt: time.Now()})
			}},
			{"insert audit", false, func() error {
				return db.InsertAudit(ctx, []*dbplane.AuditEntry{{ID: "01AUDIT0000000000000000001", Time: time.Now(), Surface: "dbapi", Action: "GET /x", Status: 200}})
			}},
			{"touch key", false, func() error { return db.TouchKey(ctx, "k1", time.Now()) }},
			{"delete old audit", false, func() error { _, err := db.DeleteAuditBefore(ctx, time.Now().Add(time.Hour)); return err }},
			{"create host", true, func() error { mustHost(t, db, "h1", nil); return nil }},
			{"insert database", true, func() error { return db.InsertDatabase(ctx, newDB("a1", "one", "h1")) }},
		}
		for _, s := range steps {
			before := db.Generation()
			if err := s.write(); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			if moved := db.Generation() != before; moved != s.moves {
				t.Errorf("%s: Generation moved = %v, want %v", s.name, moved, s.moves)
			}
		}
	})
}
