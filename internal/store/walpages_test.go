package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/dbplane/dbplane/internal/store"
)

// TestCreate_WritesFewPages bounds the pages a create writes to the
// SQLite write-ahead log (the insert with its intent, then the
// completion). Each page is a frame header and the page, two write calls,
// and on an unshared commit they were the largest part of its CPU. It was
// 21.5 pages before migration 0018 and 17.4–17.7 after; an index or table
// added to the create path shows up here.
func TestCreate_WritesFewPages(t *testing.T) {
	const (
		creates  = 200
		maxPages = 18.5
	)
	path := filepath.Join(t.TempDir(), "meta.db")
	db := mustOpenURL(t, "sqlite:"+path)
	ctx := context.Background()
	mustAccount(t, db, "acc", ptr(1<<30))
	mustHost(t, db, "h1", ptr(1<<30))
	if err := store.SeedDatabases(ctx, db, "acc", "h1", 2000); err != nil {
		t.Fatal(err)
	}
	// Start from an empty log, so that it grows by what each commit
	// appends.
	side, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	var pageSize int64
	_, err = side.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	if err == nil {
		err = side.QueryRow(`PRAGMA page_size`).Scan(&pageSize)
	}
	side.Close()
	if err != nil {
		t.Fatal(err)
	}
	walSize := func() int64 {
		fi, err := os.Stat(path + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	start := walSize()
	for i := range creates {
		nd := newDB("acc", fmt.Sprintf("p%d", i), "h1")
		if err := db.InsertDatabase(ctx, nd); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CompleteCreate(ctx, nd.Intent); err != nil {
			t.Fatal(err)
		}
	}
	const frameHeader = 24
	pages := float64(walSize()-start) / float64(pageSize+frameHeader) / creates
	t.Logf("%.1f pages written per create", pages)
	if pages > maxPages {
		t.Fatalf("a create writes %.1f pages to the write-ahead log, want at most %.1f", pages, maxPages)
	}
}
