package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"github.com/dbplane/dbplane"
)

var (
	errNodeNotFound    = dbplane.Errorf(dbplane.CodeNotFound, "Node not found")
	errServerNotFound  = dbplane.Errorf(dbplane.CodeNotFound, "Server not found")
	errSubuserNotFound = dbplane.Errorf(dbplane.CodeNotFound, "Subuser not found")
	errServerExternal  = dbplane.Errorf(dbplane.CodeConflict, "A server with that externalId already exists")
)

// refWhere matches a row by UUID or numeric id.
func refWhere(alias, ref string) (string, any) {
	if n, err := strconv.ParseInt(ref, 10, 64); err == nil {
		return alias + `.numeric_id = ?`, n
	}
	return alias + `.id = ?`, ref
}

// CreateNode inserts n and assigns its numeric id.
func (db *DB) CreateNode(ctx context.Context, n *dbplane.Node) error {
	now := db.Now()
	n.CreatedAt, n.UpdatedAt = now.UTC().Truncate(1e6), now.UTC().Truncate(1e6)
	return db.tx(ctx, func(tx *txn) error {
		var err error
		if n.NumericID, err = db.dialect.nextID(ctx, tx, "nodes"); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO nodes (id, numeric_id, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
			n.ID, n.NumericID, n.Name, db.ms(now), db.ms(now))
		return err
	})
}

func scanNode(row scanner) (*dbplane.Node, error) {
	var n dbplane.Node
	var created, updated int64
	if err := row.Scan(&n.ID, &n.NumericID, &n.Name, &created, &updated); err != nil {
		return nil, err
	}
	n.CreatedAt, n.UpdatedAt = fromMS(created), fromMS(updated)
	return &n, nil
}

// Node returns a node by UUID or numeric id.
func (db *DB) Node(ctx context.Context, ref string) (*dbplane.Node, error) {
	where, arg := refWhere("n", ref)
	n, err := scanNode(db.readRow(ctx, `SELECT n.id, n.numeric_id, n.name, n.created_at, n.updated_at FROM nodes n WHERE `+where, arg))
	return n, translate(err, errNodeNotFound, nil)
}

// ListNodes returns every node by numeric id.
func (db *DB) ListNodes(ctx context.Context) ([]*dbplane.Node, error) {
	rows, err := db.readRows(ctx, `SELECT n.id, n.numeric_id, n.name, n.created_at, n.updated_at FROM nodes n ORDER BY n.numeric_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*dbplane.Node
	for rows.Next() {
		n, err := scanNode(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

const serverCols = `s.id, s.numeric_id, s.identifier, s.name, s.owner_id, s.node_id, s.database_limit, s.created_at, s.updated_at,
	s.database_count, s.external_id,
	(SELECT COALESCE(a.numeric_id, 0) FROM accounts a WHERE a.id = s.owner_id)`

func scanServer(row scanner) (*dbplane.Server, error) {
	var s dbplane.Server
	var limit sql.NullInt64
	var created, updated int64
	var external sql.NullString
	if err := row.Scan(&s.ID, &s.NumericID, &s.Identifier, &s.Name, &s.OwnerID, &s.NodeID, &limit, &created, &updated, &s.DatabaseCount, &external, &s.OwnerNumericID); err != nil {
		return nil, err
	}
	s.DatabaseLimit = intPtr(limit)
	s.ExternalID = strPtr(external)
	s.CreatedAt, s.UpdatedAt = fromMS(created), fromMS(updated)
	return &s, nil
}

func collectServers(rows *sql.Rows, err error) ([]*dbplane.Server, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*dbplane.Server
	for rows.Next() {
		s, err := scanServer(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// CreateServer inserts s after checking that its owner and node exist.
// It returns CodeConflict when the external id is taken.
func (db *DB) CreateServer(ctx context.Context, s *dbplane.Server) error {
	now := db.Now()
	s.CreatedAt, s.UpdatedAt = now.UTC().Truncate(1e6), now.UTC().Truncate(1e6)
	err := db.tx(ctx, func(tx *txn) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM accounts WHERE id = ?`, s.OwnerID).Scan(&n); err != nil || n == 0 {
			return dbplane.FieldErrorf("ownerId", "The ownerId must be an existing account.")
		}
		where, arg := refWhere("n", s.NodeID)
		if err := tx.QueryRowContext(ctx, `SELECT n.id FROM nodes n WHERE `+where, arg).Scan(&s.NodeID); err != nil {
			return dbplane.FieldErrorf("nodeId", "The nodeId must be an existing node.")
		}
		var err error
		if s.NumericID, err = db.dialect.nextID(ctx, tx, "servers"); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO servers (id, numeric_id, identifier, name, owner_id, node_id, database_limit, created_at, updated_at, external_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			s.ID, s.NumericID, s.Identifier, s.Name, s.OwnerID, s.NodeID, nullInt(s.DatabaseLimit), db.ms(now), db.ms(now), nullStrPtr(s.ExternalID))
		return err
	})
	return translate(err, nil, errServerExternal)
}

