package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/dbplane/dbplane"
)

var errKeyNotFound = dbplane.Errorf(dbplane.CodeNotFound, "API key not found")

const keyCols = `k.id, k.account_id, k.kind, k.name, k.prefix, k.hash, k.permissions, k.disabled, k.disabled_by_suspension, k.disabled_by_operator, k.allowed_ips, k.expires_at, k.created_at, k.last_used_at`

func scanKey(row scanner, extra ...any) (*dbplane.APIKey, error) {
	var k dbplane.APIKey
	var perms, ips string
	var disabled, bySusp, byOp int
	var expires, lastUsed sql.NullInt64
	var created int64
	dst := append([]any{&k.ID, &k.AccountID, &k.Kind, &k.Name, &k.Prefix, &k.Hash, &perms, &disabled, &bySusp, &byOp, &ips, &expires, &created, &lastUsed}, extra...)
	if err := row.Scan(dst...); err != nil {
		return nil, err
	}
	if ips != "" {
		for _, s := range strings.Split(ips, ",") {
			p, err := netip.ParsePrefix(s)
			if err != nil {
				// Only canonical prefixes are written; a row that holds
				// something else must not open the key to anywhere.
				return nil, fmt.Errorf("key %s: stored allowed range %q: %w", k.ID, s, err)
			}
			k.AllowedIPs = append(k.AllowedIPs, p)
		}
	}
	k.DisabledByOperator = byOp != 0
	if perms != "" {
		for _, p := range strings.Split(perms, ",") {
			k.Permissions = append(k.Permissions, dbplane.Permission(p))
		}
	}
	k.Disabled, k.DisabledBySuspension = disabled != 0, bySusp != 0
	k.ExpiresAt, k.LastUsedAt = fromNullMS(expires), fromNullMS(lastUsed)
	k.CreatedAt = fromMS(created)
	return &k, nil
}

func joinPrefixes(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ",")
}

func joinPerms(ps []dbplane.Permission) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = string(p)
	}
	return strings.Join(s, ",")
}

// CreateKey inserts k. The account must exist (CodeNotFound otherwise).
func (db *DB) CreateKey(ctx context.Context, k *dbplane.APIKey) error {
	now := db.Now()
	k.CreatedAt = now.UTC().Truncate(1e6)
	return db.tx(ctx, func(tx *txn) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM accounts WHERE id = ?`, k.AccountID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return errAccountNotFound
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO api_keys (id, account_id, kind, name, prefix, hash, permissions, allowed_ips, disabled, expires_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			k.ID, k.AccountID, string(k.Kind), k.Name, k.Prefix, k.Hash, joinPerms(k.Permissions), joinPrefixes(k.AllowedIPs), boolInt(k.Disabled), nullMS(k.ExpiresAt), db.ms(now))
		return err
	})
}

// KeyByHash returns the key with that hash and its account, or CodeNotFound.
func (db *DB) KeyByHash(ctx context.Context, hash []byte) (*dbplane.APIKey, *dbplane.Account, error) {
	row := db.readRow(ctx, `SELECT `+keyCols+`, a.id, a.email, a.name, a.role, a.suspended
		FROM api_keys k JOIN accounts a ON a.id = k.account_id WHERE k.hash = ?`, hash)
	var a dbplane.Account
	var suspended int
	k, err := scanKey(row, &a.ID, &a.Email, &a.Name, &a.Role, &suspended)
	if err != nil {
		return nil, nil, translate(err, errKeyNotFound, nil)
	}
	a.Suspended = suspended != 0
	return k, &a, nil
}

// ListKeys returns an account's keys, oldest first.
func (db *DB) ListKeys(ctx context.Context, accountID string) ([]*dbplane.APIKey, error) {
	return collectKeys(db.readRows(ctx, `SELECT `+keyCols+` FROM api_keys k WHERE k.account_id = ? ORDER BY k.created_at, k.id`, accountID))
}

func collectKeys(rows *sql.Rows, err error) ([]*dbplane.APIKey, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*dbplane.APIKey
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// KeyDisabler says who disables or enables a key (SetKeyDisabled).
type KeyDisabler int

// Who changes a key's disabled flag.
const (
	// ByOperator: a disable marks the key disabled_by_operator, an enable
	// clears the mark.
	ByOperator KeyDisabler = iota
	// ByOwner: the key's account. It may not enable a key an operator
	// disabled (dbplane.ErrKeyDisabledByOperator).
	ByOwner
)

// SetKeyDisabled disables or enables one of the account's keys. An explicit
// change clears the mark left by a suspension. The check of the operator's
// mark and the write are one statement, so an operator's disable racing an
// owner's enable cannot leave the key enabled.
func (db *DB) SetKeyDisabled(ctx context.Context, accountID, keyID string, disabled bool, by KeyDisabler) (*dbplane.APIKey, error) {
	q := `UPDATE api_keys SET disabled = ?, disabled_by_suspension = 0, disabled_by_operator = ? WHERE id = ? AND account_id = ?`
	args := []any{boolInt(disabled), boolInt(disabled), keyID, accountID}
	if by == ByOwner {
		// An owner's disable keeps an operator's mark; its enable is
		// refused while the mark is there.
		q = `UPDATE api_keys SET disabled = ?, disabled_by_suspension = 0 WHERE id = ? AND account_id = ?`
		args = []any{boolInt(disabled), keyID, accountID}
		if !disabled {
			q += ` AND disabled_by_operator = 0`
		}
	}
	var k *dbplane.APIKey
	err := db.tx(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return err
		}
		k, err = scanKey(tx.QueryRowContext(ctx, `SELECT `+keyCols+` FROM api_keys k WHERE k.id = ? AND k.account_id = ?`, keyID, accountID))
		if err != nil {
			return translate(err, errKeyNotFound, nil)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return dbplane.ErrKeyDisabledByOperator // the key is there: the mark held the enable back
		}
		return nil
	})
	return k, err
}

// SetKeyAllowedIPs replaces the ranges one of the account's keys may be
// used from.
func (db *DB) SetKeyAllowedIPs(ctx context.Context, accountID, keyID string, ips []netip.Prefix) (*dbplane.APIKey, error) {
	var k *dbplane.APIKey
	err := db.tx(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_keys SET allowed_ips = ? WHERE id = ? AND account_id = ?`, joinPrefixes(ips), keyID, accountID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errKeyNotFound
		}
		k, err = scanKey(tx.QueryRowContext(ctx, `SELECT `+keyCols+` FROM api_keys k WHERE k.id = ?`, keyID))
		return err
	})
	return k, err
}

