// Package store keeps dbplane's metadata: accounts, keys, hosts, databases
// and the intents of engine changes in flight. SQLite (modernc.org/sqlite,
// no cgo) is the default; SQL is written in the common subset with ?
// placeholders so that a PostgreSQL dialect can follow (SPEC §8).
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"

	"github.com/dbplane/dbplane"
)

//go:embed migrations
var migrations embed.FS

// DB is the metadata store. Writes go through one connection, so write
// transactions are serialized and a check followed by an insert in one
// transaction is atomic; reads use a pool of their own.
type DB struct {
	write *sql.DB
	read  *sql.DB
	// stmts caches prepared statements of the read pool by query text:
	// the driver would otherwise parse every query again (a fifth of the
	// CPU of a read request).
	stmts sync.Map // string → *sql.Stmt
	// gen counts committed write transactions; read caches above the store
	// are valid while it is unchanged.
	gen atomic.Uint64
	// Now is the clock; tests replace it.
	Now func() time.Time
}

// Options tune Open.
type Options struct {
	// NoMigrate refuses to migrate: Open fails when migrations are pending.
	NoMigrate bool
}

// Open opens the store at url ("sqlite:/path/to/file.db" or a plain path),
// creating the file and running migrations as needed. It refuses a schema
// newer than this binary knows.
func Open(ctx context.Context, rawURL string, opt Options) (*DB, error) {
	file, err := sqlitePath(rawURL)
	if err != nil {
		return nil, err
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
		return nil, fmt.Errorf("open store: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	r, err := sql.Open("sqlite", dsn("deferred"))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open store: %w", err)
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	db := &DB{write: w, read: r, Now: time.Now}
	if err := db.migrate(ctx, opt.NoMigrate); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func sqlitePath(raw string) (string, error) {
	switch {
	case strings.HasPrefix(raw, "sqlite:"):
		raw = strings.TrimPrefix(raw, "sqlite:")
		raw = strings.TrimPrefix(raw, "//")
	case strings.HasPrefix(raw, "postgres:"), strings.HasPrefix(raw, "postgresql:"):
		return "", dbplane.Errorf(dbplane.CodeInvalid, "the PostgreSQL metadata store is not built yet; use the default SQLite store")
	}
	if raw == "" {
		return "", dbplane.Errorf(dbplane.CodeInvalid, "store path is empty")
	}
	return raw, nil
}

// Close checkpoints the write-ahead log and closes both pools.
func (db *DB) Close() error {
	db.stmts.Range(func(_, v any) bool {
		v.(*sql.Stmt).Close()
		return true
	})
	_, cerr := db.write.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	return errors.Join(cerr, db.write.Close(), db.read.Close())
}

// Ping checks that the store answers.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.read.QueryRowContext(ctx, `SELECT 1`).Scan(&one)
}

// Checkpoint copies the write-ahead log into the database file without
// blocking writers (a passive checkpoint, on a reader connection).
func (db *DB) Checkpoint(ctx context.Context) error {
	_, err := db.read.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`)
	return err
}

// RunCheckpoints checkpoints every interval until ctx is done.
func (db *DB) RunCheckpoints(ctx context.Context, interval time.Duration) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			if err := db.Checkpoint(ctx); err != nil && ctx.Err() == nil {
				return fmt.Errorf("checkpoint: %w", err)
			}
		}
	}
}

// prepared returns the read pool's prepared statement for q.
func (db *DB) prepared(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := db.stmts.Load(q); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := db.read.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	if prev, loaded := db.stmts.LoadOrStore(q, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// readRow runs a one-row query on the read pool through a prepared
// statement.
func (db *DB) readRow(ctx context.Context, q string, args ...any) *sql.Row {
	st, err := db.prepared(ctx, q)
	if err != nil {
		// QueryRowContext on the pool reports the same error through Scan.
		return db.read.QueryRowContext(ctx, q, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// readRows runs a query on the read pool through a prepared statement.
func (db *DB) readRows(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	st, err := db.prepared(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (db *DB) migrate(ctx context.Context, noMigrate bool) error {
	names, err := fs.Glob(migrations, "migrations/sqlite/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var current int
	if err := db.write.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	latest := 0
	for _, name := range names {
		v, err := migrationVersion(name)
		if err != nil {
			return err
		}
		latest = v
		if v <= current {
			continue
		}
		if noMigrate {
			return fmt.Errorf("migrate: schema is at version %d but this binary needs %d; run without --no-migrate", current, v)
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		err = db.tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, v, db.ms(db.Now()))
			return err
		})
		if err != nil {
			return fmt.Errorf("migrate %s: %w", path.Base(name), err)
		}
	}
	if current > latest {
		return fmt.Errorf("migrate: schema version %d is newer than this binary knows (%d); upgrade dbplane", current, latest)
	}
	return nil
}

func migrationVersion(name string) (int, error) {
	base := path.Base(name)
	i := strings.IndexByte(base, '_')
	if i < 1 {
		return 0, fmt.Errorf("migration %s: name must be NNNN_description.sql", base)
	}
	return strconv.Atoi(base[:i])
}

// tx runs fn in a write transaction (BEGIN IMMEDIATE) and commits it.
func (db *DB) tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	defer db.gen.Add(1) // even a failed commit may have changed something
	return tx.Commit()
}

// Generation changes after every write transaction of this process. A
// cache filled at generation g is current while Generation() == g.
func (db *DB) Generation() uint64 { return db.gen.Load() }

// nextID returns the next numeric id of a table. Ids come from a counter,
// not MAX()+1, so a deleted row's id is never handed out again.
func nextID(ctx context.Context, tx *sql.Tx, table string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `UPDATE sequences SET last = last + 1 WHERE name = ? RETURNING last`, table).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("next %s id: %w", table, err)
	}
	return id, nil
}

func (db *DB) ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

func fromNullMS(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMS(v.Int64)
	return &t
}

func nullMS(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMilli()
}

func nullInt(p *int) any {
	if p == nil {
		return nil
	}
	return int64(*p)
}

func nullInt64(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func intPtr(v sql.NullInt64) *int {
	if !v.Valid {
		return nil
	}
	i := int(v.Int64)
	return &i
}

func int64Ptr(v sql.NullInt64) *int64 {
	if !v.Valid {
		return nil
	}
	i := v.Int64
	return &i
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// translate turns driver errors into domain errors: no rows → notFound,
// unique violations → conflict.
func translate(err error, notFound, conflict *dbplane.Error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows) && notFound != nil:
		return notFound
	case isUnique(err) && conflict != nil:
		return dbplane.Wrap(conflict, err)
	}
	return err
}

// isUnique reports SQLITE_CONSTRAINT_UNIQUE (2067) and
// SQLITE_CONSTRAINT_PRIMARYKEY (1555).
func isUnique(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && (se.Code() == 2067 || se.Code() == 1555)
}
