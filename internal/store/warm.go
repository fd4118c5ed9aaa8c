package store

import (
	"context"
	"database/sql"
	"math"
	"time"

	"github.com/dbplane/dbplane"
)

// The warm pool (issue 12 target 6): PostgreSQL databases made ahead of
// time under placeholder names, for creates to claim (InsertDatabase,
// claimWarm). A warm_databases row is its own intent: it is written
// before the engine is touched ('making'), leased and fenced on a token as
// intents are, and its place on the host (hosts.warm_count, counted with
// database_count against max_databases) is taken in the same transaction.
// A row that is 'ready' may be claimed; one that is 'dropping' is dropped
// on the engine and then deleted. The refill (control) finishes whatever a
// crash left 'making' or 'dropping' once its lease is old.

// WarmState is the state of a warm database.
type WarmState string

// Warm states.
const (
	WarmMaking   WarmState = "making"   // recorded; the engine may or may not hold it yet
	WarmReady    WarmState = "ready"    // made; a create may claim it
	WarmDropping WarmState = "dropping" // to be dropped on the engine, then forgotten
)

// WarmDatabase is one row of warm_databases.
type WarmDatabase struct {
	ID        string // ULID
	HostID    string
	DBName    string // placeholder names, dbplane.WarmPrefix + lower-case ULID
	DBUser    string
	State     WarmState
	Attempts  int
	LastError string
	CreatedAt time.Time
	// Token and LeasedAt fence the row as Intent's do.
	Token    int64
	LeasedAt time.Time
}

// ErrWarmFull is BeginWarm's answer when the host takes no more warm
// databases: its pool is full, it has no room under max_databases, or it
// is disabled, retired or not PostgreSQL.
var ErrWarmFull = dbplane.Errorf(dbplane.CodeConflict, "The host's warm pool is full")

const warmCols = `id, host_id, db_name, db_user, state, attempts, last_error, created_at, token, leased_at`

func collectWarm(rows *sql.Rows, err error) ([]*WarmDatabase, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*WarmDatabase
	for rows.Next() {
		var w WarmDatabase
		var created, leased int64
		if err := rows.Scan(&w.ID, &w.HostID, &w.DBName, &w.DBUser, &w.State, &w.Attempts, &w.LastError, &created, &w.Token, &leased); err != nil {
			return nil, err
		}
		w.CreatedAt, w.LeasedAt = fromMS(created), fromMS(leased)
		out = append(out, &w)
	}
	return out, rows.Err()
}

// BeginWarm records w as being made on its host, held by the caller, and
// takes its place on the host. It returns ErrWarmFull when the host takes
// no more.
func (db *DB) BeginWarm(ctx context.Context, w *WarmDatabase) error {
	now := db.ms(db.Now())
	return db.tx(ctx, func(tx *txn) error {
		ok, err := updatedOne(tx.ExecContext(ctx, `UPDATE hosts SET warm_count = warm_count + 1
			WHERE id = ? AND engine = ? AND enabled = 1 AND retired_at IS NULL AND warm_count < warm_pool
			AND (max_databases IS NULL OR database_count + warm_count < max_databases)`, w.HostID, string(dbplane.EnginePostgres)))
		if err != nil {
			return err
		}
		if !ok {
			return ErrWarmFull
		}
		w.State, w.Token, w.CreatedAt, w.LeasedAt = WarmMaking, 0, fromMS(now), fromMS(now)
		_, err = tx.ExecContext(ctx, `INSERT INTO warm_databases (id, host_id, db_name, db_user, state, created_at, token, leased_at)
			VALUES (?, ?, ?, ?, ?, ?, 0, ?)`, w.ID, w.HostID, w.DBName, w.DBUser, string(w.State), now, now)
		return err
	})
}

// holdWarm is holdLease for a warm database.
func holdWarm(ctx context.Context, tx *txn, w *WarmDatabase) error {
	ok, err := updatedOne(tx.ExecContext(ctx, `UPDATE warm_databases SET token = token WHERE id = ? AND token = ?`, w.ID, w.Token))
	if err != nil {
		return err
	}
	if !ok {
		return ErrLeaseLost
	}
	return nil
}

