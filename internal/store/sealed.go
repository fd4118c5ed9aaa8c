package store

import (
	"context"
	"fmt"
)

// SealedTable names a table holding values sealed under the master key,
// for the master-key rotation (control's Rekey).
type SealedTable string

// The tables with sealed values: a database's password, a host's admin
// password, the new password a rotate intent carries, and the responses
// kept for Idempotency-Key replays (which may hold a password).
const (
	SealedDatabases   SealedTable = "databases"
	SealedHosts       SealedTable = "hosts"
	SealedIntents     SealedTable = "intents"
	SealedIdempotency SealedTable = "idempotency_keys"
)

// SealedTables lists every table with sealed values, in the order a
// rotation walks them.
var SealedTables = []SealedTable{SealedDatabases, SealedHosts, SealedIntents, SealedIdempotency}

// sealedQueries are the fixed statements per table: the table name never
// comes from the caller's text. owner is the id the value's AAD names (a
// rotate intent's password is sealed for its database).
var sealedQueries = map[SealedTable]struct{ count, batch, update string }{
	SealedDatabases: {
		count:  `SELECT COUNT(*) FROM databases`,
		batch:  `SELECT id, id, sealed_password FROM databases WHERE id > ? ORDER BY id LIMIT ?`,
		update: `UPDATE databases SET sealed_password = ? WHERE id = ? AND sealed_password = ?`,
	},
	SealedHosts: {
		count:  `SELECT COUNT(*) FROM hosts`,
		batch:  `SELECT id, id, sealed_password FROM hosts WHERE id > ? ORDER BY id LIMIT ?`,
		update: `UPDATE hosts SET sealed_password = ? WHERE id = ? AND sealed_password = ?`,
	},
	SealedIntents: {
		count:  `SELECT COUNT(*) FROM intents WHERE sealed_password IS NOT NULL`,
		batch:  `SELECT id, database_id, sealed_password FROM intents WHERE id > ? AND sealed_password IS NOT NULL ORDER BY id LIMIT ?`,
		update: `UPDATE intents SET sealed_password = ? WHERE id = ? AND sealed_password = ?`,
	},
	SealedIdempotency: {
		count:  `SELECT COUNT(*) FROM idempotency_keys WHERE response IS NOT NULL`,
		batch:  `SELECT id, id, response FROM idempotency_keys WHERE id > ? AND response IS NOT NULL ORDER BY id LIMIT ?`,
		update: `UPDATE idempotency_keys SET response = ? WHERE id = ? AND response = ?`,
	},
}

// SealedValue is one sealed value of a table: the row's id, the id its
// AAD names, and the sealed bytes.
type SealedValue struct {
	ID     string
	Owner  string
	Sealed []byte
}

func sealedQuery(t SealedTable) (struct{ count, batch, update string }, error) {
	q, ok := sealedQueries[t]
	if !ok {
		return q, fmt.Errorf("store: no sealed values in table %q", t)
	}
	return q, nil
}

// CountSealed returns how many sealed values table holds.
func (db *DB) CountSealed(ctx context.Context, t SealedTable) (int, error) {
	q, err := sealedQuery(t)
	if err != nil {
		return 0, err
	}
	var n int
	err = db.readRow(ctx, q.count).Scan(&n)
	return n, err
}

// SealedBatch returns up to limit sealed values of table whose row id
// sorts after after, in id order (after "" starts at the first).
func (db *DB) SealedBatch(ctx context.Context, t SealedTable, after string, limit int) ([]SealedValue, error) {
	q, err := sealedQuery(t)
	if err != nil {
		return nil, err
	}
	rows, err := db.readRows(ctx, q.batch, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SealedValue
	for rows.Next() {
		var v SealedValue
		if err := rows.Scan(&v.ID, &v.Owner, &v.Sealed); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Reseal is one replacement: row ID's sealed value becomes New if it
// still holds Old.
type Reseal struct {
	ID       string
	Old, New []byte
}

// ResealBatch applies the replacements in one transaction, each only
// where the row still holds the value it replaces (a concurrent change,
// such as a password rotation, wins), and returns how many it applied.
func (db *DB) ResealBatch(ctx context.Context, t SealedTable, batch []Reseal) (int, error) {
	q, err := sealedQuery(t)
	if err != nil {
		return 0, err
	}
	var n int
	err = db.txAlone(ctx, func(tx *txn) error {
		n = 0
		for _, r := range batch {
			ok, err := updatedOne(tx.ExecContext(ctx, q.update, r.New, r.ID, r.Old))
			if err != nil {
				return err
			}
			if ok {
				n++
			}
		}
		return nil
	})
	return n, err
}
