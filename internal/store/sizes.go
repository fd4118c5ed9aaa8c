package store

import (
	"context"
	"database/sql"
	"time"
)

// UpdateSizes stores the sizes measured on a host, by database name. A
// settled database the host no longer lists (a tenant dropped it, or an
// empty MongoDB database) measures 0. Only rows whose size changed (or that
// were never measured) are written, in batches; the host records the time
// of the pass, which the databases' sizeRefreshedAt follows (see
// sizeRefreshedCol). The used_bytes of the accounts with databases on the
// host follow when a size changed. It returns how many of the reported
// names matched a database of the host.
func (db *DB) UpdateSizes(ctx context.Context, hostID string, sizes map[string]int64, at time.Time) (int, error) {
	n := 0
	err := db.txAlone(ctx, func(tx *txn) error {
		ts := db.ms(at)
		var names []string
		var values []int64
		var err error
		if n, names, values, err = changedSizes(ctx, tx, hostID, sizes); err != nil {
			return err
		}
		if len(names) > 0 {
			if err := db.dialect.updateSizes(ctx, tx, hostID, names, values, ts); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE hosts SET sizes_refreshed_at = ? WHERE id = ?`, ts, hostID); err != nil {
			return err
		}
		if len(names) == 0 {
			return nil
		}
		return refreshUsedBytes(ctx, tx, hostID)
	})
	return n, err
}

// changedSizes reads the host's databases (one indexed scan) and returns
// how many of them sizes names, and the names and sizes to write: a
// reported size that differs from the stored one or was never stored, a
// reported database that is not settled (its own time is what it shows),
// and 0 for a settled database the host did not report.
func changedSizes(ctx context.Context, tx *txn, hostID string, sizes map[string]int64) (matched int, names []string, values []int64, err error) {
	rows, err := tx.QueryContext(ctx, `SELECT db_name, status IN `+settledStatuses+`, size_bytes, size_refreshed_at IS NULL
		FROM databases WHERE host_id = ?`, hostID)
	if err != nil {
		return 0, nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var settled, never bool
		var stored int64
		if err := rows.Scan(&name, &settled, &stored, &never); err != nil {
			return 0, nil, nil, err
		}
		size, reported := sizes[name]
		if reported {
			matched++
		}
		switch {
		case reported && (never || !settled || size != stored):
		case !reported && settled && (never || stored != 0):
		default:
			continue
		}
		names, values = append(names, name), append(values, size)
	}
	return matched, names, values, rows.Err()
}

// RecomputeOverQuota sets every database's over_quota flag from its
// account's measured total against storageBytes: over when the total is
// above the quota. Totals are summed in one pass over the databases, and
// only accounts whose flag changes are written.
func (db *DB) RecomputeOverQuota(ctx context.Context) error {
	return db.txAlone(ctx, func(tx *txn) error {
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
