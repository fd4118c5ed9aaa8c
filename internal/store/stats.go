package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/dbplane/dbplane"
)

// Stats reads the deployment's figures with one aggregate query per
// table. Sessions idle since idleSince do not count.
func (db *DB) Stats(ctx context.Context, now, idleSince time.Time) (*dbplane.Stats, error) {
	st := &dbplane.Stats{
		Databases:  map[dbplane.Engine]map[dbplane.Status]int{},
		KeysActive: map[dbplane.KeyKind]int{}, KeysInactive: map[dbplane.KeyKind]int{},
	}
	rows, err := db.readRows(ctx, `SELECT engine, status, COUNT(*) FROM databases GROUP BY engine, status`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var e dbplane.Engine
		var s dbplane.Status
		var n int
		if err := rows.Scan(&e, &s, &n); err != nil {
			rows.Close()
			return nil, err
		}
		if st.Databases[e] == nil {
			st.Databases[e] = map[dbplane.Status]int{}
		}
		st.Databases[e][s] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	err = db.readRow(ctx, `SELECT COALESCE(SUM(enabled), 0), COUNT(*) - COALESCE(SUM(enabled), 0) FROM hosts`).Scan(&st.HostsEnabled, &st.HostsDisabled)
	if err != nil {
		return nil, err
	}
	var oldest sql.NullInt64
	if err := db.readRow(ctx, `SELECT COUNT(*), MIN(created_at) FROM intents`).Scan(&st.IntentsPending, &oldest); err != nil {
		return nil, err
	}
	if oldest.Valid {
		st.OldestIntent = fromMS(oldest.Int64)
	}
	rows, err = db.readRows(ctx, `SELECT kind, CASE WHEN disabled = 0 AND (expires_at IS NULL OR expires_at > ?) THEN 1 ELSE 0 END, COUNT(*)
		FROM api_keys GROUP BY 1, 2`, db.ms(now))
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var k dbplane.KeyKind
		var active, n int
		if err := rows.Scan(&k, &active, &n); err != nil {
			rows.Close()
			return nil, err
		}
		if active == 1 {
			st.KeysActive[k] = n
		} else {
			st.KeysInactive[k] = n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	err = db.readRow(ctx, `SELECT COUNT(*) FROM sessions WHERE expires_at > ? AND last_seen_at > ?`, db.ms(now), db.ms(idleSince)).Scan(&st.Sessions)
	if err != nil {
		return nil, err
	}
	st.DriftFindings, err = db.driftCounts(ctx)
	return st, err
}

// driftCounts counts the drift findings not repaired, by kind.
func (db *DB) driftCounts(ctx context.Context) (map[dbplane.DriftKind]int, error) {
	rows, err := db.readRows(ctx, `SELECT kind, COUNT(*) FROM drift_findings WHERE repair <> 'repaired' GROUP BY kind`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[dbplane.DriftKind]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[dbplane.DriftKind(k)] = n
	}
	return out, rows.Err()
}
