package store

import (
	"context"

	"github.com/dbplane/dbplane"
)

// BeginAccess records an access intent for a database whose status is
// behind its flags, and returns the row.
func (db *DB) BeginAccess(ctx context.Context, in *dbplane.Intent) (*dbplane.Database, error) {
	var d *dbplane.Database
	err := db.tx(ctx, func(tx *txn) error {
		var err error
		d, err = db.beginIntent(ctx, tx, dbplane.IntentAccess, in)
		return err
	})
	return d, err
}

// CompleteAccess stores the status the engine now enforces and forgets the
// intent.
func (db *DB) CompleteAccess(ctx context.Context, in *dbplane.Intent, applied dbplane.Status) error {
	return db.tx(ctx, func(tx *txn) error {
		if err := holdLease(ctx, tx, in); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE databases SET status = ?, updated_at = ? WHERE id = ?`,
			string(applied), db.ms(db.Now()), in.DatabaseID); err != nil {
			return err
		}
		return deleteIntent(ctx, tx, in.ID)
	})
}

// SetAdminDisabled sets a database's admin flag; the engine follows through
// an access intent.
func (db *DB) SetAdminDisabled(ctx context.Context, id string, disabled bool) error {
	return db.tx(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `UPDATE databases SET admin_disabled = ?, updated_at = ? WHERE id = ?`, boolInt(disabled), db.ms(db.Now()), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return dbplane.ErrDatabaseNotFound
		}
		return nil
	})
}

// DriftFilter narrows Drifted. The zero value finds every drifted database.
type DriftFilter struct {
	// AccountID, when set, keeps the account's databases alone.
	AccountID string
	// SkipHosts leaves out the databases of these hosts: a quota pass
	// still measuring them moves them later (control.refreshQuota).
	SkipHosts []string
}

// Drifted returns the ids of settled databases (active, over_quota or
// disabled) whose status differs from what their flags call for and that
// have no change in flight.
func (db *DB) Drifted(ctx context.Context, f DriftFilter) ([]string, error) {
	where, args := ``, []any{}
	if f.AccountID != "" {
		where, args = ` AND d.account_id = ?`, []any{f.AccountID}
	}
	rows, err := db.readRows(ctx, `SELECT d.id, d.host_id FROM databases d
		WHERE d.status IN ('active', 'over_quota', 'disabled')
		AND d.status <> CASE WHEN d.admin_disabled = 1 OR d.suspension_disabled = 1 THEN 'disabled'
			WHEN d.over_quota = 1 THEN 'over_quota' ELSE 'active' END
		AND NOT EXISTS (SELECT 1 FROM intents i WHERE i.database_id = d.id)`+where+` ORDER BY d.numeric_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	// The hosts are left out here, not in a NOT IN list whose statement
	// would vary with its length: the drifted are few.
	skip := make(map[string]bool, len(f.SkipHosts))
	for _, h := range f.SkipHosts {
		skip[h] = true
	}
	var ids []string
	for rows.Next() {
		var id, hostID string
		if err := rows.Scan(&id, &hostID); err != nil {
			return nil, err
		}
		if !skip[hostID] {
			ids = append(ids, id)
		}
	}
	return ids, rows.Err()
}
