package store

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/dbplane/dbplane"
)

// ErrBusy is what a change of a database answers while another change of
// it is in flight (its intent holds the database): 503, as a host that is
// slow to answer; document 003 keeps 409 for a duplicate name.
var ErrBusy = dbplane.Errorf(dbplane.CodeUnavailable, "Another change to this database is in progress; try again shortly")

// ErrLeaseLost is what a change of an intent returns when another worker
// claimed the intent since this one took it: the caller must stop, and the
// new holder finishes the change.
var ErrLeaseLost = &dbplane.Error{Code: dbplane.CodeUnavailable, Message: "The change took too long and is being finished in the background; check again shortly"}

// insertIntent records in, held by the caller (token 0) from now.
func insertIntent(ctx context.Context, tx *txn, in *dbplane.Intent, now int64) error {
	in.Token, in.CreatedAt, in.LeasedAt = 0, fromMS(now), fromMS(now)
	_, err := tx.ExecContext(ctx, `INSERT INTO intents (id, kind, database_id, host_id, db_name, db_user, remote, sealed_password, created_at, token, leased_at,
		warm_db, warm_user) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)`,
		in.ID, string(in.Kind), in.DatabaseID, in.HostID, in.DBName, in.DBUser, in.Remote, in.SealedPassword, now, now, in.WarmDB, in.WarmUser)
	return translate(err, nil, ErrBusy)
}

// holdLease is the fence every change of an intent starts with: it
// returns ErrLeaseLost unless the intent is still there with the caller's
// token. The UPDATE (a no-op) rather than a SELECT takes the row's lock
// where writers do not queue behind one lock, so the token cannot change
// before the transaction ends.
func holdLease(ctx context.Context, tx *txn, in *dbplane.Intent) error {
	ok, err := updatedOne(tx.ExecContext(ctx, `UPDATE intents SET token = token WHERE id = ? AND token = ?`, in.ID, in.Token))
	if err != nil {
		return err
	}
	if !ok {
		return ErrLeaseLost
	}
	return nil
}

// endLease is holdLease and the intent's deletion in one statement, for a
// transaction that ends with the intent gone: it deletes the intent if it
// still holds the caller's token (taking the row's lock first, as
// holdLease does) and returns ErrLeaseLost otherwise.
func endLease(ctx context.Context, tx *txn, in *dbplane.Intent) error {
	ok, err := updatedOne(tx.ExecContext(ctx, `DELETE FROM intents WHERE id = ? AND token = ?`, in.ID, in.Token))
	if err != nil {
		return err
	}
	if !ok {
		return ErrLeaseLost
	}
	return nil
}

// ClaimIntent takes in over for the caller: its token moves on, so
// whoever held it before is fenced off, and its lease starts now. Unless
// minAge is 0 (the caller is the only worker), only an intent whose lease
// is at least minAge old is taken. It returns ErrLeaseLost when in is
// gone, was claimed by another worker since it was read, or is not old
// enough.
func (db *DB) ClaimIntent(ctx context.Context, in *dbplane.Intent, minAge time.Duration) error {
	now := db.Now()
	cutoff := db.ms(now.Add(-minAge))
	if minAge <= 0 {
		cutoff = math.MaxInt64
	}
	return db.tx(ctx, func(tx *txn) error {
		err := tx.QueryRowContext(ctx, `UPDATE intents SET token = token + 1, leased_at = ? WHERE id = ? AND token = ? AND leased_at <= ? RETURNING token`,
			db.ms(now), in.ID, in.Token, cutoff).Scan(&in.Token)
		if err == sql.ErrNoRows {
			return ErrLeaseLost
		}
		if err != nil {
			return err
		}
		in.LeasedAt = fromMS(db.ms(now))
		return nil
	})
}

// maxClaim bounds the intents one ClaimIntents takes.
const maxClaim = 500

// ClaimIntents takes over, for the caller, the intents whose lease is at
// least minAge old (every intent when minAge is 0, for a worker that is
// alone on its store), oldest first, at most 500 in one call: their
// tokens move on, so whoever held them is fenced off, and their leases
// start now. Rows another transaction is claiming are passed over
// (PostgreSQL: FOR UPDATE SKIP LOCKED), so two claimers never wait on
// each other nor take one intent twice (design/scale-out.md §2.3).
func (db *DB) ClaimIntents(ctx context.Context, minAge time.Duration) ([]*dbplane.Intent, error) {
	now := db.Now()
	cutoff := db.ms(now.Add(-minAge))
	if minAge <= 0 {
		cutoff = math.MaxInt64
	}
	var out []*dbplane.Intent
	err := db.tx(ctx, func(tx *txn) error {
		rows, err := tx.QueryContext(ctx, `UPDATE intents SET token = token + 1, leased_at = ?
			WHERE id IN (SELECT id FROM intents WHERE leased_at <= ? ORDER BY created_at, id LIMIT ?`+db.dialect.skipLocked+`)
			RETURNING `+intentCols, db.ms(now), cutoff, maxClaim)
		if err != nil {
			return err
		}
		out, err = collectIntents(rows)
		return err
	})
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.Before(out[j].CreatedAt)
		}
		return out[i].ID < out[j].ID
	})
	return out, err
}

