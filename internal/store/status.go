package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/dbplane/dbplane"
)

// ServerDatabases returns a page of a server's databases and the total.
func (db *DB) ServerDatabases(ctx context.Context, serverID string, p dbplane.Page) ([]*dbplane.Database, int, error) {
	var total int
	err := db.readRow(ctx, `SELECT database_count FROM servers WHERE id = ?`, serverID).Scan(&total)
	if err != nil && err != sql.ErrNoRows {
		return nil, 0, err
	}
	list, err := findDatabases(ctx, readQuerier{db}, databaseFilter{ServerID: serverID, Limit: p.PerPage, Offset: p.Offset()})
	return list, total, err
}

// ServerDatabase returns the server's database with that numeric id or
// ULID; another server's reads as ErrDatabaseNotFound.
func (db *DB) ServerDatabase(ctx context.Context, serverID, ref string) (*dbplane.Database, error) {
	return findDatabase(ctx, readQuerier{db}, databaseFilter{ServerID: serverID}.ref(ref))
}

// ListAllDatabases returns a filtered page of every database and the total.
func (db *DB) ListAllDatabases(ctx context.Context, f dbplane.DatabaseFilter) ([]*dbplane.Database, int, error) {
	df := databaseFilter{AccountID: f.AccountID, HostID: f.HostID, ServerID: f.ServerID, Status: f.Status}
	total, err := countDatabases(ctx, db, df)
	if err != nil {
		return nil, 0, err
	}
	df.Limit, df.Offset = f.Page.PerPage, f.Page.Offset()
	list, err := findDatabases(ctx, readQuerier{db}, df)
	return list, total, err
}

// beginIntent records an intent for an existing database in tx. It returns
// the row, or CodeConflict while another change is in flight.
func (db *DB) beginIntent(ctx context.Context, tx *txn, kind dbplane.IntentKind, in *dbplane.Intent) (*dbplane.Database, error) {
	d, err := findDatabase(ctx, tx, databaseFilter{ID: in.DatabaseID})
	if err != nil {
		return nil, err
	}
	if d.Status == dbplane.StatusCreating || d.Status == dbplane.StatusDeleting {
		return nil, errBusy
	}
	in.Kind = kind
	in.HostID, in.DBName, in.DBUser, in.Remote = d.HostID, d.DBName, d.DBUser, d.Remote
	return d, insertIntent(ctx, tx, in, db.ms(db.Now()))
}

// BeginDrop marks a database deleting and records its drop intent.
func (db *DB) BeginDrop(ctx context.Context, in *dbplane.Intent) (*dbplane.Database, error) {
	var d *dbplane.Database
	err := db.tx(ctx, func(tx *txn) error {
		var err error
		if d, err = db.beginIntent(ctx, tx, dbplane.IntentDrop, in); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE databases SET status = ?, updated_at = ? WHERE id = ?`,
			string(dbplane.StatusDeleting), db.ms(db.Now()), d.ID)
		return err
	})
	return d, err
}

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

// Drifted returns the ids of settled databases (active, over_quota or
// disabled) whose status differs from what their flags call for and that
// have no change in flight.
func (db *DB) Drifted(ctx context.Context, accountID string) ([]string, error) {
	where, args := ``, []any{}
	if accountID != "" {
		where, args = ` AND d.account_id = ?`, []any{accountID}
	}
	rows, err := db.readRows(ctx, `SELECT d.id FROM databases d
		WHERE d.status IN ('active', 'over_quota', 'disabled')
		AND d.status <> CASE WHEN d.admin_disabled = 1 OR d.suspension_disabled = 1 THEN 'disabled'
			WHEN d.over_quota = 1 THEN 'over_quota' ELSE 'active' END
		AND NOT EXISTS (SELECT 1 FROM intents i WHERE i.database_id = d.id)`+where+` ORDER BY d.numeric_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// UpdateSizes stores the sizes measured on a host, by database name. A
// settled database the host no longer lists (a tenant dropped it, or an
// empty MongoDB database) measures 0. The used_bytes of the accounts with
// databases on the host follow. It returns how many rows it matched.
func (db *DB) UpdateSizes(ctx context.Context, hostID string, sizes map[string]int64, at time.Time) (int, error) {
	n := 0
	err := db.tx(ctx, func(tx *txn) error {
		ts := db.ms(at)
		if _, err := tx.ExecContext(ctx, `UPDATE databases SET size_bytes = 0, size_refreshed_at = ?
			WHERE host_id = ? AND status IN ('active', 'over_quota', 'disabled')`, ts, hostID); err != nil {
			return err
		}
		names, values := make([]string, 0, len(sizes)), make([]int64, 0, len(sizes))
		for name, size := range sizes {
			names, values = append(names, name), append(values, size)
		}
		var err error
		if n, err = db.dialect.updateSizes(ctx, tx, hostID, names, values, ts); err != nil {
			return err
		}
		return refreshUsedBytes(ctx, tx, hostID)
	})
	return n, err
}

// RecomputeOverQuota sets every database's over_quota flag from its
// account's measured total against storageBytes: over when the total is
// above the quota. Totals are summed in one pass over the databases, and
// only accounts whose flag changes are written.
func (db *DB) RecomputeOverQuota(ctx context.Context) error {
	return db.tx(ctx, func(tx *txn) error {
		rows, err := tx.QueryContext(ctx, `SELECT a.id, a.storage_bytes, COALESCE(SUM(d.size_bytes), 0),
				COALESCE(MIN(d.over_quota), 0), COALESCE(MAX(d.over_quota), 0)
			FROM accounts a JOIN databases d ON d.account_id = a.id GROUP BY a.id`)
		if err != nil {
			return err
		}
		type change struct {
			account string
			over    int
		}
		var changes []change
		for rows.Next() {
			var id string
			var quota sql.NullInt64
			var total int64
			var minOver, maxOver int
			if err := rows.Scan(&id, &quota, &total, &minOver, &maxOver); err != nil {
				rows.Close()
				return err
			}
			over := boolInt(quota.Valid && total > quota.Int64)
			if minOver != over || maxOver != over {
				changes = append(changes, change{id, over})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, c := range changes {
			if _, err := tx.ExecContext(ctx, `UPDATE databases SET over_quota = ? WHERE account_id = ? AND over_quota <> ?`,
				c.over, c.account, c.over); err != nil {
				return err
			}
		}
		return nil
	})
}
