package store

import (
	"context"
	"database/sql"
	"slices"
	"strconv"

	"github.com/dbplane/dbplane"
)

var errHostNotFound = dbplane.Errorf(dbplane.CodeNotFound, "Database host not found")

const hostCols = `h.id, h.numeric_id, h.name, h.engine, h.hostname, h.port, h.username, h.sealed_password, h.admin_database,
	h.public_hostname, h.public_port, h.tls, h.tls_ca, h.tls_server_name, h.max_databases, h.pool_size, h.enabled, h.created_at, h.updated_at,
	h.database_count, h.retired_at, h.warm_pool, h.warm_count`

func scanHost(row scanner) (*dbplane.Host, error) {
	var h dbplane.Host
	var maxDB sql.NullInt64
	var enabled int
	var created, updated int64
	var retired sql.NullInt64
	err := row.Scan(&h.ID, &h.NumericID, &h.Name, &h.Engine, &h.Hostname, &h.Port, &h.Username, &h.SealedPassword, &h.Database,
		&h.PublicHostname, &h.PublicPort, &h.TLS, &h.TLSCA, &h.TLSServerName, &maxDB, &h.PoolSize, &enabled, &created, &updated, &h.DatabaseCount, &retired,
		&h.WarmPool, &h.WarmCount)
	if err != nil {
		return nil, err
	}
	h.MaxDatabases = intPtr(maxDB)
	h.Enabled = enabled != 0
	h.RetiredAt = fromNullMS(retired)
	h.CreatedAt, h.UpdatedAt = fromMS(created), fromMS(updated)
	return &h, nil
}

// hostWhere matches a host by UUID or by numeric id.
func hostWhere(id string) (string, any) {
	if n, err := strconv.ParseInt(id, 10, 64); err == nil {
		return `h.numeric_id = ?`, n
	}
	return `h.id = ?`, id
}

// CreateHost inserts h and assigns its numeric id.
func (db *DB) CreateHost(ctx context.Context, h *dbplane.Host) error {
	now := db.Now()
	h.CreatedAt, h.UpdatedAt = now.UTC().Truncate(1e6), now.UTC().Truncate(1e6)
	return db.tx(ctx, func(tx *txn) error {
		var err error
		if h.NumericID, err = db.dialect.nextID(ctx, tx, "hosts"); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO hosts (id, numeric_id, name, engine, hostname, port, username, sealed_password, admin_database,
			public_hostname, public_port, tls, tls_ca, tls_server_name, max_databases, pool_size, enabled, created_at, updated_at, warm_pool)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			h.ID, h.NumericID, h.Name, string(h.Engine), h.Hostname, h.Port, h.Username, h.SealedPassword, h.Database,
			h.PublicHostname, h.PublicPort, string(h.TLS), h.TLSCA, h.TLSServerName, nullInt(h.MaxDatabases), h.PoolSize, boolInt(h.Enabled), db.ms(now), db.ms(now),
			h.WarmPool)
		if err != nil {
			return err
		}
		return setHostNodes(ctx, tx, h)
	})
}

// Host returns a host by UUID or numeric id, or CodeNotFound.
func (db *DB) Host(ctx context.Context, id string) (*dbplane.Host, error) {
	where, arg := hostWhere(id)
	h, err := scanHost(db.readRow(ctx, `SELECT `+hostCols+` FROM hosts h WHERE `+where, arg))
	if err != nil {
		return nil, translate(err, errHostNotFound, nil)
	}
	links, err := db.hostNodes(ctx, `SELECT host_id, node_id FROM host_nodes WHERE host_id = ? ORDER BY node_id`, h.ID)
	h.NodeIDs = links[h.ID]
	return h, err
}

// ListHosts returns every host, alphabetically by name (document 002),
// with its node links: two queries, whatever the number of hosts.
func (db *DB) ListHosts(ctx context.Context) ([]*dbplane.Host, error) {
	rows, err := db.readRows(ctx, `SELECT `+hostCols+` FROM hosts h ORDER BY h.name, h.numeric_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*dbplane.Host
	for rows.Next() {
		h, err := scanHost(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	links, err := db.hostNodes(ctx, `SELECT host_id, node_id FROM host_nodes ORDER BY host_id, node_id`)
	for _, h := range out {
		h.NodeIDs = links[h.ID]
	}
	return out, err
}

// CandidateHosts returns the ids of the enabled, not retired hosts of an
// engine, emptiest first (then by name, as ListHosts orders them): where a
// create may go. A create reads them in its own insert transaction
// (NewDatabase.Hosts nil); this is the same query on the read pool.
func (db *DB) CandidateHosts(ctx context.Context, engine dbplane.Engine) ([]string, error) {
	ids, _, err := candidateHosts(ctx, readQuerier{db}, engine)
	return ids, err
}

// candidateHosts is CandidateHosts on q (the read pool, or a create's own
// write transaction, whose connection's pages are current where a read
// connection would read them again after every write), with which of the
// hosts may hold warm databases (a warm pool, or warm databases left): a
// create there tries to claim one. Nil when none may.
func candidateHosts(ctx context.Context, q querier, engine dbplane.Engine) ([]string, map[string]bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT h.id, CASE WHEN h.warm_pool > 0 OR h.warm_count > 0 THEN 1 ELSE 0 END
		FROM hosts h WHERE h.engine = ? AND h.enabled = 1 AND h.retired_at IS NULL
		ORDER BY h.database_count, h.name, h.numeric_id`, string(engine))
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var ids []string
	var warm map[string]bool
	for rows.Next() {
		var id string
		var w int
		if err := rows.Scan(&id, &w); err != nil {
			return nil, nil, err
		}
		ids = append(ids, id)
		if w != 0 {
			if warm == nil {
				warm = map[string]bool{}
			}
			warm[id] = true
		}
	}
	return ids, warm, rows.Err()
}

