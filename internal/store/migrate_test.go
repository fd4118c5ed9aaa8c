package store_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dbplane/dbplane/internal/store"
)

// TestOpen_ReplicasStartingTogetherMigrateOnce opens three stores at once
// on one empty PostgreSQL database, as three replicas starting together
// do: each must open, and each migration be recorded once.
func TestOpen_ReplicasStartingTogetherMigrateOnce(t *testing.T) {
	url := newPostgresURL(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	dbs := make([]*store.DB, 3)
	errs := make([]error, 3)
	for i := range dbs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dbs[i], errs[i] = store.Open(ctx, url, store.Options{})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("replica %d: Open: %v", i, err)
		}
		t.Cleanup(func() { dbs[i].Close() })
	}
	versions, err := store.AppliedVersions(ctx, dbs[0])
	if err != nil {
		t.Fatal(err)
	}
	if want := postgresVersions(t); fmt.Sprint(versions) != fmt.Sprint(want) {
		t.Errorf("schema_migrations after 3 replicas started = %v, want %v (each migration once)", versions, want)
	}
	mustAccount(t, dbs[2], "acc", nil)
	if _, err := dbs[1].Account(ctx, "acc"); err != nil {
		t.Errorf("an account made through one pool is not seen through another: %v", err)
	}
}

func TestOpen_RefusesASchemaNewerThanItself(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		db := open(t)
		url := urlOf(t, db)
		if err := store.RecordVersion(ctx, db, 999); err != nil {
			t.Fatal(err)
		}
		again, err := store.Open(ctx, url, store.Options{})
		if err == nil {
			again.Close()
			t.Fatal("Open of a store at schema 999 = nil error, want a refusal")
		}
		if !strings.Contains(err.Error(), "newer than this binary knows") {
			t.Errorf("Open of a store at schema 999 = %v, want 'newer than this binary knows'", err)
		}
	})
}

func TestOpen_ReopenKeepsDataAndSchema(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		db := open(t)
		mustAccount(t, db, "acc1", nil)
		again, err := store.Open(ctx, urlOf(t, db), store.Options{NoMigrate: true})
		if err != nil {
			t.Fatalf("reopen with NoMigrate: %v", err)
		}
		defer again.Close()
		if _, err := again.Account(ctx, "acc1"); err != nil {
			t.Fatalf("Account after reopen: %v", err)
		}
	})
}

func TestOpen_NoMigrateRefusesAnEmptyStore(t *testing.T) {
	for _, url := range map[string]string{"sqlite": "sqlite:" + t.TempDir() + "/meta.db", "postgres": ""} {
		if url == "" {
			if testing.Short() {
				continue
			}
			url = newPostgresURL(t)
		}
		db, err := store.Open(context.Background(), url, store.Options{NoMigrate: true})
		if err == nil {
			db.Close()
			t.Fatalf("Open(NoMigrate) on an empty store = nil error, want a pending-migration error")
		}
	}
}

// TestSchema_SameColumnsOnBothDialects: postgres/0001_init.sql is the
// SQLite schema at its latest version; a column added to one dialect's
// migrations and not the other's fails here.
func TestSchema_SameColumnsOnBothDialects(t *testing.T) {
	ctx := context.Background()
	lite, err := store.Columns(ctx, mustOpen(t))
	if err != nil {
		t.Fatal(err)
	}
	pg, err := store.Columns(ctx, mustOpenPostgres(t))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(lite, pg); diff != "" {
		t.Errorf("columns differ between the dialects (-sqlite +postgres):\n%s", diff)
	}
}

// postgresVersions are the versions of the PostgreSQL migrations, from
// their file names (gaps are allowed).
func postgresVersions(t *testing.T) []int {
	t.Helper()
	entries, err := os.ReadDir("migrations/postgres")
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	for _, e := range entries {
		n, err := strconv.Atoi(strings.SplitN(e.Name(), "_", 2)[0])
		if err != nil {
			t.Fatalf("migration %s: %v", e.Name(), err)
		}
		out = append(out, n)
	}
	return out
}
