package store

import (
	"context"
	"database/sql"
	"fmt"
)

// SeedDatabases inserts n settled database rows for an account on a host in
// one transaction, as fast as SQLite allows: benchmarks need tens of
// thousands of rows, and InsertDatabase one by one would take minutes.
func SeedDatabases(ctx context.Context, db *DB, accountID, hostID string, n int) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO databases (id, numeric_id, account_id, host_id, engine, label, db_name, db_user, remote,
			sealed_password, status, size_bytes, created_at, updated_at) VALUES (?, ?, ?, ?, 'mariadb', ?, ?, ?, '%', x'00', 'active', 1, 0, 0)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i := range n {
			id, err := nextID(ctx, tx, "databases")
			if err != nil {
				return err
			}
			name := fmt.Sprintf("seed_%s_%d", accountID, i)
			if _, err := stmt.ExecContext(ctx, fmt.Sprintf("seed-%s-%d", accountID, i), id, accountID, hostID, name, name, name); err != nil {
				return err
			}
		}
		return nil
	})
}
