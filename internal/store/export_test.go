package store

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
)

// SeedDatabases inserts n settled database rows for an account on a host in
// one transaction, counters included, as fast as SQLite allows: benchmarks need tens of
// thousands of rows, and InsertDatabase one by one would take minutes.
func SeedDatabases(ctx context.Context, db *DB, accountID, hostID string, n int) error {
	return db.txAlone(ctx, func(tx *txn) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO databases (id, numeric_id, account_id, host_id, engine, label, db_name, db_user, remote,
			sealed_password, status, size_bytes, created_at, updated_at) VALUES (?, ?, ?, ?, 'mariadb', ?, ?, ?, '%', ?, 'active', 1, 0, 0)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i := range n {
			id, err := db.dialect.nextID(ctx, tx, "databases")
			if err != nil {
				return err
			}
			name := fmt.Sprintf("seed_%s_%d", accountID, i)
			if _, err := stmt.ExecContext(ctx, fmt.Sprintf("seed-%s-%d", accountID, i), id, accountID, hostID, name, name, name, []byte{0}); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET database_count = database_count + ?, used_bytes = used_bytes + ? WHERE id = ?`,
			n, n, accountID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE hosts SET database_count = database_count + ? WHERE id = ?`, n, hostID)
		return err
	})
}

// CounterDrift returns, for every account, server and host whose counters
// differ from what their rows say, a line naming it: database_count against
// COUNT(*), and the account's used_bytes against SUM(size_bytes).
func CounterDrift(ctx context.Context, db *DB) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, db.dialect.rebind(`
		SELECT 'account ' || a.id, a.database_count, (SELECT COUNT(*) FROM databases d WHERE d.account_id = a.id) FROM accounts a
		UNION ALL
		SELECT 'account used_bytes ' || a.id, a.used_bytes, (SELECT COALESCE(SUM(d.size_bytes), 0) FROM databases d WHERE d.account_id = a.id) FROM accounts a
		UNION ALL
		SELECT 'server ' || s.id, s.database_count, (SELECT COUNT(*) FROM databases d WHERE d.server_id = s.id) FROM servers s
		UNION ALL
		SELECT 'host ' || h.id, h.database_count, (SELECT COUNT(*) FROM databases d WHERE d.host_id = h.id)
			+ (SELECT COUNT(*) FROM intents WHERE intents.host_id = h.id AND `+undoneDrop+`) FROM hosts h
		UNION ALL
		SELECT 'host warm ' || h.id, h.warm_count, (SELECT COUNT(*) FROM warm_databases w WHERE w.host_id = h.id) FROM hosts h`))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var what string
		var counter, actual int64
		if err := rows.Scan(&what, &counter, &actual); err != nil {
			return nil, err
		}
		if counter != actual {
			out = append(out, fmt.Sprintf("%s: counter %d, rows say %d", what, counter, actual))
		}
	}
	return out, rows.Err()
}

// AppliedVersions returns the schema versions recorded in the store, in order.
func AppliedVersions(ctx context.Context, db *DB) ([]int, error) {
	applied, err := db.appliedMigrations(ctx)
	if err != nil {
		return nil, err
	}
	var out []int
	for v := range applied {
		out = append(out, v)
	}
	slices.Sort(out)
	return out, nil
}

// RecordVersion records a schema version as applied, as a newer binary
// would.
func RecordVersion(ctx context.Context, db *DB, v int) error {
	return db.tx(ctx, func(tx *txn) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0)`, v)
		return err
	})
}

// Columns returns every table.column of the store's schema, sorted, but
// the tables only one dialect has.
func Columns(ctx context.Context, db *DB) ([]string, error) {
	q := `SELECT m.name || '.' || p.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table'`
	if db.dialect.name == "postgres" {
		q = `SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = current_schema()`
	}
	rows, err := db.read.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		switch strings.SplitN(c, ".", 2)[0] {
		case "sequences", "leadership":
			continue
		}
		out = append(out, c)
	}
	slices.Sort(out)
	return out, rows.Err()
}

// RowSizeRefreshedAt is the size_refreshed_at column of the database named
// name as stored (unix ms; 0 for NULL), not as the store reports it.
func RowSizeRefreshedAt(ctx context.Context, db *DB, name string) (int64, error) {
	var ms *int64
	err := db.read.QueryRowContext(ctx, db.dialect.rebind(`SELECT size_refreshed_at FROM databases WHERE db_name = ?`), name).Scan(&ms)
	if ms == nil {
		return 0, err
	}
	return *ms, err
}

// Dialect names the store's dialect: "sqlite" or "postgres".
func Dialect(db *DB) string { return db.dialect.name }

// ExecSchema runs statements as one simple query in a transaction, as a
// migration runs, to put a store in an older shape.
func ExecSchema(ctx context.Context, db *DB, q string) error {
	return db.tx(ctx, func(tx *txn) error {
		_, err := tx.Tx.ExecContext(ctx, q)
		return err
	})
}

// RunMigration runs the dialect's migration file whose name starts with
// prefix (such as "0009_"), as migrate does, without recording it.
func RunMigration(ctx context.Context, db *DB, prefix string) error {
	names, err := fs.Glob(migrations, db.dialect.migrations+"/"+prefix+"*.sql")
	if err != nil || len(names) != 1 {
		return fmt.Errorf("migration %s: %v %v", prefix, names, err)
	}
	body, err := migrations.ReadFile(names[0])
	if err != nil {
		return err
	}
	return ExecSchema(ctx, db, string(body))
}

// SetGroupCommit turns group commit on or off for db (benchmarks compare
// the two); it must not be called while db is in use.
func SetGroupCommit(db *DB, on bool) { db.dialect.groupCommit = on }

// DeleteDatabaseRow deletes a database's row as a finished delete does,
// counters included.
func DeleteDatabaseRow(ctx context.Context, db *DB, id string) error {
	return db.tx(ctx, func(tx *txn) error { return deleteDatabaseRow(ctx, tx, id) })
}

// CachedStatements returns the text of every statement the store holds
// prepared, on the write pool (statements write transactions ran) and on
// the read pool: after a fresh store has run one operation, the statements
// of that operation.
func CachedStatements(db *DB) []string {
	var out []string
	for _, m := range []*sync.Map{&db.wstmts, &db.stmts} {
		m.Range(func(k, _ any) bool {
			out = append(out, k.(string))
			return true
		})
	}
	return out
}

// QueryPlan returns SQLite's EXPLAIN QUERY PLAN of q, one line per step,
// its parameters NULL.
func QueryPlan(ctx context.Context, db *DB, q string) ([]string, error) {
	n, quoted := 0, false
	for _, c := range q {
		switch {
		case c == '\'':
			quoted = !quoted
		case c == '?' && !quoted:
			n++
		}
	}
	rows, err := db.read.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, make([]any, n)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return nil, err
		}
		out = append(out, detail)
	}
	return out, rows.Err()
}

// AppendResources exposes appendResources for its fuzz test.
var AppendResources = appendResources

// AuditChunk exposes auditChunk.
const AuditChunk = auditChunk

// ReadRows is readRows, the read pool's query of many rows.
func ReadRows(ctx context.Context, db *DB, q string, args ...any) (*sql.Rows, error) {
	return db.readRows(ctx, q, args...)
}

// LikeEscape is likeEscape, for its test.
var LikeEscape = likeEscape

// ReadConnsInUse is how many connections of the read pool are taken now.
func ReadConnsInUse(db *DB) int { return db.read.Stats().InUse }