// hostNodes reads host_id, node_id rows into the nodes of each host.
func (db *DB) hostNodes(ctx context.Context, q string, args ...any) (map[string][]string, error) {
	rows, err := db.readRows(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var host, node string
		if err := rows.Scan(&host, &node); err != nil {
			return nil, err
		}
		out[host] = append(out[host], node)
	}
	return out, rows.Err()
}

// setHostNodes makes h's node links exactly h.NodeIDs, each a node's UUID
// or numeric id, and writes the UUIDs back into h.NodeIDs, sorted. A node
// that does not exist is a field error on nodeIds.
func setHostNodes(ctx context.Context, tx *txn, h *dbplane.Host) error {
	ids := make([]string, 0, len(h.NodeIDs))
	for _, ref := range h.NodeIDs {
		where, arg := refWhere("n", ref)
		var id string
		if err := tx.QueryRowContext(ctx, `SELECT n.id FROM nodes n WHERE `+where, arg).Scan(&id); err != nil {
			if err == sql.ErrNoRows {
				return dbplane.FieldErrorf("nodeIds", "The nodeIds must be existing nodes; %q is none.", ref)
			}
			return err
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if _, err := tx.ExecContext(ctx, `DELETE FROM host_nodes WHERE host_id = ?`, h.ID); err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `INSERT INTO host_nodes (host_id, node_id) VALUES (?, ?)`, h.ID, id); err != nil {
			return err
		}
	}
	h.NodeIDs = ids
	return nil
}

// errHostChanged is UpdateHost's answer when the row changed since the
// caller read it (another replica, or another request, updated it).
var errHostChanged = dbplane.Errorf(dbplane.CodeConflict, "The host was changed meanwhile; reload it and try again")

// UpdateHost writes every field of h, if the row is still as the caller
// read it (h.UpdatedAt): otherwise two updates of different fields, on two
// replicas, would each write back the other's old values. updated_at only
// moves forward, so it tells every update apart. It returns CodeNotFound
// or CodeConflict.
func (db *DB) UpdateHost(ctx context.Context, h *dbplane.Host) error {
	read := db.ms(h.UpdatedAt)
	now := db.ms(db.Now())
	return db.tx(ctx, func(tx *txn) error {
		ok, err := updatedOne(tx.ExecContext(ctx, `UPDATE hosts SET name = ?, hostname = ?, port = ?, username = ?, sealed_password = ?, admin_database = ?,
			public_hostname = ?, public_port = ?, tls = ?, tls_ca = ?, tls_server_name = ?, max_databases = ?, pool_size = ?, enabled = ?, warm_pool = ?,
			updated_at = CASE WHEN ? > updated_at THEN ? ELSE updated_at + 1 END WHERE id = ? AND updated_at = ?`,
			h.Name, h.Hostname, h.Port, h.Username, h.SealedPassword, h.Database, h.PublicHostname, h.PublicPort, string(h.TLS), h.TLSCA, h.TLSServerName,
			nullInt(h.MaxDatabases), h.PoolSize, boolInt(h.Enabled), h.WarmPool, now, now, h.ID, read))
		if err != nil {
			return err
		}
		if ok {
			return setHostNodes(ctx, tx, h)
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM hosts WHERE id = ?`, h.ID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return errHostNotFound
		}
		return errHostChanged
	})
}

// DeleteHost removes a host. It returns CodeConflict with the count while
// databases (or engine changes in flight) remain on it, or while a live
// host still has warm databases; a retired host's warm databases are
// forgotten with it.
func (db *DB) DeleteHost(ctx context.Context, id string) error {
	return db.tx(ctx, func(tx *txn) error {
		where, arg := hostWhere(id)
		h, err := scanHost(tx.QueryRowContext(ctx, `SELECT `+hostCols+` FROM hosts h WHERE `+where, arg))
		if err != nil {
			return translate(err, errHostNotFound, nil)
		}
		var pending int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM intents WHERE host_id = ?`, h.ID).Scan(&pending); err != nil {
			return err
		}
		// Changes in flight first: an undone create's drop holds a place
		// in database_count (undoneDrop) but is no database to delete.
		if pending > 0 {
			return dbplane.Errorf(dbplane.CodeConflict, "The host has %d engine change(s) in flight; try again shortly", pending)
		}
		if h.DatabaseCount > 0 {
			return dbplane.Errorf(dbplane.CodeConflict, "The host has %d database(s); delete them first", h.DatabaseCount)
		}
		if h.RetiredAt != nil {
			// Its warm databases were reported (RetireHost) and can
			// never be dropped: forgotten with the host.
			if err := forgetWarm(ctx, tx, h.ID); err != nil {
				return err
			}
		} else if h.WarmCount > 0 || h.WarmPool > 0 {
			return dbplane.Errorf(dbplane.CodeConflict, "The host's %d warm database(s) are being dropped; try again shortly", h.WarmCount)
		}
		// As DeleteServer: a create that took a place meanwhile (another
		// replica) makes the DELETE match nothing; so does a warm database
		// the refill recorded meanwhile.
		ok, err := updatedOne(tx.ExecContext(ctx, `DELETE FROM hosts WHERE id = ? AND database_count = 0 AND warm_count = 0`, h.ID))
		if err == nil && !ok {
			return dbplane.Errorf(dbplane.CodeConflict, "A database was just created on the host; delete it first")
		}
		return err
	})
}
