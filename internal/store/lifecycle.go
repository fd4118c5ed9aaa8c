package store

import (
	"context"
	"database/sql"

	"github.com/dbplane/dbplane"
)

// The ends of lives (issue 10): a dead host retired, an account deleted.

// errAccountDeleting refuses a new database for an account being deleted
// and its unsuspend (UpdateAccount): the delete closed every way in.
var errAccountDeleting = dbplane.Errorf(dbplane.CodeConflict, "The account is being deleted")

// orphanRows marks the databases on hostID orphaned (only the one with id
// dbID when it is not "") and gives back what each counted against its
// account and server: an orphan no longer uses a slot, storage or a
// server's place. It still counts on its host until its row is deleted
// (deleteDatabaseRow), so the host cannot be deleted before its orphans.
func orphanRows(ctx context.Context, tx *txn, hostID, dbID string, now int64) error {
	q, args := `SELECT id FROM databases WHERE host_id = ? AND status <> 'orphaned'`, []any{hostID}
	if dbID != "" {
		q, args = q+` AND id = ?`, append(args, dbID)
	}
	ids, err := collectStrings(tx.QueryContext(ctx, q, args...))
	if err != nil {
		return err
	}
	for _, id := range ids {
		var accountID string
		var serverID sql.NullString
		var size int64
		err := tx.QueryRowContext(ctx, `UPDATE databases SET status = 'orphaned', updated_at = ? WHERE id = ? AND status <> 'orphaned'
			RETURNING account_id, server_id, size_bytes`, now, id).Scan(&accountID, &serverID, &size)
		if err == sql.ErrNoRows {
			continue // orphaned meanwhile: given back once already
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET database_count = database_count - 1, used_bytes = used_bytes - ? WHERE id = ?`,
			size, accountID); err != nil {
			return err
		}
		if serverID.Valid {
			if _, err := tx.ExecContext(ctx, `UPDATE servers SET database_count = database_count - 1 WHERE id = ?`, serverID.String); err != nil {
				return err
			}
		}
	}
	return nil
}

// RetireHost marks the host retired and disabled, orphans its databases,
// deletes the engine changes pending on it and turns its warm pool off
// (its warm databases stay recorded, fenced: retireWarm), in one
// transaction, and returns those changes (Abandoned of the orphan report). Deleting an
// intent fences whoever held it: its next store write returns
// ErrLeaseLost, so a request still talking to the dead host cannot undo
// the retirement. Retiring a retired host again changes nothing and
// returns no intents. CodeNotFound.
func (db *DB) RetireHost(ctx context.Context, id string) (*dbplane.Host, []*dbplane.Intent, error) {
	var h *dbplane.Host
	var abandoned []*dbplane.Intent
	now := db.ms(db.Now())
	err := db.txAlone(ctx, func(tx *txn) error {
		where, arg := hostWhere(id)
		var err error
		if h, err = scanHost(tx.QueryRowContext(ctx, `SELECT `+hostCols+` FROM hosts h WHERE `+where, arg)); err != nil {
			return translate(err, errHostNotFound, nil)
		}
		// The host's row lock first: a create reserving a place on it
		// (reserveHost) either commits before, and is orphaned here, or
		// finds it retired.
		if _, err := tx.ExecContext(ctx, `UPDATE hosts SET retired_at = COALESCE(retired_at, ?), enabled = 0, updated_at = ? WHERE id = ?`,
			now, now, h.ID); err != nil {
			return err
		}
		// The undone creates' drops give their places back as they go.
		if _, err := tx.ExecContext(ctx, `UPDATE hosts SET database_count = database_count -
			(SELECT COUNT(*) FROM intents WHERE intents.host_id = hosts.id AND `+undoneDrop+`) WHERE id = ?`, h.ID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `DELETE FROM intents WHERE host_id = ? RETURNING `+intentCols, h.ID)
		if err != nil {
			return err
		}
		if abandoned, err = collectIntents(rows); err != nil {
			return err
		}
		// Its warm databases stay recorded, for the orphan report: they
		// are on the host, and nothing may reach it again to drop them.
		if err := retireWarm(ctx, tx, h.ID, now); err != nil {
			return err
		}
		return orphanRows(ctx, tx, h.ID, "", now)
	})
	if err != nil {
		return nil, nil, err
	}
	for _, in := range abandoned {
		in.SealedPassword, in.Token = nil, 0
	}
	h, err = db.Host(ctx, h.ID)
	return h, abandoned, err
}

// Orphans returns the orphaned databases on the host, by numeric id.
func (db *DB) Orphans(ctx context.Context, hostID string) ([]*dbplane.Database, error) {
	return findDatabases(ctx, readQuerier{db}, databaseFilter{HostID: hostID, Status: dbplane.StatusOrphaned})
}

// AbandonRetired forgets an intent found on a retired host (one recorded
// while the host was being retired): it deletes the intent and orphans its
// database, if the row is still there, as RetireHost would have.
func (db *DB) AbandonRetired(ctx context.Context, in *dbplane.Intent) error {
	return db.tx(ctx, func(tx *txn) error {
		if err := holdLease(ctx, tx, in); err != nil {
			return err
		}
		if err := forgetIntent(ctx, tx, in.ID); err != nil {
			return err
		}
		return orphanRows(ctx, tx, in.HostID, in.DatabaseID, db.ms(db.Now()))
	})
}

// AccountDelete is what BeginAccountDelete found.
type AccountDelete struct {
	// Deleted is true when the account owned nothing and is gone.
	Deleted bool
	// Servers and Databases are what the account owns (databases of its
	// servers included).
	Servers, Databases int
}

// ownedWhere matches the databases a deleted account takes with it: its
// own and those on the servers it owns.
const ownedWhere = `(d.account_id = ? OR d.server_id IN (SELECT s.id FROM servers s WHERE s.owner_id = ?))`

// BeginAccountDelete starts deleting an account. It refuses the init
// admin account (the oldest admin, ErrInitAdmin) and the last admin
// (ErrLastAdminDelete). An account that owns nothing is deleted at once,
// with its keys, sessions, set-password links and subuser links (foreign
// keys). Otherwise, without cascade, it returns CodeConflict with the
// counts; with cascade it marks the account deleting and suspended (no
// new database can be made for it) and deletes its keys, sessions, links
// and subuser links (its own and its servers'), all in one transaction:
// from then on nothing reaches the account's databases but their drops.
func (db *DB) BeginAccountDelete(ctx context.Context, id string, cascade bool) (*AccountDelete, error) {
	out := &AccountDelete{}
	now := db.ms(db.Now())
	err := db.txAlone(ctx, func(tx *txn) error {
		ok, err := updatedOne(tx.ExecContext(ctx, `UPDATE accounts SET updated_at = ? WHERE id = ?`, now, id))
		if err != nil {
			return err
		}
		if !ok {
			return errAccountNotFound
		}
		var role string
		if err := tx.QueryRowContext(ctx, `SELECT role FROM accounts WHERE id = ?`, id).Scan(&role); err != nil {
			return err
		}
		if dbplane.Role(role) == dbplane.RoleAdmin {
			var first string
			if err := tx.QueryRowContext(ctx, `SELECT id FROM accounts WHERE role = ? ORDER BY created_at, numeric_id LIMIT 1`,
				string(dbplane.RoleAdmin)).Scan(&first); err != nil {
				return err
			}
			if first == id {
				return dbplane.ErrInitAdmin
			}
			var others int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM accounts WHERE role = ? AND id <> ? AND deleting_at IS NULL`,
				string(dbplane.RoleAdmin), id).Scan(&others); err != nil {
				return err
			}
			if others == 0 {
				return dbplane.ErrLastAdminDelete
			}
		}
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM servers WHERE owner_id = ?),
			(SELECT COUNT(*) FROM databases d WHERE `+ownedWhere+`)`, id, id, id).Scan(&out.Servers, &out.Databases); err != nil {
			return err
		}
		if out.Servers == 0 && out.Databases == 0 {
			out.Deleted = true
			return deleteAccountRow(ctx, tx, id)
		}
		if !cascade {
			return dbplane.Errorf(dbplane.CodeConflict,
				"The account owns %d server(s) and %d database(s); delete them first, or delete the account with cascade=true", out.Servers, out.Databases)
		}
		for _, st := range []struct {
			q    string
			args []any
		}{
			{`UPDATE accounts SET deleting_at = COALESCE(deleting_at, ?), suspended = 1 WHERE id = ?`, []any{now, id}},
			{`DELETE FROM api_keys WHERE account_id = ?`, []any{id}},
			{`DELETE FROM sessions WHERE account_id = ?`, []any{id}},
			{`DELETE FROM password_links WHERE account_id = ?`, []any{id}},
			{`DELETE FROM subusers WHERE account_id = ? OR server_id IN (SELECT id FROM servers WHERE owner_id = ?)`, []any{id, id}},
		} {
			if _, err := tx.ExecContext(ctx, st.q, st.args...); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// deleteAccountRow deletes an account that owns nothing; its keys,
// sessions, links and subuser links go with it (ON DELETE CASCADE), its
// name counters by hand (no foreign key).
func deleteAccountRow(ctx context.Context, tx *txn, id string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM name_counters WHERE account_id = ?`, id); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM accounts WHERE id = ?`, id)
	return err
}

// OwnedDatabases returns what a deleted account takes with it: its
// databases and those on the servers it owns, by numeric id.
func (db *DB) OwnedDatabases(ctx context.Context, accountID string) ([]*dbplane.Database, error) {
	return collectDatabases(db.readRows(ctx, `SELECT `+databaseCols+` FROM databases d WHERE `+ownedWhere+` ORDER BY d.numeric_id`,
		accountID, accountID))
}

// DeletingAccounts returns the ids of the accounts whose cascading delete
// has not finished.
func (db *DB) DeletingAccounts(ctx context.Context) ([]string, error) {
	return collectStrings(db.readRows(ctx, `SELECT id FROM accounts WHERE deleting_at IS NOT NULL ORDER BY deleting_at, id`))
}

// FinishAccountDelete deletes a deleting account, with its servers, once
// no database of it (or of its servers) is left; it reports whether it
// did. An account already gone reports true.
func (db *DB) FinishAccountDelete(ctx context.Context, id string) (bool, error) {
	done := false
	err := db.tx(ctx, func(tx *txn) error {
		ok, err := updatedOne(tx.ExecContext(ctx, `UPDATE accounts SET updated_at = updated_at WHERE id = ? AND deleting_at IS NOT NULL`, id))
		if err != nil {
			return err
		}
		if !ok {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM accounts WHERE id = ?`, id).Scan(&n); err != nil {
				return err
			}
			done = n == 0
			return nil
		}
		var left int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM databases d WHERE `+ownedWhere, id, id).Scan(&left); err != nil {
			return err
		}
		if left > 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM servers WHERE owner_id = ?`, id); err != nil {
			return err
		}
		done = true
		return deleteAccountRow(ctx, tx, id)
	})
	return done, err
}