// CountKeys returns how many keys exist; init uses it to refuse a second run.
func (db *DB) CountKeys(ctx context.Context) (int, error) {
	var n int
	err := db.readRow(ctx, `SELECT COUNT(*) FROM api_keys`).Scan(&n)
	return n, err
}

// ListKeysOfKind returns every key of a kind, oldest first.
func (db *DB) ListKeysOfKind(ctx context.Context, kind dbplane.KeyKind) ([]*dbplane.APIKey, error) {
	return collectKeys(db.readRows(ctx, `SELECT `+keyCols+` FROM api_keys k WHERE k.kind = ? ORDER BY k.created_at, k.id`, string(kind)))
}

// DeleteOwnKey removes one of the account's keys for its owner: CodeNotFound
// when the key is not the account's, dbplane.ErrKeyDisabledByOperator when
// an operator disabled it. The check of the operator's mark and the delete
// are one statement, so an operator's disable racing the owner's delete
// cannot lose the key (as in SetKeyDisabled).
func (db *DB) DeleteOwnKey(ctx context.Context, accountID, keyID string) error {
	return db.tx(ctx, func(tx *txn) error {
		ok, err := updatedOne(tx.ExecContext(ctx, `DELETE FROM api_keys WHERE id = ? AND account_id = ? AND disabled_by_operator = 0`, keyID, accountID))
		if err != nil || ok {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM api_keys WHERE id = ? AND account_id = ?`, keyID, accountID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return errKeyNotFound
		}
		return dbplane.ErrKeyDisabledByOperator // the key is there: the mark held the delete back
	})
}

// DeleteKey removes a key, or returns CodeNotFound.
func (db *DB) DeleteKey(ctx context.Context, keyID string) error {
	return db.deleteKey(ctx, `DELETE FROM api_keys WHERE id = ?`, keyID)
}

// DeleteAccountKey removes one of the account's keys, of either kind, for
// an operator: CodeNotFound when the key is not the account's (or there is
// no such key), so a foreign id reads as missing. The ownership check is
// the statement's own WHERE, not an earlier read.
func (db *DB) DeleteAccountKey(ctx context.Context, accountID, keyID string) error {
	return db.deleteKey(ctx, `DELETE FROM api_keys WHERE id = ? AND account_id = ?`, keyID, accountID)
}

// deleteKey runs q, a DELETE of at most one key, and returns CodeNotFound
// when it deleted none.
func (db *DB) deleteKey(ctx context.Context, q string, args ...any) error {
	return db.tx(ctx, func(tx *txn) error {
		ok, err := updatedOne(tx.ExecContext(ctx, q, args...))
		if err != nil {
			return err
		}
		if !ok {
			return errKeyNotFound
		}
		return nil
	})
}

// TouchKey records when a key was last used.
func (db *DB) TouchKey(ctx context.Context, keyID string, at time.Time) error {
	return db.tx(ctx, func(tx *txn) error {
		tx.logOnly()
		_, err := tx.ExecContext(ctx, `UPDATE api_keys SET last_used_at = ? WHERE id = ?`, db.ms(at), keyID)
		return err
	})
}