// ReadyWarm marks a warm database the caller made ready to be claimed.
// ErrLeaseLost when another worker took it over (or it is being dropped).
func (db *DB) ReadyWarm(ctx context.Context, w *WarmDatabase) error {
	return db.tx(ctx, func(tx *txn) error {
		if err := holdWarm(ctx, tx, w); err != nil {
			return err
		}
		ok, err := updatedOne(tx.ExecContext(ctx, `UPDATE warm_databases SET state = ? WHERE id = ? AND state = ?`,
			string(WarmReady), w.ID, string(WarmMaking)))
		if err == nil && !ok {
			return ErrLeaseLost
		}
		w.State = WarmReady
		return err
	})
}

// CompleteWarmDrop forgets a warm database the caller dropped on the
// engine, and gives its place on the host back.
func (db *DB) CompleteWarmDrop(ctx context.Context, w *WarmDatabase) error {
	return db.tx(ctx, func(tx *txn) error {
		if err := holdWarm(ctx, tx, w); err != nil {
			return err
		}
		ok, err := updatedOne(tx.ExecContext(ctx, `DELETE FROM warm_databases WHERE id = ?`, w.ID))
		if err != nil || !ok {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE hosts SET warm_count = warm_count - 1 WHERE id = ?`, w.HostID)
		return err
	})
}

// NoteWarmFailure counts a failed attempt on a warm database, keeps its
// (scrubbed) error and gives the lease back, so the next pass takes it
// again at once.
func (db *DB) NoteWarmFailure(ctx context.Context, w *WarmDatabase, msg string) error {
	return db.tx(ctx, func(tx *txn) error {
		ok, err := updatedOne(tx.ExecContext(ctx, `UPDATE warm_databases SET attempts = attempts + 1, last_error = ?, leased_at = 0 WHERE id = ? AND token = ?`,
			msg, w.ID, w.Token))
		if err == nil && !ok {
			return ErrLeaseLost
		}
		return err
	})
}

// cutoff is the newest lease a claim with minAge may take (every lease
// when minAge is 0).
func (db *DB) cutoff(minAge time.Duration) int64 {
	if minAge <= 0 {
		return math.MaxInt64
	}
	return db.ms(db.Now().Add(-minAge))
}

// liveWarmHost takes the host's row lock, as every change of its warm
// databases does first (BeginWarm, claimWarm; RetireHost too), and
// reports whether the host is live. A retired host's warm databases are
// fenced and kept as they are for the orphan report (retireWarm): a
// worker that read the host before it was retired takes none of them.
func liveWarmHost(ctx context.Context, tx *txn, hostID string) (bool, error) {
	return updatedOne(tx.ExecContext(ctx, `UPDATE hosts SET warm_count = warm_count WHERE id = ? AND retired_at IS NULL`, hostID))
}

// ClaimStaleWarm takes over, for the caller, the host's warm databases
// being made or dropped whose lease is at least minAge old (what a crash,
// a failed attempt or a lost worker left), at most 500.
func (db *DB) ClaimStaleWarm(ctx context.Context, hostID string, minAge time.Duration) ([]*WarmDatabase, error) {
	now, cutoff := db.ms(db.Now()), db.cutoff(minAge)
	var out []*WarmDatabase
	err := db.tx(ctx, func(tx *txn) error {
		if live, err := liveWarmHost(ctx, tx, hostID); err != nil || !live {
			return err
		}
		var err error
		out, err = collectWarm(tx.QueryContext(ctx, `UPDATE warm_databases SET token = token + 1, leased_at = ?
			WHERE id IN (SELECT id FROM warm_databases WHERE host_id = ? AND state IN (?, ?) AND leased_at <= ? ORDER BY id LIMIT ?`+db.dialect.skipLocked+`)
			RETURNING `+warmCols, now, hostID, string(WarmMaking), string(WarmDropping), cutoff, maxClaim))
		return err
	})
	return out, err
}

// ShrinkWarm marks the host's ready warm databases beyond its warm_pool
// (counting those being made) to be dropped, newest first, and returns
// them held by the caller. On a host with max_databases the pool also
// fits in what the host's own databases leave of it: an operator who
// lowers the limit gets the warm databases over it dropped, not only no
// new ones made.
func (db *DB) ShrinkWarm(ctx context.Context, hostID string) ([]*WarmDatabase, error) {
	now := db.ms(db.Now())
	var out []*WarmDatabase
	err := db.tx(ctx, func(tx *txn) error {
		if live, err := liveWarmHost(ctx, tx, hostID); err != nil || !live {
			return err
		}
		var pool, kept, count int
		var limit sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT h.warm_pool, h.max_databases, h.database_count,
			(SELECT COUNT(*) FROM warm_databases w WHERE w.host_id = h.id AND w.state <> ?)
			FROM hosts h WHERE h.id = ?`, string(WarmDropping), hostID).Scan(&pool, &limit, &count, &kept)
		if err != nil {
			return translate(err, errHostNotFound, nil)
		}
		if limit.Valid {
			pool = min(pool, max(0, int(limit.Int64)-count))
		}
		if kept <= pool {
			return nil
		}
		out, err = collectWarm(tx.QueryContext(ctx, `UPDATE warm_databases SET state = ?, token = token + 1, leased_at = ?
			WHERE id IN (SELECT id FROM warm_databases WHERE host_id = ? AND state = ? ORDER BY id DESC LIMIT ?`+db.dialect.skipLocked+`)
			RETURNING `+warmCols, string(WarmDropping), now, hostID, string(WarmReady), kept-pool))
		return err
	})
	return out, err
}

