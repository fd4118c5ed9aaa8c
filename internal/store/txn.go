package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"sync"
)

// txn is a write transaction. The store's SQL is written once, with ?
// placeholders (STYLE.md §5); txn hands each statement to the database in
// its dialect's form (PostgreSQL: $1, $2, …).
type txn struct {
	*sql.Tx
	d  *dialect
	db *DB // nil: no statement cache
	// want are statements this transaction ran unprepared; tx1 prepares
	// them on the write pool once the transaction has ended.
	want []string
	// cacheless is set by logOnly: the transaction writes nothing a
	// cache keyed by Generation holds.
	cacheless bool
	// detached runs every statement without its context's cancellation
	// (a batch of group commit: a statement interrupted inside a SQLite
	// transaction may roll back the whole transaction, batch-mates'
	// writes included).
	detached bool
}

// ctx is the context a statement runs with.
func (t *txn) ctx(ctx context.Context) context.Context {
	if t.detached {
		return context.WithoutCancel(ctx)
	}
	return t.d.stmtCtx(ctx)
}

// logOnly marks t as writing only tables no cache reads (the audit log,
// a key's lastUsedAt), so that its commit leaves Generation alone: an
// audited reveal must not empty the account's cached database list.
func (t *txn) logOnly() { t.cacheless = true }

func (t *txn) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	ctx = t.ctx(ctx)
	if st := t.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, t.d.rebind(q), args...)
}

func (t *txn) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if t.detached {
		ctx = context.WithoutCancel(ctx)
	} // else attached: see dialect.stmtCtx
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, t.d.rebind(q), args...)
}

func (t *txn) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	ctx = t.ctx(ctx)
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, t.d.rebind(q), args...)
}

// stmt returns q prepared, on this transaction's connection, when the write
// pool holds it prepared (SQLite parses every statement anew otherwise:
// a third of a create's CPU); nil to run q as text, noting it for tx1.
// Statements are prepared outside any transaction because SQLite's one
// write connection is this transaction's until it ends.
func (t *txn) stmt(ctx context.Context, q string) *sql.Stmt {
	if t.db == nil || !t.d.prepareWrites || len(q) > maxPreparedWrite {
		return nil
	}
	if v, ok := t.db.wstmts.Load(q); ok {
		return t.Tx.StmtContext(ctx, v.(*sql.Stmt))
	}
	t.want = append(t.want, q)
	return nil
}

// Bounds of the write statement cache: statements built from many values
// (a batch of sizes) are long and varied, and are not kept.
const (
	maxPreparedWrite  = 2000 // bytes of statement text
	maxPreparedWrites = 256  // statements
)

// prepareWrites prepares qs on the write pool for later transactions.
func (db *DB) prepareWrites(ctx context.Context, qs []string) {
	for _, q := range qs {
		if _, ok := db.wstmts.Load(q); ok || db.nwstmts.Load() >= maxPreparedWrites {
			continue
		}
		st, err := db.write.PrepareContext(ctx, db.dialect.rebind(q))
		if err != nil {
			continue // it runs as text next time too
		}
		if _, loaded := db.wstmts.LoadOrStore(q, st); loaded {
			st.Close()
			continue
		}
		db.nwstmts.Add(1)
	}
}

func (t *txn) PrepareContext(ctx context.Context, q string) (*sql.Stmt, error) {
	ctx = t.ctx(ctx)
	return t.Tx.PrepareContext(ctx, t.d.rebind(q))
}

// rebinder turns ? placeholders into $1, $2, … . Statements are few and
// fixed (those built from fragments have a handful of shapes), so each
// text is converted once and kept.
//
// Why not write $N everywhere, which modernc's SQLite also binds by
// position (checked: SELECT $2, $1 returns the arguments swapped)? A dozen
// statements are assembled from fragments (a WHERE per filter, a match by
// ULID or numeric id), and with $N each fragment would have to know its
// position in the final text; with ? they compose as they are.
type rebinder struct{ m sync.Map }

func (r *rebinder) rebind(q string) string {
	if v, ok := r.m.Load(q); ok {
		return v.(string)
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	inString := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			inString = !inString
		case c == '?' && !inString:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	out := b.String()
	r.m.Store(q, out)
	return out
}