// BeginRotate records a rotate intent for the account's database. It
// returns ErrDatabaseNotFound, or ErrBusy while another change is in
// flight.
func (db *DB) BeginRotate(ctx context.Context, accountID string, in *dbplane.Intent) (*dbplane.Database, error) {
	var d *dbplane.Database
	err := db.tx(ctx, func(tx *txn) error {
		var err error
		if d, err = findDatabase(ctx, tx, databaseFilter{ID: in.DatabaseID, AccountID: accountID}); err != nil {
			return err
		}
		if err := settled(d); err != nil {
			return err
		}
		in.Kind = dbplane.IntentRotate
		in.HostID, in.DBName, in.DBUser, in.Remote = d.HostID, d.DBName, d.DBUser, d.Remote
		return insertIntent(ctx, tx, in, db.ms(db.Now()))
	})
	return d, err
}

// beginIntent records an intent for an existing database in tx. It returns
// the row, or ErrBusy while another change is in flight.
func (db *DB) beginIntent(ctx context.Context, tx *txn, kind dbplane.IntentKind, in *dbplane.Intent) (*dbplane.Database, error) {
	d, err := findDatabase(ctx, tx, databaseFilter{ID: in.DatabaseID})
	if err != nil {
		return nil, err
	}
	if err := settled(d); err != nil {
		return nil, err
	}
	in.Kind = kind
	in.HostID, in.DBName, in.DBUser, in.Remote = d.HostID, d.DBName, d.DBUser, d.Remote
	return d, insertIntent(ctx, tx, in, db.ms(db.Now()))
}

// settled returns nil when d can take an engine change: ErrBusy while
// another is in flight, ErrDatabaseOrphaned once its host was retired.
func settled(d *dbplane.Database) error {
	switch d.Status {
	case dbplane.StatusCreating, dbplane.StatusDeleting:
		return ErrBusy
	case dbplane.StatusOrphaned:
		return dbplane.ErrDatabaseOrphaned
	}
	return nil
}

// BeginDrop marks a database deleting and records its drop intent. An
// orphaned database (its host retired) is deleted at once, without an
// intent: there is no engine to reach. The row returned then has the
// status StatusOrphaned and nothing is left to do.
func (db *DB) BeginDrop(ctx context.Context, in *dbplane.Intent) (*dbplane.Database, error) {
	var d *dbplane.Database
	err := db.tx(ctx, func(tx *txn) error {
		orphan, err := findDatabase(ctx, tx, databaseFilter{ID: in.DatabaseID})
		if err != nil {
			return err
		}
		if orphan.Status == dbplane.StatusOrphaned {
			d = orphan
			// A change recorded while its host was being retired
			// (AbandonRetired) goes with the row, fenced as RetireHost
			// fences the others: a drop left without its row would read
			// as an undone create's (undoneDrop) and give the host's
			// place back a second time.
			if _, err := tx.ExecContext(ctx, `DELETE FROM intents WHERE database_id = ?`, orphan.ID); err != nil {
				return err
			}
			return deleteDatabaseRow(ctx, tx, orphan.ID)
		}
		if d, err = db.beginIntent(ctx, tx, dbplane.IntentDrop, in); err != nil {
			return err
		}
		// Conditional: a RetireHost that orphaned the row since it was
		// read wins, and this drop is refused.
		ok, err := updatedOne(tx.ExecContext(ctx, `UPDATE databases SET status = ?, updated_at = ? WHERE id = ? AND status = ?`,
			string(dbplane.StatusDeleting), db.ms(db.Now()), d.ID, string(d.Status)))
		if err == nil && !ok {
			return ErrBusy
		}
		return err
	})
	return d, err
}

