package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"

	"github.com/dbplane/dbplane"
)

// dialect is everything that differs between the SQL engines the store
// can run on, in one value that Open picks from the URL; the rest of the
// store is written once, in the SQL both understand (SPEC §8,
// design/scale-out.md §2.1): SQLite (this file) and PostgreSQL
// (postgres.go).
type dialect struct {
	name string
	// migrations is the embedded folder of this dialect's migrations.
	migrations string
	// open opens the write and read pools for a data source (they may be
	// one pool).
	open func(d *dialect, source string) (write, read *sql.DB, err error)
	// elect runs the leader election (leader.go); nil where the process
	// is alone on its store and so always the leader.
	elect func(ctx context.Context, db *DB, opt LeadOptions, fn func(context.Context) error) error
	// fence is the first statement of a write transaction made by the
	// leader's background work: it returns the current epoch and holds
	// it until commit (a new leader's epoch bump waits for the commit,
	// and stale transactions fail after it). "" where there is no
	// election.
	fence string
	// pg is the parsed PostgreSQL URL, for the connections the election
	// holds outside the pool.
	pg *pgx.ConnConfig
	// dollar says statements take $1, $2, … rather than ?.
	dollar   bool
	rebinder rebinder
	// lockMigrations holds off other processes while this one migrates;
	// nil where the store has one writer anyway.
	lockMigrations func(ctx context.Context, db *DB) (unlock func(), err error)
	// retryable reports an error after which the whole transaction may
	// simply run again (a serialization failure or a deadlock).
	retryable func(err error) bool
	// nextID returns the next numeric id of a table; it never hands out
	// an id twice, even after a delete.
	nextID func(ctx context.Context, tx *txn, table string) (int64, error)
	// updateSizes sets size_bytes and size_refreshed_at of the host's
	// databases named in names (sizes in the same order), a few statements
	// for any number of names.
	updateSizes func(ctx context.Context, tx *txn, hostID string, names []string, sizes []int64, at int64) error
	// skipLocked ends a SELECT … FOR UPDATE that passes over rows other
	// transactions hold ("" where writers queue behind one lock anyway).
	skipLocked string
	// checkpoint moves the write-ahead log into the database file without
	// blocking writers; nil where the server does this itself.
	checkpoint func(ctx context.Context, db *DB) error
	// prepareWrites keeps the write transactions' statements prepared
	// (txn.stmt): SQLite's driver parses every statement anew, pgx keeps
	// its own cache per connection.
	prepareWrites bool
	// groupCommit runs concurrent write transactions in one transaction,
	// each in a savepoint (group.go): the dialect has one writer.
	groupCommit bool
	// local: statements work on local files and end in microseconds, so
	// a write transaction's one-row statements run without their
	// context's cancellation (stmtCtx).
	local bool
	// beforeClose runs before Close closes the pools; nil for nothing.
	beforeClose func(db *DB) error
}

// parseStoreURL picks the dialect of a store URL and returns it with its
// data source. Errors never repeat the URL, which may hold a password.
func parseStoreURL(raw string) (*dialect, string, error) {
	switch {
	case strings.HasPrefix(raw, "postgres:"), strings.HasPrefix(raw, "postgresql:"):
		return newPostgresDialect(), raw, nil
	case strings.HasPrefix(raw, "sqlite:"):
		raw = strings.TrimPrefix(strings.TrimPrefix(raw, "sqlite:"), "//")
	}
	if raw == "" {
		return nil, "", dbplane.Errorf(dbplane.CodeInvalid, "store path is empty")
	}
	return newSQLiteDialect(), raw, nil
}

// Shared reports a store that other processes write too (PostgreSQL,
// shared by replicas): a cache above it cannot know when it went stale.
func (db *DB) Shared() bool { return db.dialect.elect != nil }

