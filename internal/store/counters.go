package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/dbplane/dbplane"
)

// The counters of migration 0006: database_count on accounts, servers and
// hosts, and the account's used_bytes. A create takes its place with one
// conditional UPDATE per row, the limit in the WHERE, always in the order
// account → server → host (host last: it is the hottest row); the delete of
// a databases row gives the places back in the same transaction. So no
// query of a create grows with the store, and the check is exact even where
// writers do not queue behind one lock (design/scale-out.md §2.2).

// reserveAccount counts a new database against the account. It returns
// errAccountNotFound, errAccountDeleting, ErrAccountSuspended,
// ErrOutOfSlots or ErrOutOfStorage.
func reserveAccount(ctx context.Context, tx *txn, accountID string) error {
	for range 3 {
		ok, err := updatedOne(tx.ExecContext(ctx, `UPDATE accounts SET database_count = database_count + 1
			WHERE id = ? AND suspended = 0 AND deleting_at IS NULL AND (slots IS NULL OR database_count < slots)
			AND (storage_bytes IS NULL OR used_bytes < storage_bytes)`, accountID))
		if err != nil || ok {
			return err
		}
		// No row matched: one read says why.
		var slots, storage, deleting sql.NullInt64
		var suspended int
		var count, used int64
		err = tx.QueryRowContext(ctx, `SELECT slots, storage_bytes, suspended, database_count, used_bytes, deleting_at FROM accounts WHERE id = ?`,
			accountID).Scan(&slots, &storage, &suspended, &count, &used, &deleting)
		switch {
		case err != nil:
			return translate(err, errAccountNotFound, nil)
		case deleting.Valid:
			return errAccountDeleting
		case suspended != 0:
			return dbplane.ErrAccountSuspended
		case slots.Valid && count >= slots.Int64:
			return dbplane.ErrOutOfSlots
		case storage.Valid && used >= storage.Int64:
			return dbplane.ErrOutOfStorage
		}
		// A concurrent delete made room between the two statements (not
		// possible under SQLite's single writer): try again.
	}
	return fmt.Errorf("reserve a slot of account %s: the account keeps changing", accountID)
}

// reserveServer counts a new database against the server's databaseLimit.
// It returns errServerNotFound or ErrServerLimit.
func reserveServer(ctx context.Context, tx *txn, serverID string) error {
	for range 3 {
		ok, err := updatedOne(tx.ExecContext(ctx, `UPDATE servers SET database_count = database_count + 1
			WHERE id = ? AND (database_limit IS NULL OR database_count < database_limit)`, serverID))
		if err != nil || ok {
			return err
		}
		var limit sql.NullInt64
		var count int64
		err = tx.QueryRowContext(ctx, `SELECT database_limit, database_count FROM servers WHERE id = ?`, serverID).Scan(&limit, &count)
		switch {
		case err != nil:
			return translate(err, errServerNotFound, nil)
		case limit.Valid && count >= limit.Int64:
			return dbplane.ErrServerLimit
		}
	}
	return fmt.Errorf("reserve a place on server %s: the server keeps changing", serverID)
}

// reserveHost counts a new database against the first candidate host that
// is enabled, not retired, and has room (its databases and its warm
// databases together under max_databases), and returns it; ErrHostFull
// when none has. On a candidate in warm, a ready warm database is claimed
// first (claimWarm): it already holds a place on the host, and its
// placeholder names are returned.
func reserveHost(ctx context.Context, tx *txn, candidates []string, warm map[string]bool, skipLocked string) (hostID, warmDB, warmUser string, err error) {
	for _, id := range candidates {
		if warm[id] {
			warmDB, warmUser, err = claimWarm(ctx, tx, id, skipLocked)
			if err != nil {
				return "", "", "", err
			}
			if warmDB != "" {
				return id, warmDB, warmUser, nil
			}
		}
		ok, err := updatedOne(tx.ExecContext(ctx, `UPDATE hosts SET database_count = database_count + 1
			WHERE id = ? AND enabled = 1 AND retired_at IS NULL AND (max_databases IS NULL OR database_count + warm_count < max_databases)`, id))
		if err != nil {
			return "", "", "", err
		}
		if ok {
			return id, "", "", nil
		}
	}
	return "", "", "", dbplane.ErrHostFull
}

// claimWarm takes one ready warm database of the host, if the host is
// enabled, not retired and has one, and returns its placeholder names ("" for
// none). The warm database's place on the host becomes the new database's,
// and its row goes: from now on the create intent holds its names. The
// host's row is locked first, as everywhere else (reserveHost, BeginWarm),
// so claimers of one host take turns; SKIP LOCKED keeps two claimers off
// one row wherever they do not.
func claimWarm(ctx context.Context, tx *txn, hostID, skipLocked string) (dbName, dbUser string, err error) {
	ok, err := updatedOne(tx.ExecContext(ctx, `UPDATE hosts SET warm_count = warm_count - 1, database_count = database_count + 1
		WHERE id = ? AND enabled = 1 AND retired_at IS NULL AND warm_count > 0`, hostID))
	if err != nil || !ok {
		return "", "", err
	}
	err = tx.QueryRowContext(ctx, `DELETE FROM warm_databases WHERE id = (SELECT w.id FROM warm_databases w
		WHERE w.host_id = ? AND w.state = ? ORDER BY w.id LIMIT 1`+skipLocked+`) RETURNING db_name, db_user`,
		hostID, string(WarmReady)).Scan(&dbName, &dbUser)
	if err == sql.ErrNoRows {
		// None ready (all being made or dropped): the place goes back.
		_, err = tx.ExecContext(ctx, `UPDATE hosts SET warm_count = warm_count + 1, database_count = database_count - 1 WHERE id = ?`, hostID)
		return "", "", err
	}
	return dbName, dbUser, err
}

// deleteDatabaseRow deletes a databases row, if it is still there, and
// gives back what it counted in, in the same order as a create takes it.
// An orphaned row counts only against its host (RetireHost gave the rest
// back).
func deleteDatabaseRow(ctx context.Context, tx *txn, id string) error {
	var accountID, hostID, status string
	var serverID sql.NullString
	var size int64
	err := tx.QueryRowContext(ctx, `DELETE FROM databases WHERE id = ? RETURNING account_id, server_id, host_id, size_bytes, status`, id).
		Scan(&accountID, &serverID, &hostID, &size, &status)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return err
	}
	if dbplane.Status(status) == dbplane.StatusOrphaned {
		_, err = tx.ExecContext(ctx, `UPDATE hosts SET database_count = database_count - 1 WHERE id = ?`, hostID)
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
	_, err = tx.ExecContext(ctx, `UPDATE hosts SET database_count = database_count - 1 WHERE id = ?`, hostID)
	return err
}

// refreshUsedBytes sets used_bytes of every account with a database on the
// host to the sum of its databases' sizes (orphans left out, as they are
// from every quota), after the watcher stored new sizes for that host.
func refreshUsedBytes(ctx context.Context, tx *txn, hostID string) error {
	_, err := tx.ExecContext(ctx, `UPDATE accounts SET used_bytes = (SELECT COALESCE(SUM(d.size_bytes), 0) FROM databases d
		WHERE d.account_id = accounts.id AND d.status <> 'orphaned')
		WHERE id IN (SELECT account_id FROM databases WHERE host_id = ?)`, hostID)
	return err
}

// updatedOne reports whether an UPDATE changed exactly one row.
func updatedOne(res sql.Result, err error) (bool, error) {
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
