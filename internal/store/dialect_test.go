package store_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/dbplane/dbplane/internal/dbtest"
	"github.com/dbplane/dbplane/internal/store"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// opener opens a fresh, empty store of one dialect, closed in tb.Cleanup.
type opener func(tb testing.TB) *store.DB

// forEachDialect runs f once per dialect, as the subtests "sqlite" and
// "postgres" (STYLE.md §6): SQLite always, PostgreSQL on the test binary's
// throwaway server (skipped with -short or when PostgreSQL is not
// installed, unless CI=true), a fresh database for every store opened.
func forEachDialect(t *testing.T, f func(t *testing.T, open opener)) {
	t.Run("sqlite", func(t *testing.T) { f(t, mustOpen) })
	t.Run("postgres", func(t *testing.T) {
		dbtest.Postgres(t) // skips before f runs when there is none
		f(t, mustOpenPostgres)
	})
}

// mustOpen opens a fresh SQLite store in a temp dir.
func mustOpen(tb testing.TB) *store.DB {
	tb.Helper()
	return mustOpenURL(tb, "sqlite:"+filepath.Join(tb.TempDir(), "meta.db"))
}

// mustOpenPostgres opens a store on a fresh database of the test binary's
// PostgreSQL server.
func mustOpenPostgres(tb testing.TB) *store.DB {
	tb.Helper()
	return mustOpenURL(tb, newPostgresURL(tb))
}

// newPostgresURL creates an empty database on the test binary's
// PostgreSQL server, dropped in tb.Cleanup, and returns its URL.
func newPostgresURL(tb testing.TB) string {
	tb.Helper()
	srv := dbtest.Postgres(tb)
	return srv.URL(srv.NewDatabase(tb))
}

func mustOpenURL(tb testing.TB, url string) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), url, store.Options{})
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	openedURLs.Store(db, url)
	tb.Cleanup(func() { db.Close() })
	return db
}

// openedURLs holds the URL each store of the tests was opened with, for
// tests that open it again (urlOf).
var openedURLs sync.Map

func urlOf(tb testing.TB, db *store.DB) string {
	tb.Helper()
	url, ok := openedURLs.Load(db)
	if !ok {
		tb.Fatal("urlOf: store not opened by mustOpenURL")
	}
	return url.(string)
}