// stmtCtx is the context a write transaction's statement that returns at
// most one row runs with (txn). Where statements are local (SQLite) a
// context that can still end is detached from its cancellation: the
// driver would watch it with a goroutine of its own for every statement,
// and database/sql another for every query, which cost more CPU than a
// short statement. A context already ended is passed on, so the statement
// fails at once with its error, as before. The transaction itself is
// begun with the detached context too (tx1: the driver watched BEGIN and
// COMMIT with a goroutine each), and tx1 checks the caller's context
// before the commit, so a caller that gave up keeps nothing. Reads on
// the pool keep their context: they may wait for a connection, which must
// end at the caller's deadline; and queries that return rows keep theirs,
// since reading many rows (a host's stored sizes, a million of them) must
// stop when the caller gives up.
func (d *dialect) stmtCtx(ctx context.Context) context.Context {
	if d.local && ctx.Done() != nil && ctx.Err() == nil {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

// rebind returns q in the dialect's placeholder form.
func (d *dialect) rebind(q string) string {
	if !d.dollar {
		return q
	}
	return d.rebinder.rebind(q)
}

func newSQLiteDialect() *dialect {
	return &dialect{
		name:          "sqlite",
		migrations:    "migrations/sqlite",
		open:          openSQLite,
		retryable:     func(error) bool { return false },
		nextID:        sqliteNextID,
		updateSizes:   sqliteUpdateSizes,
		prepareWrites: true,
		groupCommit:   true,
		local:         true,
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
}

// openSQLite opens a SQLite file: writes go through one connection, so
// write transactions are serialized (BEGIN IMMEDIATE) and a check followed
// by a write in one transaction is atomic; reads use a pool of their own.
func openSQLite(_ *dialect, file string) (write, read *sql.DB, err error) {
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
	w, err := sql.Open("sqlite", dsn("immediate")+"&_pragma=wal_autocheckpoint(0)&_pragma=temp_store(MEMORY)")
	if err != nil {
		return nil, nil, fmt.Errorf("open store: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	// Each connection has a page cache of its own, outside the Go heap
	// (SQLite's default: 2 MiB). Eight read connections that each ran a
	// query over a large store (an admin list counting a million rows, the
	// quota recompute) held 16 MiB between them; the hot reads (a key, an
	// account's databases) touch a few pages, and the file is in the OS's
	// cache anyway. readCacheKiB bounds each read connection's.
	r, err := sql.Open("sqlite", dsn("deferred")+"&_pragma=cache_size(-"+strconv.Itoa(readCacheKiB)+")")
	if err != nil {
		w.Close()
		return nil, nil, fmt.Errorf("open store: %w", err)
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	return w, r, nil
}

// readCacheKiB is the page cache of each SQLite read connection, in KiB.
const readCacheKiB = 512

// sqliteNextID takes ids from a counter row per table, not MAX()+1, so a
// deleted row's id is never handed out again.
func sqliteNextID(ctx context.Context, tx *txn, table string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `UPDATE sequences SET last = last + 1 WHERE name = ? RETURNING last`, table).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("next %s id: %w", table, err)
	}
	return id, nil
}

// sqliteUpdateSizes writes the sizes sizesChunk rows per statement, an
// UPDATE … FROM a VALUES list (SQLite 3.33 and later).
func sqliteUpdateSizes(ctx context.Context, tx *txn, hostID string, names []string, sizes []int64, at int64) error {
	for start := 0; start < len(names); start += sizesChunk {
		end := min(start+sizesChunk, len(names))
		var q strings.Builder
		q.WriteString(`UPDATE databases SET size_bytes = m.column2, size_refreshed_at = ? FROM (VALUES `)
		args := make([]any, 0, 2+2*(end-start))
		args = append(args, at)
		for i := start; i < end; i++ {
			if i > start {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?)")
			args = append(args, names[i], sizes[i])
		}
		q.WriteString(`) AS m WHERE databases.host_id = ? AND databases.db_name = m.column1`)
		args = append(args, hostID)
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// sizesChunk is how many sizes one SQLite statement writes: 1,000 bound
// values, far below SQLite's limit of 32,766.
const sizesChunk = 500

// isUnique reports a unique or primary-key violation: for SQLite,
// SQLITE_CONSTRAINT_UNIQUE (2067) and SQLITE_CONSTRAINT_PRIMARYKEY (1555);
// for PostgreSQL, SQLSTATE 23505. It is not a field of dialect because the
// driver's error type already says which engine answered.
// isUniqueOn reports whether err is a unique violation on column: SQLite
// names the column ("UNIQUE constraint failed: accounts.external_id"),
// PostgreSQL the index ("accounts_external_id").
func isUniqueOn(err error, column string) bool {
	return isUnique(err) && strings.Contains(err.Error(), column)
}

func isUnique(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == 2067 || se.Code() == 1555
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}