// Server returns a server by UUID, numeric id or identifier. An 8-character
// reference is tried as an identifier first, since an identifier can be all
// digits; then as a numeric id.
func (db *DB) Server(ctx context.Context, ref string) (*dbplane.Server, error) {
	if len(ref) == 8 {
		s, err := scanServer(db.readRow(ctx, `SELECT `+serverCols+` FROM servers s WHERE s.identifier = ?`, ref))
		if err != sql.ErrNoRows {
			return s, err
		}
	}
	where, arg := refWhere("s", ref)
	s, err := scanServer(db.readRow(ctx, `SELECT `+serverCols+` FROM servers s WHERE `+where, arg))
	return s, translate(err, errServerNotFound, nil)
}

// UpdateServer writes s's name, database limit and external id, if the row is still as
// the caller read it (s.UpdatedAt), as UpdateHost. It returns CodeNotFound
// or CodeConflict.
func (db *DB) UpdateServer(ctx context.Context, s *dbplane.Server) error {
	read := db.ms(s.UpdatedAt)
	now := db.ms(db.Now())
	err := db.tx(ctx, func(tx *txn) error {
		ok, err := updatedOne(tx.ExecContext(ctx, `UPDATE servers SET name = ?, database_limit = ?, external_id = ?,
			updated_at = CASE WHEN ? > updated_at THEN ? ELSE updated_at + 1 END WHERE id = ? AND updated_at = ?`,
			s.Name, nullInt(s.DatabaseLimit), nullStrPtr(s.ExternalID), now, now, s.ID, read))
		if err != nil || ok {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM servers WHERE id = ?`, s.ID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return errServerNotFound
		}
		return dbplane.Errorf(dbplane.CodeConflict, "The server was changed meanwhile; reload it and try again")
	})
	return translate(err, nil, errServerExternal)
}

// DeleteServer removes a server without databases. The count is checked
// in the DELETE itself: a create on another replica that took a place on
// the server meanwhile holds its row, and after it commits the DELETE
// re-checks the newest version (READ COMMITTED) and matches nothing.
func (db *DB) DeleteServer(ctx context.Context, id string) error {
	return db.tx(ctx, func(tx *txn) error {
		// Orphaned rows (their host retired) are not counted but still
		// reference the server.
		ok, err := updatedOne(tx.ExecContext(ctx, `DELETE FROM servers WHERE id = ? AND database_count = 0
			AND NOT EXISTS (SELECT 1 FROM databases d WHERE d.server_id = servers.id)`, id))
		if err != nil || ok {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM databases d WHERE d.server_id = s.id) FROM servers s WHERE s.id = ?`, id).Scan(&n); err != nil {
			return translate(err, errServerNotFound, nil)
		}
		return dbplane.Errorf(dbplane.CodeConflict, "The server has %d database(s); delete them first", n)
	})
}

