// Package store keeps dbplane's metadata: accounts, keys, hosts, databases
// and the intents of engine changes in flight. SQLite (modernc.org/sqlite,
// no cgo) is the default; PostgreSQL (pgx) lets several replicas share one
// store (SPEC §8). SQL is written once, in the subset both take, with ?
// placeholders; what differs between the two lives in one dialect value
// (dialect.go, postgres.go).
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dbplane/dbplane"
)

// DB is the metadata store. Writes and reads use pools of their own (for
// SQLite, writes go through one connection).
type DB struct {
	dialect *dialect
	write   *sql.DB
	read    *sql.DB
	// stmts caches prepared statements of the read pool by query text:
	// the driver would otherwise parse every query again (a fifth of the
	// CPU of a read request).
	stmts sync.Map // string → *sql.Stmt
	// wstmts caches prepared statements of the write pool by query text,
	// where the dialect asks for it (txn.stmt); nwstmts counts them.
	wstmts  sync.Map // string → *sql.Stmt
	nwstmts atomic.Int64
	// gen counts committed write transactions; read caches above the store
	// are valid while it is unchanged.
	gen atomic.Uint64
	// group queues write transactions for SQLite's one writer (group.go).
	group group
	// written and commits count write transactions and their commits
	// (Writes).
	written, commits atomic.Int64
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
	d, source, err := parseStoreURL(rawURL)
	if err != nil {
		return nil, err
	}
	w, r, err := d.open(d, source)
	if err != nil {
		return nil, err
	}
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		if r != w {
			r.Close()
		}
		return nil, fmt.Errorf("open store: %w", err)
	}
	db := &DB{dialect: d, write: w, read: r, Now: time.Now}
	if err := db.migrate(ctx, opt.NoMigrate); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Close closes both pools, after the dialect's last words (SQLite:
// checkpoint the write-ahead log).
func (db *DB) Close() error {
	for _, m := range []*sync.Map{&db.stmts, &db.wstmts} {
		m.Range(func(_, v any) bool {
			v.(*sql.Stmt).Close()
			return true
		})
	}
	var cerr error
	if db.dialect.beforeClose != nil {
		cerr = db.dialect.beforeClose(db)
	}
	if db.read == db.write {
		return errors.Join(cerr, db.write.Close())
	}
	return errors.Join(cerr, db.write.Close(), db.read.Close())
}

// Ping checks that the store answers.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.read.QueryRowContext(ctx, `SELECT 1`).Scan(&one)
}

// Checkpoint copies the write-ahead log into the database file without
// blocking writers (SQLite: a passive checkpoint, on a reader connection).
func (db *DB) Checkpoint(ctx context.Context) error {
	if db.dialect.checkpoint == nil {
		return nil
	}
	return db.dialect.checkpoint(ctx, db)
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
	st, err := db.read.PrepareContext(ctx, db.dialect.rebind(q))
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
// statement. Its Scan runs the query again where the dialect allows a
// retry (a session that the server ended while the connection sat in the
// pool): a read changes nothing.
func (db *DB) readRow(ctx context.Context, q string, args ...any) row {
	return row{db: db, ctx: ctx, q: q, args: args}
}

// row is readRow's result: its Scan runs the query.
type row struct {
	db   *DB
	ctx  context.Context
	q    string
	args []any
}

func (r row) Scan(dest ...any) error {
	for attempt := 1; ; attempt++ {
		err := r.db.readRow1(r.ctx, r.q, r.args...).Scan(dest...)
		if err == nil || err == sql.ErrNoRows || attempt == maxTxAttempts || !r.db.dialect.retryable(err) || r.ctx.Err() != nil {
			return err
		}
	}
}

func (db *DB) readRow1(ctx context.Context, q string, args ...any) *sql.Row {
	st, err := db.prepared(ctx, q)
	if err != nil {
		// QueryRowContext on the pool reports the same error through Scan.
		return db.read.QueryRowContext(ctx, db.dialect.rebind(q), args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// readRows runs a query on the read pool through a prepared statement,
// again where the dialect allows a retry (as readRow).
func (db *DB) readRows(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	for attempt := 1; ; attempt++ {
		var rows *sql.Rows
		st, err := db.prepared(ctx, q) // preparing may meet the dead session too
		if err == nil {
			rows, err = st.QueryContext(ctx, args...)
		}
		if err == nil || attempt == maxTxAttempts || !db.dialect.retryable(err) || ctx.Err() != nil {
			return rows, err
		}
	}
}

// maxTxAttempts bounds how often a transaction runs again after a
// serialization failure or a deadlock.
const maxTxAttempts = 5

// tx runs fn in a write transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL:
// READ COMMITTED) and commits it. Where the dialect says the transaction
// may simply run again (a deadlock, or a session that ended before the
// commit was sent), it does, a few times: fn must set everything it
// returns afresh on each run. A failed commit is never run again: it may
// have been applied. Where the dialect has one writer (SQLite), concurrent
// calls share a transaction, each function in a savepoint of its own
// (group.go); nothing is run again there.
func (db *DB) tx(ctx context.Context, fn func(tx *txn) error) error {
	if db.dialect.groupCommit {
		return db.txGroup(ctx, fn, false)
	}
	for attempt := 1; ; attempt++ {
		committing, err := db.tx1(ctx, fn)
		if err == nil || committing || attempt == maxTxAttempts || !db.dialect.retryable(err) || ctx.Err() != nil {
			return err
		}
		time.Sleep(time.Duration(attempt) * time.Duration(1+rand.IntN(5)) * time.Millisecond)
	}
}

// tx1 runs fn in one transaction; committing reports that err came from
// the commit itself.
func (db *DB) tx1(ctx context.Context, fn func(tx *txn) error) (committing bool, err error) {
	sqlTx, err := db.write.BeginTx(db.dialect.stmtCtx(ctx), nil)
	if err != nil {
		return false, err
	}
	tx := &txn{Tx: sqlTx, d: db.dialect, db: db}
	defer func() {
		if len(tx.want) > 0 && ctx.Err() == nil {
			db.prepareWrites(ctx, tx.want)
		}
	}()
	defer func() {
		// A function that panics does not keep the write connection.
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
	}()
	if err := db.checkEpoch(ctx, tx); err != nil {
		tx.Rollback()
		return false, err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return false, err
	}
	// A caller whose context ended meanwhile gets its error and keeps
	// nothing, as when database/sql watched the context (BeginTx above
	// may have been given it detached).
	if err := ctx.Err(); err != nil {
		tx.Rollback()
		return false, err
	}
	if !tx.cacheless {
		defer db.gen.Add(1) // even a failed commit may have changed something
	}
	db.commits.Add(1)
	db.written.Add(1)
	return true, tx.Commit()
}

// Writes returns how many write transactions this process committed (or
// tried to) and in how many commits: group commit (group.go) puts
// several in one.
func (db *DB) Writes() (transactions, commits int64) {
	return db.written.Load(), db.commits.Load()
}

// Generation changes after every write transaction of this process. A
// cache filled at generation g is current while Generation() == g.
func (db *DB) Generation() uint64 { return db.gen.Load() }

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

func strPtr(v sql.NullString) *string {
	if !v.Valid {
		return nil
	}
	s := v.String
	return &s
}

// nullStrPtr is p for a nullable column: NULL when nil.
func nullStrPtr(p *string) any {
	if p == nil {
		return nil
	}
	return *p
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
