package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"modernc.org/sqlite"

	"github.com/dbplane/dbplane"
)

// dialect is everything that differs between the SQL engines the store
// can run on, in one value that Open picks from the URL; the rest of the
// store is written once, in the SQL both understand (SPEC §8,
// design/scale-out.md §2.1). Only SQLite exists today: a PostgreSQL
// dialect joins here, and nowhere else, once all of issue 8 holds for it.
type dialect struct {
	name string
	// migrations is the embedded folder of this dialect's migrations.
	migrations string
	// open opens the write and read pools for a data source.
	open func(source string) (write, read *sql.DB, err error)
	// nextID returns the next numeric id of a table; it never hands out
	// an id twice, even after a delete.
	nextID func(ctx context.Context, tx *sql.Tx, table string) (int64, error)
	// checkpoint moves the write-ahead log into the database file without
	// blocking writers; nil where the server does this itself.
	checkpoint func(ctx context.Context, db *DB) error
	// beforeClose runs before Close closes the pools; nil for nothing.
	beforeClose func(db *DB) error
}

// parseStoreURL picks the dialect of a store URL and returns it with its
// data source. A PostgreSQL URL is refused: that store is not built yet,
// and the message says so without repeating the URL, which may hold a
// password.
func parseStoreURL(raw string) (*dialect, string, error) {
	switch {
	case strings.HasPrefix(raw, "postgres:"), strings.HasPrefix(raw, "postgresql:"):
		return nil, "", dbplane.Errorf(dbplane.CodeInvalid, "the PostgreSQL metadata store is not built yet; use the default SQLite store")
	case strings.HasPrefix(raw, "sqlite:"):
		raw = strings.TrimPrefix(strings.TrimPrefix(raw, "sqlite:"), "//")
	}
	if raw == "" {
		return nil, "", dbplane.Errorf(dbplane.CodeInvalid, "store path is empty")
	}
	return &sqliteDialect, raw, nil
}

var sqliteDialect = dialect{
	name:       "sqlite",
	migrations: "migrations/sqlite",
	open:       openSQLite,
	nextID:     sqliteNextID,
	checkpoint: func(ctx context.Context, db *DB) error {
		_, err := db.read.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`)
		return err
	},
	// Leave no write-ahead log behind: the file alone is the store.
	beforeClose: func(db *DB) error {
		_, err := db.write.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
		return err
	},
}

// openSQLite opens a SQLite file: writes go through one connection, so
// write transactions are serialized (BEGIN IMMEDIATE) and a check followed
// by a write in one transaction is atomic; reads use a pool of their own.
func openSQLite(file string) (write, read *sql.DB, err error) {
	if err := privateFiles(file); err != nil {
		return nil, nil, err
	}
	dsn := func(txlock string) string {
		q := url.Values{}
		for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "foreign_keys(ON)", "synchronous(NORMAL)"} {
			q.Add("_pragma", p)
		}
		q.Set("_txlock", txlock)
		return "file:" + file + "?" + q.Encode()
	}
	// The writer never checkpoints: the fsync of a checkpoint would land in
	// some request's commit. RunCheckpoints does it in the background and
	// Close at the end.
	w, err := sql.Open("sqlite", dsn("immediate")+"&_pragma=wal_autocheckpoint(0)")
	if err != nil {
		return nil, nil, fmt.Errorf("open store: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	r, err := sql.Open("sqlite", dsn("deferred"))
	if err != nil {
		w.Close()
		return nil, nil, fmt.Errorf("open store: %w", err)
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	return w, r, nil
}

// sqliteNextID takes ids from a counter row per table, not MAX()+1, so a
// deleted row's id is never handed out again.
func sqliteNextID(ctx context.Context, tx *sql.Tx, table string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `UPDATE sequences SET last = last + 1 WHERE name = ? RETURNING last`, table).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("next %s id: %w", table, err)
	}
	return id, nil
}

// isUnique reports a unique or primary-key violation: for SQLite,
// SQLITE_CONSTRAINT_UNIQUE (2067) and SQLITE_CONSTRAINT_PRIMARYKEY (1555).
// It is not a field of dialect because the driver's error type already
// says which engine answered: a second dialect adds its case here.
func isUnique(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && (se.Code() == 2067 || se.Code() == 1555)
}
