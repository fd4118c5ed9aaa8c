package store

import (
	"context"
	"database/sql"

	"github.com/dbplane/dbplane"
)

var (
	errAccountNotFound = dbplane.Errorf(dbplane.CodeNotFound, "Account not found")
	errEmailTaken      = dbplane.Errorf(dbplane.CodeConflict, "An account with that email already exists")
	errAccountExternal = dbplane.Errorf(dbplane.CodeConflict, "An account with that externalId already exists")
)

// accountConflict names the unique column a failed account write broke:
// the external id, else the email.
func accountConflict(err error) error {
	if isUniqueOn(err, "external_id") {
		return translate(err, nil, errAccountExternal)
	}
	return translate(err, nil, errEmailTaken)
}

const accountCols = `a.id, a.numeric_id, a.email, a.name, a.role, a.slots, a.storage_bytes, a.suspended, a.created_at, a.updated_at,
	a.database_count, a.used_bytes, a.deleting_at, a.external_id`

type scanner interface{ Scan(...any) error }

func scanAccount(row scanner) (*dbplane.Account, error) {
	var a dbplane.Account
	var slots, storage sql.NullInt64
	var created, updated int64
	var suspended int
	var numeric, deleting sql.NullInt64
	var external sql.NullString
	err := row.Scan(&a.ID, &numeric, &a.Email, &a.Name, &a.Role, &slots, &storage, &suspended, &created, &updated,
		&a.DatabaseCount, &a.UsedBytes, &deleting, &external)
	if err != nil {
		return nil, err
	}
	a.NumericID = numeric.Int64
	a.Slots, a.StorageBytes = intPtr(slots), int64Ptr(storage)
	a.Suspended = suspended != 0
	a.DeletingAt = fromNullMS(deleting)
	a.ExternalID = strPtr(external)
	a.CreatedAt, a.UpdatedAt = fromMS(created), fromMS(updated)
	return &a, nil
}

// CreateAccount inserts a. It returns CodeConflict when the email or the
// external id is taken.
func (db *DB) CreateAccount(ctx context.Context, a *dbplane.Account) error {
	now := db.Now()
	a.CreatedAt, a.UpdatedAt = now.UTC().Truncate(1e6), now.UTC().Truncate(1e6)
	err := db.tx(ctx, func(tx *txn) error {
		var err error
		if a.NumericID, err = db.dialect.nextID(ctx, tx, "accounts"); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO accounts (id, numeric_id, email, name, role, slots, storage_bytes, suspended, created_at, updated_at, external_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.ID, a.NumericID, a.Email, a.Name, string(a.Role), nullInt(a.Slots), nullInt64(a.StorageBytes), boolInt(a.Suspended), db.ms(now), db.ms(now),
			nullStrPtr(a.ExternalID))
		return err
	})
	return accountConflict(err)
}

// Account returns one account, or CodeNotFound.
func (db *DB) Account(ctx context.Context, id string) (*dbplane.Account, error) {
	a, err := scanAccount(db.readRow(ctx, `SELECT `+accountCols+` FROM accounts a WHERE a.id = ?`, id))
	return a, translate(err, errAccountNotFound, nil)
}

// accountWhere is the WHERE clause of the accounts f selects (Match,
// order and page aside), and the test of each account read that a list
// too long to bind leaves (nil for none). Every condition but the two
// flags' is answered by a unique index (id, numeric_id, external_id,
// email).
func accountWhere(f dbplane.AccountFilter) (string, []any, func(*dbplane.Account) bool) {
	where, args := `1 = 1`, []any{}
	var keeps []func(*dbplane.Account) bool
	in := func(col string, vals []string, value func(*dbplane.Account) string) {
		cond, condArgs, keep := inList(col, vals)
		where, args = where+cond, append(args, condArgs...)
		if keep != nil {
			keeps = append(keeps, func(a *dbplane.Account) bool { return keep(value(a)) })
		}
	}
	if f.IDs != nil {
		in(`a.id`, f.IDs, func(a *dbplane.Account) string { return a.ID })
	}
	if f.NumericID != 0 {
		where += ` AND a.numeric_id = ?`
		args = append(args, f.NumericID)
	}
	if f.ExternalIDs != nil {
		in(`a.external_id`, f.ExternalIDs, func(a *dbplane.Account) string { return *a.ExternalID }) // IS NOT NULL
	}
	if f.Emails != nil {
		in(`a.email`, f.Emails, func(a *dbplane.Account) string { return a.Email })
	}
	if f.Suspended {
		where += ` AND a.suspended <> 0`
	}
	if f.OverQuota { // Account.OverQuota
		where += ` AND a.storage_bytes IS NOT NULL AND a.used_bytes > a.storage_bytes`
	}
	return where, args, matchAll(keeps...)
}

// accountOrderBy is the ORDER BY of f. Each order has its index (the
// numeric id's and the id's unique ones, accounts_created), which pages
// in order without sorting the accounts the filter selects.
func accountOrderBy(f dbplane.AccountFilter) string {
	dir := ``
	if f.Desc {
		dir = ` DESC`
	}
	switch f.Order {
	case dbplane.AccountsByNumericID:
		return `a.numeric_id` + dir
	case dbplane.AccountsByID:
		return `a.id` + dir
	}
	return `a.created_at` + dir + `, a.id` + dir
}

