package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// IdempotencyRow is a kept Idempotency-Key: the fingerprint of the first
// request's body, its response's status (0 while it is in flight) and
// the sealed response.
type IdempotencyRow struct {
	Fingerprint []byte
	Status      int
	Response    []byte
	CreatedAt   time.Time
}

// ClaimIdempotencyKey claims the row id for accountID at now, unless a
// live row holds it. A row created before expired (done or not), or still
// in flight and created before abandoned (its request's process died),
// is replaced. It returns claimed true, or the live row. Several replicas
// may race: the row's primary key lets exactly one claim win.
func (db *DB) ClaimIdempotencyKey(ctx context.Context, id, accountID string, fingerprint []byte, now, expired, abandoned time.Time) (bool, *IdempotencyRow, error) {
	var claimed bool
	var row *IdempotencyRow
	err := db.tx(ctx, func(tx *txn) error {
		claimed, row = false, nil
		if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE id = ? AND (created_at < ? OR (status = 0 AND created_at < ?))`,
			id, db.ms(expired), db.ms(abandoned)); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (id, account_id, fingerprint, status, created_at)
			VALUES (?, ?, ?, 0, ?) ON CONFLICT (id) DO NOTHING`, id, accountID, fingerprint, db.ms(now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			claimed = true
			return nil
		}
		var r IdempotencyRow
		var status sql.NullInt64
		var created int64
		err = tx.QueryRowContext(ctx, `SELECT fingerprint, status, response, created_at FROM idempotency_keys WHERE id = ?`, id).
			Scan(&r.Fingerprint, &status, &r.Response, &created)
		if errors.Is(err, sql.ErrNoRows) {
			return errIdempotencyGone
		}
		if err != nil {
			return err
		}
		r.Status, r.CreatedAt = int(status.Int64), fromMS(created)
		row = &r
		return nil
	})
	if errors.Is(err, errIdempotencyGone) {
		// Swept between the insert and the read: claim again.
		return db.ClaimIdempotencyKey(ctx, id, accountID, fingerprint, now, expired, abandoned)
	}
	return claimed, row, err
}

var errIdempotencyGone = errors.New("store: idempotency row swept while claiming")

// FinishIdempotencyKey stores the response of the request that holds the
// claim id.
func (db *DB) FinishIdempotencyKey(ctx context.Context, id string, status int, sealed []byte) error {
	return db.tx(ctx, func(tx *txn) error {
		_, err := tx.ExecContext(ctx, `UPDATE idempotency_keys SET status = ?, response = ? WHERE id = ? AND status = 0`, status, sealed, id)
		return err
	})
}

// ReleaseIdempotencyKey drops the claim id of a request that failed, so
// that a retry runs again.
func (db *DB) ReleaseIdempotencyKey(ctx context.Context, id string) error {
	return db.tx(ctx, func(tx *txn) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE id = ? AND status = 0`, id)
		return err
	})
}

// DeleteIdempotencyKeysBefore deletes the rows created before t and
// returns how many.
func (db *DB) DeleteIdempotencyKeysBefore(ctx context.Context, t time.Time) (int64, error) {
	var n int64
	err := db.txAlone(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < ?`, db.ms(t))
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return n, err
}
