package store

import (
	"context"
	"slices"

	"github.com/dbplane/dbplane"
)

// ReplaceDriftFindings stores what a sweep found on one host, in place of
// what the host's previous sweep found.
func (db *DB) ReplaceDriftFindings(ctx context.Context, hostID string, findings []*dbplane.DriftFinding) error {
	return db.tx(ctx, func(tx *txn) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM drift_findings WHERE host_id = ?`, hostID); err != nil {
			return err
		}
		for _, f := range findings {
			if _, err := tx.ExecContext(ctx, `INSERT INTO drift_findings (host_id, kind, object, database_id, repair, repair_error, found_at)
				VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (host_id, kind, object) DO NOTHING`,
				hostID, string(f.Kind), f.Object, f.DatabaseID, f.Repair, f.RepairError, db.ms(f.FoundAt)); err != nil {
				return err
			}
		}
		return nil
	})
}

// PruneDriftFindings forgets the findings of every host not in hostIDs
// (deleted or disabled since).
func (db *DB) PruneDriftFindings(ctx context.Context, hostIDs []string) error {
	return db.tx(ctx, func(tx *txn) error {
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT host_id FROM drift_findings`)
		if err != nil {
			return err
		}
		var gone []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			if !slices.Contains(hostIDs, id) {
				gone = append(gone, id)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range gone {
			if _, err := tx.ExecContext(ctx, `DELETE FROM drift_findings WHERE host_id = ?`, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// DriftFindings returns a filtered page of the latest findings, ordered by
// host, kind and object, and their total.
func (db *DB) DriftFindings(ctx context.Context, f dbplane.DriftFilter) ([]*dbplane.DriftFinding, int, error) {
	where, args := `1 = 1`, []any{}
	if f.HostID != "" {
		where += ` AND host_id = ?`
		args = append(args, f.HostID)
	}
	if f.Kind != "" {
		where += ` AND kind = ?`
		args = append(args, string(f.Kind))
	}
	if f.DatabaseID != "" {
		where += ` AND database_id = ?`
		args = append(args, f.DatabaseID)
	}
	var total int
	if err := db.readRow(ctx, `SELECT COUNT(*) FROM drift_findings WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	q := `SELECT host_id, kind, object, database_id, repair, repair_error, found_at FROM drift_findings WHERE ` + where +
		` ORDER BY host_id, kind, object`
	if f.Page.PerPage > 0 {
		q += ` LIMIT ? OFFSET ?`
		args = append(args, f.Page.PerPage, f.Page.Offset())
	}
	rows, err := db.readRows(ctx, q, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*dbplane.DriftFinding
	for rows.Next() {
		var d dbplane.DriftFinding
		var kind string
		var at int64
		if err := rows.Scan(&d.HostID, &kind, &d.Object, &d.DatabaseID, &d.Repair, &d.RepairError, &at); err != nil {
			return nil, 0, err
		}
		d.Kind, d.FoundAt = dbplane.DriftKind(kind), fromMS(at)
		out = append(out, &d)
	}
	return out, total, rows.Err()
}

// DatabaseDrift returns the kinds of the latest findings not repaired of
// each database in ids that has any.
func (db *DB) DatabaseDrift(ctx context.Context, ids []string) (map[string][]dbplane.DriftKind, error) {
	out := map[string][]dbplane.DriftKind{}
	if len(ids) == 0 {
		return out, nil
	}
	// Findings are few: one query for all, filtered here, keeps one
	// prepared statement whatever the page size.
	rows, err := db.readRows(ctx, `SELECT database_id, kind FROM drift_findings WHERE database_id <> '' AND repair <> 'repaired' ORDER BY database_id, kind`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	for rows.Next() {
		var id, kind string
		if err := rows.Scan(&id, &kind); err != nil {
			return nil, err
		}
		if want[id] {
			out[id] = append(out[id], dbplane.DriftKind(kind))
		}
	}
	return out, rows.Err()
}

// BeginRepair records a repair intent for a database: its user, password,
// grants and access are applied again from the row.
func (db *DB) BeginRepair(ctx context.Context, in *dbplane.Intent) (*dbplane.Database, error) {
	var d *dbplane.Database
	err := db.tx(ctx, func(tx *txn) error {
		var err error
		d, err = db.beginIntent(ctx, tx, dbplane.IntentRepair, in)
		return err
	})
	return d, err
}

// CompleteRepair forgets a repair intent once the engine matches the row.
func (db *DB) CompleteRepair(ctx context.Context, in *dbplane.Intent) error {
	return db.tx(ctx, func(tx *txn) error {
		if err := holdLease(ctx, tx, in); err != nil {
			return err
		}
		return deleteIntent(ctx, tx, in.ID)
	})
}