// FindAccounts returns the page of the accounts f selects, in f's order,
// and how many it selects (findPage): one COUNT and one query with LIMIT,
// or with f.Match one query that reads every account the rest of f
// selects and keeps the page. A zero f.Page.PerPage returns every account
// selected, without the COUNT.
func (db *DB) FindAccounts(ctx context.Context, f dbplane.AccountFilter) ([]*dbplane.Account, int, error) {
	where, args, keep := accountWhere(f)
	return findPage(ctx, db, pageQuery[*dbplane.Account]{
		cols: accountCols, from: `accounts a`, where: where, args: args, orderBy: accountOrderBy(f),
		scan: scanAccount, match: matchAll(keep, f.Match), page: f.Page,
	})
}

// EachAccount calls fn with every account, oldest first, while one query
// reads them: one account at a time is in memory, whatever their number.
// The figures are the account's counters (database_count, used_bytes), not
// a read of its databases. The query keeps its read connection (and, on
// SQLite, its snapshot) until it ends, fn's time included. It stops at
// fn's first error and returns it.
func (db *DB) EachAccount(ctx context.Context, fn func(*dbplane.Account) error) error {
	rows, err := db.readRows(ctx, `SELECT `+accountCols+` FROM accounts a ORDER BY a.created_at, a.id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return err
		}
		if err := fn(a); err != nil {
			return err
		}
	}
	return rows.Err()
}

// UpdateAccount applies u to the account in one transaction. Suspending
// disables the account's enabled keys and marks them as disabled by the
// suspension, and flags its databases; unsuspending re-enables exactly those
// keys and clears only the suspension's flag.
func (db *DB) UpdateAccount(ctx context.Context, id string, u dbplane.AccountUpdate) (*dbplane.Account, error) {
	err := db.tx(ctx, func(tx *txn) error {
		// Lock the row before reading it, so that two replicas changing one
		// account apply their changes one after the other instead of the
		// second writing back what it read before the first committed.
		ok, err := updatedOne(tx.ExecContext(ctx, `UPDATE accounts SET updated_at = ? WHERE id = ?`, db.ms(db.Now()), id))
		if err != nil {
			return err
		}
		if !ok {
			return errAccountNotFound
		}
		a, err := scanAccount(tx.QueryRowContext(ctx, `SELECT `+accountCols+` FROM accounts a WHERE a.id = ?`, id))
		if err != nil {
			return translate(err, errAccountNotFound, nil)
		}
		if u.Name != nil {
			a.Name = *u.Name
		}
		if u.Role != nil && *u.Role != a.Role {
			if a.Role == dbplane.RoleAdmin {
				// Checked in the transaction that writes the change.
				var others int
				if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM accounts WHERE role = ? AND id <> ? AND deleting_at IS NULL`,
					string(dbplane.RoleAdmin), id).Scan(&others); err != nil {
					return err
				}
				if others == 0 {
					return dbplane.ErrLastAdmin
				}
			}
			a.Role = *u.Role
		}
		if u.ExternalIDSet {
			a.ExternalID = u.ExternalID
		}
		if u.SlotsSet {
			a.Slots = u.Slots
		}
		if u.StorageBytesSet {
			a.StorageBytes = u.StorageBytes
		}
		if u.Suspended != nil && *u.Suspended != a.Suspended {
			if a.DeletingAt != nil {
				// The delete closed every way in; unsuspending would
				// open them again while its databases are dropped.
				return errAccountDeleting
			}
			a.Suspended = *u.Suspended
			if a.Suspended {
				_, err = tx.ExecContext(ctx, `UPDATE api_keys SET disabled = 1, disabled_by_suspension = 1 WHERE account_id = ? AND disabled = 0`, id)
				if err == nil { // a suspended account is signed out everywhere
					_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE account_id = ?`, id)
				}
				if err == nil { // and its set-password links stop working
					_, err = tx.ExecContext(ctx, `DELETE FROM password_links WHERE account_id = ?`, id)
				}
			} else {
				_, err = tx.ExecContext(ctx, `UPDATE api_keys SET disabled = 0, disabled_by_suspension = 0 WHERE account_id = ? AND disabled_by_suspension = 1`, id)
			}
			if err != nil {
				return err
			}
			// The databases follow through access intents (control).
			if _, err := tx.ExecContext(ctx, `UPDATE databases SET suspension_disabled = ? WHERE account_id = ?`, boolInt(a.Suspended), id); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE accounts SET name = ?, role = ?, slots = ?, storage_bytes = ?, suspended = ?, external_id = ?, updated_at = ? WHERE id = ?`,
			a.Name, string(a.Role), nullInt(a.Slots), nullInt64(a.StorageBytes), boolInt(a.Suspended), nullStrPtr(a.ExternalID), db.ms(db.Now()), id)
		return err
	})
	if err != nil {
		return nil, accountConflict(err)
	}
	return db.Account(ctx, id)
}