// DrainWarm turns the host's warm pool off (warm_pool 0) and marks its
// warm databases to be dropped: the ready ones, and those being made or
// dropped whose lease is at least minAge old. It returns them held by the
// caller; a younger one is left to its holder and then to the refill,
// which drops it since the pool is off.
func (db *DB) DrainWarm(ctx context.Context, hostID string, minAge time.Duration) ([]*WarmDatabase, error) {
	now, cutoff := db.ms(db.Now()), db.cutoff(minAge)
	var out []*WarmDatabase
	err := db.tx(ctx, func(tx *txn) error {
		// The host's row first, as claimWarm takes it. updated_at moves,
		// so an UpdateHost that read the host before does not write the
		// old warm_pool back.
		// A retired host is left alone (liveWarmHost).
		live, err := updatedOne(tx.ExecContext(ctx, `UPDATE hosts SET warm_pool = 0,
			updated_at = CASE WHEN warm_pool = 0 THEN updated_at WHEN ? > updated_at THEN ? ELSE updated_at + 1 END WHERE id = ? AND retired_at IS NULL`,
			now, now, hostID))
		if err != nil || !live {
			return err
		}
		out, err = collectWarm(tx.QueryContext(ctx, `UPDATE warm_databases SET state = ?, token = token + 1, leased_at = ?
			WHERE host_id = ? AND (state = ? OR leased_at <= ?)
			RETURNING `+warmCols, string(WarmDropping), now, hostID, string(WarmReady), cutoff))
		return err
	})
	return out, err
}

// WarmDatabases returns the host's warm databases ("" for every host's),
// oldest first.
func (db *DB) WarmDatabases(ctx context.Context, hostID string) ([]*WarmDatabase, error) {
	if hostID == "" {
		return collectWarm(db.readRows(ctx, `SELECT `+warmCols+` FROM warm_databases ORDER BY id`))
	}
	return collectWarm(db.readRows(ctx, `SELECT `+warmCols+` FROM warm_databases WHERE host_id = ? ORDER BY id`, hostID))
}

// retireWarm turns the retired host's warm pool off and fences its warm
// databases (RetireHost): a worker still making or dropping one loses its
// lease, and its next store write of the row fails. The rows stay, with
// their place on the host, for the orphan report: nothing reaches the host
// again, so they stay on it.
func retireWarm(ctx context.Context, tx *txn, hostID string, now int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE hosts SET warm_pool = 0 WHERE id = ?`, hostID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE warm_databases SET token = token + 1, leased_at = ? WHERE host_id = ?`, now, hostID)
	return err
}

// forgetWarm deletes the retired host's warm databases from the store
// (DeleteHost: the orphan report named them, and nothing may reach the
// host again).
func forgetWarm(ctx context.Context, tx *txn, hostID string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM warm_databases WHERE host_id = ?`, hostID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE hosts SET warm_count = 0, warm_pool = 0 WHERE id = ?`, hostID)
	return err
}