// CompleteCreate marks the database active and forgets the intent. It
// returns the status the row's flags call for, which is not active when the
// account was suspended or went over quota meanwhile; the caller then
// restricts the database.
func (db *DB) CompleteCreate(ctx context.Context, in *dbplane.Intent) (dbplane.Status, error) {
	desired := dbplane.StatusActive
	err := db.tx(ctx, func(tx *txn) error {
		if err := endLease(ctx, tx, in); err != nil {
			return err
		}
		// The flags DesiredStatus needs come back from the UPDATE itself;
		// only a row that is no longer creating (or gone) is read whole.
		d := dbplane.Database{Status: dbplane.StatusActive}
		var adminDisabled, suspDisabled, overQuota int
		err := tx.QueryRowContext(ctx, `UPDATE databases SET status = ?, updated_at = ? WHERE id = ? AND status = ?
			RETURNING admin_disabled, suspension_disabled, over_quota`,
			string(dbplane.StatusActive), db.ms(db.Now()), in.DatabaseID, string(dbplane.StatusCreating)).Scan(&adminDisabled, &suspDisabled, &overQuota)
		switch {
		case err == nil:
			d.AdminDisabled, d.SuspensionDisabled, d.OverQuota = adminDisabled != 0, suspDisabled != 0, overQuota != 0
			desired = d.DesiredStatus()
		case errors.Is(err, sql.ErrNoRows):
			found, err := findDatabase(ctx, tx, databaseFilter{ID: in.DatabaseID})
			if err == nil {
				desired = found.DesiredStatus()
			} else if !errors.Is(err, dbplane.ErrDatabaseNotFound) {
				return err
			}
		default:
			return err
		}
		return nil
	})
	return desired, err
}

// CompleteRotate stores the new sealed password and forgets the intent.
func (db *DB) CompleteRotate(ctx context.Context, in *dbplane.Intent) error {
	return db.tx(ctx, func(tx *txn) error {
		if err := endLease(ctx, tx, in); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE databases SET sealed_password = ?, updated_at = ? WHERE id = ?`,
			in.SealedPassword, db.ms(db.Now()), in.DatabaseID)
		return err
	})
}

// UndoCreate deletes a database row whose creation failed and turns its
// intent into a drop, so that whatever the engine made is removed even if
// the process dies now (a claim's placeholder too: the drop keeps its
// names). With dropOnEngine false (the names belong to something dbplane
// did not make) the intent is simply deleted, unless the create claimed a
// warm database: then it becomes a drop of the placeholder names alone, so
// the warm database is not left behind. A drop left here keeps the
// create's place on the host (undoneDrop) until it is done.
func (db *DB) UndoCreate(ctx context.Context, in *dbplane.Intent, dropOnEngine bool) error {
	return db.tx(ctx, func(tx *txn) error {
		if err := holdLease(ctx, tx, in); err != nil {
			return err
		}
		if err := deleteDatabaseRow(ctx, tx, in.DatabaseID); err != nil {
			return err
		}
		if !dropOnEngine && in.WarmDB == "" {
			return deleteIntent(ctx, tx, in.ID)
		}
		if !dropOnEngine {
			in.DBName, in.DBUser, in.WarmDB, in.WarmUser = in.WarmDB, in.WarmUser, "", ""
		}
		in.Kind = dbplane.IntentDrop
		if _, err := tx.ExecContext(ctx, `UPDATE intents SET kind = ?, db_name = ?, db_user = ?, warm_db = ?, warm_user = ? WHERE id = ?`,
			string(in.Kind), in.DBName, in.DBUser, in.WarmDB, in.WarmUser, in.ID); err != nil {
			return err
		}
		// The row gave its place on the host back; the drop takes it.
		_, err := tx.ExecContext(ctx, `UPDATE hosts SET database_count = database_count + 1 WHERE id = ?`, in.HostID)
		return err
	})
}

// UndoUnsentCreate deletes the row and the intent of a create of which
// nothing reached the engine (engine.ErrNotSent). A warm database it
// claimed is still there under its placeholder names, as it was made: it
// goes back to the pool, ready, with its place on the host. Only the
// intent's holder gives it back, in the transaction that ends the intent,
// so no two creates ever hold it.
func (db *DB) UndoUnsentCreate(ctx context.Context, in *dbplane.Intent) error {
	now := db.ms(db.Now())
	return db.tx(ctx, func(tx *txn) error {
		if err := endLease(ctx, tx, in); err != nil {
			return err
		}
		if err := deleteDatabaseRow(ctx, tx, in.DatabaseID); err != nil {
			return err
		}
		if in.WarmDB == "" {
			return nil
		}
		// Its id again: the ULID its names were made of (WarmPrefix +
		// the lower-case id).
		id := strings.ToUpper(strings.TrimPrefix(in.WarmDB, dbplane.WarmPrefix))
		if _, err := tx.ExecContext(ctx, `INSERT INTO warm_databases (id, host_id, db_name, db_user, state, created_at, token, leased_at)
			VALUES (?, ?, ?, ?, ?, ?, 0, ?)`, id, in.HostID, in.WarmDB, in.WarmUser, string(WarmReady), now, now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE hosts SET warm_count = warm_count + 1 WHERE id = ?`, in.HostID)
		return err
	})
}

