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
// is enabled, not retired, and has room, and returns it; ErrHostFull when
// none has.
func reserveHost(ctx context.Context, tx *txn, candidates []string) (string, error) {
	for _, id := range candidates {
		ok, err := updatedOne(tx.ExecContext(ctx, `UPDATE hosts SET database_count = database_count + 1
			WHERE id = ? AND enabled = 1 AND retired_at IS NULL AND (max_databases IS NULL OR database_count < max_databases)`, id))
		if err != nil {
			return "", err
		}
		if ok {
			return id, nil
		}
	}
	return "", dbplane.ErrHostFull
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
