package store

import (
	"context"
	"database/sql"
	"strconv"

	"github.com/dbplane/dbplane"
)

// databaseFilter selects databases for findDatabases; zero fields do not
// filter. Every lookup of databases rows is one of these (STYLE.md §7,
// habit 17: one finder per entity, as wtf's findDials).
type databaseFilter struct {
	ID        string
	NumericID int64
	AccountID string
	HostID    string
	ServerID  string
	Engine    dbplane.Engine
	Status    dbplane.Status
	// ByCreated orders oldest first (created_at, id); otherwise by
	// numeric id.
	ByCreated bool
	// Limit 0 returns every match.
	Limit, Offset int
}

// ref matches a database by numeric id when ref is a number, by ULID
// otherwise.
func (f databaseFilter) ref(ref string) databaseFilter {
	if n, err := strconv.ParseInt(ref, 10, 64); err == nil {
		f.NumericID = n
	} else {
		f.ID = ref
	}
	return f
}

func (f databaseFilter) where() (string, []any) {
	where, args := `1 = 1`, []any{}
	add := func(cond string, v any) {
		where += ` AND ` + cond
		args = append(args, v)
	}
	if f.ID != "" {
		add(`d.id = ?`, f.ID)
	}
	if f.NumericID != 0 {
		add(`d.numeric_id = ?`, f.NumericID)
	}
	if f.AccountID != "" {
		add(`d.account_id = ?`, f.AccountID)
	}
	if f.HostID != "" {
		add(`d.host_id = ?`, f.HostID)
	}
	if f.ServerID != "" {
		add(`d.server_id = ?`, f.ServerID)
	}
	if f.Engine != "" {
		add(`d.engine = ?`, string(f.Engine))
	}
	if f.Status != "" {
		add(`d.status = ?`, string(f.Status))
	}
	return where, args
}

// querier runs a query: the read pool (readQuerier) or a write
// transaction (*txn).
type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// readQuerier runs queries on the read pool, through prepared statements.
type readQuerier struct{ db *DB }

func (r readQuerier) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return r.db.readRows(ctx, q, args...)
}

// findDatabases returns the databases f selects, in its order.
func findDatabases(ctx context.Context, q querier, f databaseFilter) ([]*dbplane.Database, error) {
	where, args := f.where()
	query := `SELECT ` + databaseCols + ` FROM databases d WHERE ` + where
	if f.ByCreated {
		query += ` ORDER BY d.created_at, d.id`
	} else {
		query += ` ORDER BY d.numeric_id`
	}
	if f.Limit > 0 {
		query += ` LIMIT ? OFFSET ?`
		args = append(args, f.Limit, f.Offset)
	}
	return collectDatabases(q.QueryContext(ctx, query, args...))
}

// findDatabase returns the one database f selects, or ErrDatabaseNotFound.
func findDatabase(ctx context.Context, q querier, f databaseFilter) (*dbplane.Database, error) {
	f.Limit, f.Offset = 1, 0
	list, err := findDatabases(ctx, q, f)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, dbplane.ErrDatabaseNotFound
	}
	return list[0], nil
}

// countDatabases returns how many databases f selects (Limit aside).
func countDatabases(ctx context.Context, db *DB, f databaseFilter) (int, error) {
	where, args := f.where()
	var n int
	err := db.readRow(ctx, `SELECT COUNT(*) FROM databases d WHERE `+where, args...).Scan(&n)
	return n, err
}
