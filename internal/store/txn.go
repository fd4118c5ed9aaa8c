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
	d *dialect
}

func (t *txn) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.Tx.ExecContext(ctx, t.d.rebind(q), args...)
}

func (t *txn) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.Tx.QueryContext(ctx, t.d.rebind(q), args...)
}

func (t *txn) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return t.Tx.QueryRowContext(ctx, t.d.rebind(q), args...)
}

func (t *txn) PrepareContext(ctx context.Context, q string) (*sql.Stmt, error) {
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
