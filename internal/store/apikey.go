package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/dbplane/dbplane"
)

var errKeyNotFound = dbplane.Errorf(dbplane.CodeNotFound, "API key not found")

const keyCols = `k.id, k.account_id, k.kind, k.name, k.prefix, k.hash, k.permissions, k.disabled, k.disabled_by_suspension, k.expires_at, k.created_at, k.last_used_at`

func scanKey(row scanner, extra ...any) (*dbplane.APIKey, error) {
	var k dbplane.APIKey
	var perms string
	var disabled, bySusp int
	var expires, lastUsed sql.NullInt64
	var created int64
	dst := append([]any{&k.ID, &k.AccountID, &k.Kind, &k.Name, &k.Prefix, &k.Hash, &perms, &disabled, &bySusp, &expires, &created, &lastUsed}, extra...)
	if err := row.Scan(dst...); err != nil {
		return nil, err
	}
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
		_, err := tx.ExecContext(ctx, `INSERT INTO api_keys (id, account_id, kind, name, prefix, hash, permissions, disabled, expires_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			k.ID, k.AccountID, string(k.Kind), k.Name, k.Prefix, k.Hash, joinPerms(k.Permissions), boolInt(k.Disabled), nullMS(k.ExpiresAt), db.ms(now))
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

// SetKeyDisabled disables or enables one of the account's keys. An explicit
// change clears the mark left by a suspension.
func (db *DB) SetKeyDisabled(ctx context.Context, accountID, keyID string, disabled bool) (*dbplane.APIKey, error) {
	var k *dbplane.APIKey
	err := db.tx(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_keys SET disabled = ?, disabled_by_suspension = 0 WHERE id = ? AND account_id = ?`,
			boolInt(disabled), keyID, accountID)
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

// DeleteKey removes a key, or returns CodeNotFound.
func (db *DB) DeleteKey(ctx context.Context, keyID string) error {
	return db.tx(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM api_keys WHERE id = ?`, keyID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errKeyNotFound
		}
		return nil
	})
}

// TouchKey records when a key was last used.
func (db *DB) TouchKey(ctx context.Context, keyID string, at time.Time) error {
	return db.tx(ctx, func(tx *txn) error {
		_, err := tx.ExecContext(ctx, `UPDATE api_keys SET last_used_at = ? WHERE id = ?`, db.ms(at), keyID)
		return err
	})
}
