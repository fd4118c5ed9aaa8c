package store

import (
	"context"
	"database/sql"
)

// Setting returns a deployment setting, creating it with generate on first use.
func (db *DB) Setting(ctx context.Context, key string, generate func() (string, error)) (string, error) {
	var v string
	err := db.readRow(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if err == nil {
		return v, nil
	}
	if err != sql.ErrNoRows {
		return "", err
	}
	nv, err := generate()
	if err != nil {
		return "", err
	}
	err = db.tx(ctx, func(tx *txn) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, key, nv); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	})
	return v, err
}

// ReplaceSetting sets a setting to value if it still holds old, and
// reports whether it did.
func (db *DB) ReplaceSetting(ctx context.Context, key, old, value string) (bool, error) {
	var ok bool
	err := db.tx(ctx, func(tx *txn) error {
		var err error
		ok, err = updatedOne(tx.ExecContext(ctx, `UPDATE settings SET value = ? WHERE key = ? AND value = ?`, value, key, old))
		return err
	})
	return ok, err
}