// CompleteDrop forgets a drop intent and its row, or the place on the
// host an undone create's drop held.
func (db *DB) CompleteDrop(ctx context.Context, in *dbplane.Intent) error {
	return db.tx(ctx, func(tx *txn) error {
		if err := holdLease(ctx, tx, in); err != nil {
			return err
		}
		if err := forgetIntent(ctx, tx, in.ID); err != nil {
			return err
		}
		return deleteDatabaseRow(ctx, tx, in.DatabaseID)
	})
}

// AbandonIntent forgets an intent whose engine change never ran (for
// example a rotate refused before the engine was touched).
func (db *DB) AbandonIntent(ctx context.Context, in *dbplane.Intent) error {
	return db.tx(ctx, func(tx *txn) error {
		if err := holdLease(ctx, tx, in); err != nil {
			return err
		}
		return forgetIntent(ctx, tx, in.ID)
	})
}

// NoteIntentFailure counts a failed attempt, keeps its (scrubbed) error and
// gives the lease back, so the next pass of any worker may claim the intent
// at once.
func (db *DB) NoteIntentFailure(ctx context.Context, in *dbplane.Intent, msg string) error {
	return db.tx(ctx, func(tx *txn) error {
		ok, err := updatedOne(tx.ExecContext(ctx, `UPDATE intents SET attempts = attempts + 1, last_error = ?, leased_at = 0 WHERE id = ? AND token = ?`,
			msg, in.ID, in.Token))
		if err == nil && !ok {
			return ErrLeaseLost
		}
		return err
	})
}

func deleteIntent(ctx context.Context, tx *txn, id string) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM intents WHERE id = ?`, id)
	return err
}

// undoneDrop matches, in intents, the drop of an undone create
// (UndoCreate): its row is gone, and it holds the create's place on its
// host (hosts.database_count) until it is done or abandoned, so that what
// the create may have left on the engine counts against max_databases.
// Every other intent's database still has its row, which holds the place.
const undoneDrop = `intents.kind = 'drop' AND NOT EXISTS (SELECT 1 FROM databases d WHERE d.id = intents.database_id)`

// forgetIntent deletes an intent, and gives back the place on the host
// it held if it is an undone create's drop. Call it before the intent's
// row is deleted.
func forgetIntent(ctx context.Context, tx *txn, id string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE hosts SET database_count = database_count - 1
		WHERE id = (SELECT intents.host_id FROM intents WHERE intents.id = ? AND `+undoneDrop+`)`, id); err != nil {
		return err
	}
	return deleteIntent(ctx, tx, id)
}

const intentCols = `id, kind, database_id, host_id, db_name, db_user, remote, sealed_password, attempts, last_error, created_at,
	token, leased_at, warm_db, warm_user`

// DatabaseIntent returns the intent in flight for a database, or nil when
// there is none.
func (db *DB) DatabaseIntent(ctx context.Context, databaseID string) (*dbplane.Intent, error) {
	rows, err := db.readRows(ctx, `SELECT `+intentCols+` FROM intents WHERE database_id = ?`, databaseID)
	if err != nil {
		return nil, err
	}
	l, err := collectIntents(rows)
	if err != nil || len(l) == 0 {
		return nil, err
	}
	return l[0], nil
}

// Intents returns every intent in flight, oldest first.
func (db *DB) Intents(ctx context.Context) ([]*dbplane.Intent, error) {
	rows, err := db.readRows(ctx, `SELECT `+intentCols+` FROM intents ORDER BY created_at, id`)
	if err != nil {
		return nil, err
	}
	return collectIntents(rows)
}

func collectIntents(rows *sql.Rows) ([]*dbplane.Intent, error) {
	defer rows.Close()
	var out []*dbplane.Intent
	for rows.Next() {
		var in dbplane.Intent
		var created, leased int64
		if err := rows.Scan(&in.ID, &in.Kind, &in.DatabaseID, &in.HostID, &in.DBName, &in.DBUser, &in.Remote, &in.SealedPassword,
			&in.Attempts, &in.LastError, &created, &in.Token, &leased, &in.WarmDB, &in.WarmUser); err != nil {
			return nil, err
		}
		in.CreatedAt, in.LeasedAt = fromMS(created), fromMS(leased)
		out = append(out, &in)
	}
	return out, rows.Err()
}
