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
//
// It reads the host's rows inside its write transaction. The watcher reads
// them while the engine is still measuring instead (ReadHostSizes, then
// UpdateSizesFrom).
func (db *DB) UpdateSizes(ctx context.Context, hostID string, sizes map[string]int64, at time.Time) (int, error) {
	n := 0
	err := db.txAlone(ctx, func(tx *txn) error {
		rows, err := tx.QueryContext(ctx, hostSizesSQL, hostID)
		if err != nil {
			return err
		}
		stored, err := scanHostSizes(hostID, rows)
		if err != nil {
			return err
		}
		n, err = db.writeSizes(ctx, tx, stored, sizes, at)
		return err
	})
	return n, err
}

// HostSizes is what the store held of one host's databases when it was
// read (ReadHostSizes): for each database name, the stored size or that
// the row was never measured or is not settled. It is compact (one string
// of names, a code per row) because a host may hold many databases.
type HostSizes struct {
	hostID string
	names  string   // every name, one after the other
	ends   []uint32 // ends[i] is where name i ends in names
	codes  []int64  // the stored size, or sizeNever, or sizeUnsettled
}

// The codes of HostSizes besides a stored size (which is never negative).
const (
	sizeNever     = -1 // settled, never measured
	sizeUnsettled = -2 // not settled: written whenever it is reported
)

// Len returns how many databases of the host the store held.
func (h *HostSizes) Len() int { return len(h.codes) }

// hostSizesSQL reads a host's databases as HostSizes codes, by the
// (host_id, db_name) index.
// The two negative codes are sizeUnsettled and sizeNever.
const hostSizesSQL = `SELECT db_name, CASE WHEN status NOT IN ` + settledStatuses + ` THEN -2
		WHEN size_refreshed_at IS NULL THEN -1 ELSE size_bytes END
	FROM databases WHERE host_id = ?`

// ReadHostSizes reads what the store holds of a host's databases on the
// read pool, outside any transaction, so that the watcher can read it
// while the engine measures the host; UpdateSizesFrom then compares and
// writes. A database created after the read is not in it and is measured
// by the next pass (until then it shows as never measured); only the
// watcher writes sizes, and only one replica runs it.
func (db *DB) ReadHostSizes(ctx context.Context, hostID string) (*HostSizes, error) {
	rows, err := db.readRows(ctx, hostSizesSQL, hostID)
	if err != nil {
		return nil, err
	}
	return scanHostSizes(hostID, rows)
}

func scanHostSizes(hostID string, rows *sql.Rows) (*HostSizes, error) {
	defer rows.Close()
	h := &HostSizes{hostID: hostID}
	var names []byte
	var name sql.RawBytes
	var code int64
	for rows.Next() {
		if err := rows.Scan(&name, &code); err != nil {
			return nil, err
		}
		names = append(names, name...)
		h.ends = append(h.ends, uint32(len(names)))
		h.codes = append(h.codes, code)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	h.names = string(names)
	return h, nil
}

// UpdateSizesFrom is UpdateSizes against the rows stored read before (by
// ReadHostSizes, for the same host): it writes what differs from them, in
// one write transaction, and returns how many of the reported names
// matched a database of the host.
func (db *DB) UpdateSizesFrom(ctx context.Context, stored *HostSizes, sizes map[string]int64, at time.Time) (int, error) {
	n := 0
	err := db.txAlone(ctx, func(tx *txn) (err error) {
		n, err = db.writeSizes(ctx, tx, stored, sizes, at)
		return err
	})
	return n, err
}

// writeSizes writes, in tx, the sizes that differ from what stored holds,
// stamps the host and, when a size changed, the used_bytes of its accounts.
func (db *DB) writeSizes(ctx context.Context, tx *txn, stored *HostSizes, sizes map[string]int64, at time.Time) (int, error) {
	ts := db.ms(at)
	n, names, values := stored.changed(sizes)
	if len(names) > 0 {
		if err := db.dialect.updateSizes(ctx, tx, stored.hostID, names, values, ts); err != nil {
			return 0, err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE hosts SET sizes_refreshed_at = ? WHERE id = ?`, ts, stored.hostID); err != nil {
		return 0, err
	}
	if len(names) == 0 {
		return n, nil
	}
	return n, refreshUsedBytes(ctx, tx, stored.hostID)
}

// changed returns how many of the host's databases sizes names, and the
// names and sizes to write: a reported size that differs from the stored
// one or was never stored, a reported database that is not settled (its
// own time is what it shows), and 0 for a settled database the host did
// not report that was never measured or measured more than 0.
func (h *HostSizes) changed(sizes map[string]int64) (matched int, names []string, values []int64) {
	start := uint32(0)
	for i, end := range h.ends {
		name := h.names[start:end]
		start = end
		code := h.codes[i]
		size, reported := sizes[name]
		if reported {
			matched++
		}
		switch {
		case reported && (code < 0 || size != code):
		case !reported && code != sizeUnsettled && code != 0:
			size = 0
		default:
			continue
		}
		names, values = append(names, name), append(values, size)
	}
	return matched, names, values
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