// ListServers returns a page of servers by numeric id, and the total.
// With accountID set, only the servers it owns or is a subuser of.
func (db *DB) ListServers(ctx context.Context, accountID string, p dbplane.Page) ([]*dbplane.Server, int, error) {
	where, args := `1 = 1`, []any{}
	if accountID != "" {
		where = `(s.owner_id = ? OR s.id IN (SELECT server_id FROM subusers WHERE account_id = ?))`
		args = append(args, accountID, accountID)
	}
	var total int
	if err := db.readRow(ctx, `SELECT COUNT(*) FROM servers s WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	list, err := collectServers(db.readRows(ctx, `SELECT `+serverCols+` FROM servers s WHERE `+where+
		` ORDER BY s.numeric_id LIMIT ? OFFSET ?`, append(args, p.PerPage, p.Offset())...))
	return list, total, err
}

// serverOrderBy is the ORDER BY of f: the numeric id and the id have
// unique indexes, which page in order without sorting the servers the
// filter selects.
func serverOrderBy(f dbplane.ServerFilter) string {
	dir := ``
	if f.Desc {
		dir = ` DESC`
	}
	if f.Order == dbplane.ServersByID {
		return `s.id` + dir
	}
	return `s.numeric_id` + dir
}

// FindServers returns the page of the servers f selects, in f's order,
// and how many it selects (findPage): one COUNT and one query with LIMIT,
// or with f.Match one query that reads every server the rest of f selects
// and keeps the page. The external ids are looked up on their unique
// index. A zero f.Page.PerPage returns every server selected, without the
// COUNT.
func (db *DB) FindServers(ctx context.Context, f dbplane.ServerFilter) ([]*dbplane.Server, int, error) {
	where, args := `1 = 1`, []any{}
	var keepServer func(*dbplane.Server) bool
	if f.ExternalIDs != nil {
		cond, in, keep := inList(`s.external_id`, f.ExternalIDs)
		where, args = where+cond, in
		if keep != nil { // s.external_id IS NOT NULL
			keepServer = func(s *dbplane.Server) bool { return keep(*s.ExternalID) }
		}
	}
	return findPage(ctx, db, pageQuery[*dbplane.Server]{
		cols: serverCols, from: `servers s`, where: where, args: args, orderBy: serverOrderBy(f),
		scan: scanServer, match: matchAll(keepServer, f.Match), page: f.Page,
	})
}

// Subuser returns an account's subuser entry on a server, or CodeNotFound.
func (db *DB) Subuser(ctx context.Context, serverID, accountID string) (*dbplane.Subuser, error) {
	row := db.readRow(ctx, `SELECT server_id, account_id, permissions, created_at FROM subusers WHERE server_id = ? AND account_id = ?`, serverID, accountID)
	su, err := scanSubuser(row)
	return su, translate(err, errSubuserNotFound, nil)
}

func scanSubuser(row scanner) (*dbplane.Subuser, error) {
	var su dbplane.Subuser
	var perms string
	var created int64
	if err := row.Scan(&su.ServerID, &su.AccountID, &perms, &created); err != nil {
		return nil, err
	}
	if perms != "" {
		su.Permissions = strings.Split(perms, ",")
	}
	su.CreatedAt = fromMS(created)
	return &su, nil
}

// SetSubuser inserts or replaces a subuser's permissions.
func (db *DB) SetSubuser(ctx context.Context, su *dbplane.Subuser) error {
	now := db.Now()
	return db.tx(ctx, func(tx *txn) error {
		if err := subuserAccountExists(ctx, tx, su.AccountID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO subusers (server_id, account_id, permissions, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (server_id, account_id) DO UPDATE SET permissions = excluded.permissions`,
			su.ServerID, su.AccountID, strings.Join(su.Permissions, ","), db.ms(now))
		return err
	})
}

// AddSubuser inserts a subuser, or returns dbplane.ErrSubuserExists when
// the account already is one: the primary key decides, so of concurrent
// adds exactly one goes in.
func (db *DB) AddSubuser(ctx context.Context, su *dbplane.Subuser) error {
	now := db.Now()
	return db.tx(ctx, func(tx *txn) error {
		if err := subuserAccountExists(ctx, tx, su.AccountID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO subusers (server_id, account_id, permissions, created_at) VALUES (?, ?, ?, ?)`,
			su.ServerID, su.AccountID, strings.Join(su.Permissions, ","), db.ms(now))
		return translate(err, nil, dbplane.ErrSubuserExists)
	})
}

// subuserAccountExists returns CodeInvalid when accountID is no account.
func subuserAccountExists(ctx context.Context, tx *txn, accountID string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM accounts WHERE id = ?`, accountID).Scan(&n); err != nil || n == 0 {
		return dbplane.FieldErrorf("accountId", "The accountId must be an existing account.")
	}
	return nil
}

// ListSubusers returns a server's subusers.
func (db *DB) ListSubusers(ctx context.Context, serverID string) ([]*dbplane.Subuser, error) {
	rows, err := db.readRows(ctx, `SELECT server_id, account_id, permissions, created_at FROM subusers WHERE server_id = ? ORDER BY created_at, account_id`, serverID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*dbplane.Subuser
	for rows.Next() {
		su, err := scanSubuser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, su)
	}
	return out, rows.Err()
}

// RemoveSubuser deletes a subuser, or returns CodeNotFound.
func (db *DB) RemoveSubuser(ctx context.Context, serverID, accountID string) error {
	return db.tx(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM subusers WHERE server_id = ? AND account_id = ?`, serverID, accountID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errSubuserNotFound
		}
		return nil
	})
}
