package store

import (
	"context"
	"time"

	"github.com/dbplane/dbplane"
)

var errSessionNotFound = dbplane.Errorf(dbplane.CodeNotFound, "Session not found")

const sessionCols = `s.id, s.account_id, s.created_at, s.last_seen_at, s.expires_at, s.ip, s.user_agent`

func scanSession(row scanner, extra ...any) (*dbplane.Session, error) {
	var s dbplane.Session
	var created, seen, expires int64
	dst := append([]any{&s.ID, &s.AccountID, &created, &seen, &expires, &s.IP, &s.UserAgent}, extra...)
	if err := row.Scan(dst...); err != nil {
		return nil, err
	}
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt = fromMS(created), fromMS(seen), fromMS(expires)
	return &s, nil
}

// AccountPassword returns the account id and password hash ("" when none
// is set) of the account with email, or CodeNotFound.
func (db *DB) AccountPassword(ctx context.Context, email string) (id, hash string, err error) {
	err = db.readRow(ctx, `SELECT id, password_hash FROM accounts WHERE email = ?`, email).Scan(&id, &hash)
	return id, hash, translate(err, errAccountNotFound, nil)
}

// AccountPasswordByID returns the password hash of an account ("" when
// none is set), or CodeNotFound.
func (db *DB) AccountPasswordByID(ctx context.Context, id string) (string, error) {
	var hash string
	err := db.readRow(ctx, `SELECT password_hash FROM accounts WHERE id = ?`, id).Scan(&hash)
	return hash, translate(err, errAccountNotFound, nil)
}

// SetAccountPassword stores a password hash and ends every session of the
// account but keep ("" ends them all), in one transaction.
func (db *DB) SetAccountPassword(ctx context.Context, id, hash, keep string) error {
	return db.tx(ctx, func(tx *txn) error {
		return setPassword(ctx, tx, db.ms(db.Now()), id, hash, keep)
	})
}

func setPassword(ctx context.Context, tx *txn, now int64, id, hash, keep string) error {
	res, err := tx.ExecContext(ctx, `UPDATE accounts SET password_hash = ?, updated_at = ? WHERE id = ?`, hash, now, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errAccountNotFound
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE account_id = ? AND id != ?`, id, keep); err != nil {
		return err
	}
	// A link handed out before stops working: the password it would set
	// has been chosen.
	_, err = tx.ExecContext(ctx, `DELETE FROM password_links WHERE account_id = ?`, id)
	return err
}

// CreateSession inserts a session with the hash of its token.
func (db *DB) CreateSession(ctx context.Context, s *dbplane.Session, hash []byte) error {
	return db.tx(ctx, func(tx *txn) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (id, hash, account_id, created_at, last_seen_at, expires_at, ip, user_agent)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			s.ID, hash, s.AccountID, db.ms(s.CreatedAt), db.ms(s.LastSeenAt), db.ms(s.ExpiresAt), s.IP, s.UserAgent)
		return translate(err, nil, nil)
	})
}

// SessionByHash returns the session with a token hash and its account, or
// CodeNotFound.
func (db *DB) SessionByHash(ctx context.Context, hash []byte) (*dbplane.Session, *dbplane.Account, error) {
	row := db.readRow(ctx, `SELECT `+sessionCols+` FROM sessions s WHERE s.hash = ?`, hash)
	s, err := scanSession(row)
	if err != nil {
		return nil, nil, translate(err, errSessionNotFound, nil)
	}
	a, err := db.Account(ctx, s.AccountID)
	if err != nil {
		return nil, nil, err
	}
	return s, a, nil
}

// TouchSession records a session's last use.
func (db *DB) TouchSession(ctx context.Context, id string, at time.Time) error {
	return db.tx(ctx, func(tx *txn) error {
		_, err := tx.ExecContext(ctx, `UPDATE sessions SET last_seen_at = ? WHERE id = ?`, db.ms(at), id)
		return err
	})
}

// DeleteSessionByHash ends the session of a token hash, if any.
func (db *DB) DeleteSessionByHash(ctx context.Context, hash []byte) error {
	return db.tx(ctx, func(tx *txn) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE hash = ?`, hash)
		return err
	})
}

// DeleteSession ends one of the account's sessions, or CodeNotFound.
func (db *DB) DeleteSession(ctx context.Context, accountID, id string) error {
	return db.tx(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = ? AND account_id = ?`, id, accountID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errSessionNotFound
		}
		return nil
	})
}

// ListSessions returns the account's sessions that neither expired nor
// were idle since idleSince, newest first.
func (db *DB) ListSessions(ctx context.Context, accountID string, now, idleSince time.Time) ([]*dbplane.Session, error) {
	rows, err := db.readRows(ctx, `SELECT `+sessionCols+` FROM sessions s
		WHERE s.account_id = ? AND s.expires_at > ? AND s.last_seen_at > ? ORDER BY s.created_at DESC, s.id`,
		accountID, db.ms(now), db.ms(idleSince))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*dbplane.Session
	for rows.Next() {
		s, err := scanSession(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// DeleteStaleSessions removes sessions that expired or were idle since
// idleSince, and spent or expired set-password links.
func (db *DB) DeleteStaleSessions(ctx context.Context, now, idleSince time.Time) (int64, error) {
	var n int64
	err := db.tx(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?`, db.ms(now), db.ms(idleSince))
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		_, err = tx.ExecContext(ctx, `DELETE FROM password_links WHERE expires_at <= ?`, db.ms(now))
		return err
	})
	return n, err
}

// CreatePasswordLink stores the hash of a one-time set-password token.
// Older links of the account stop working.
func (db *DB) CreatePasswordLink(ctx context.Context, accountID string, hash []byte, expires time.Time) error {
	return db.tx(ctx, func(tx *txn) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM accounts WHERE id = ?`, accountID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return errAccountNotFound
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM password_links WHERE account_id = ?`, accountID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO password_links (hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			hash, accountID, db.ms(db.Now()), db.ms(expires))
		return err
	})
}

// PasswordLinkValid reports whether a link of this token hash exists and
// has not expired.
func (db *DB) PasswordLinkValid(ctx context.Context, hash []byte) (bool, error) {
	var n int
	err := db.readRow(ctx, `SELECT COUNT(*) FROM password_links WHERE hash = ? AND expires_at > ?`, hash, db.ms(db.Now())).Scan(&n)
	return n > 0, err
}

// UsePasswordLink spends the link of a token hash and sets the password of
// its account in one transaction, ending every session of the account. It
// returns the account id, or CodeNotFound when the link is unknown, spent
// or expired.
func (db *DB) UsePasswordLink(ctx context.Context, linkHash []byte, passwordHash string) (string, error) {
	var accountID string
	err := db.tx(ctx, func(tx *txn) error {
		now := db.ms(db.Now())
		err := tx.QueryRowContext(ctx, `DELETE FROM password_links WHERE hash = ? AND expires_at > ? RETURNING account_id`, linkHash, now).Scan(&accountID)
		if err != nil {
			return translate(err, errLinkNotFound, nil)
		}
		return setPassword(ctx, tx, now, accountID, passwordHash, "")
	})
	return accountID, err
}

var errLinkNotFound = dbplane.Errorf(dbplane.CodeNotFound, "Link not found")
