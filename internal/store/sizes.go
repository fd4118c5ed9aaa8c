package store

import (
	"context"
	"database/sql"
	"time"
)

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
		// Orphans (their host retired) count against no quota.
		rows, err := tx.QueryContext(ctx, `SELECT a.id, a.storage_bytes,
				COALESCE(SUM(CASE WHEN d.status <> 'orphaned' THEN d.size_bytes ELSE 0 END), 0),
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
