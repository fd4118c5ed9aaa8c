package store

import (
	"context"
	"database/sql"

	"github.com/dbplane/dbplane"
)

const databaseCols = `d.id, d.numeric_id, d.account_id, d.server_id, d.host_id, d.engine, d.label, d.db_name, d.db_user, d.remote,
	d.max_connections, d.sealed_password, d.status, d.size_bytes, ` + sizeRefreshedCol + `, d.created_at, d.updated_at,
	d.admin_disabled, d.suspension_disabled, d.over_quota`

// sizeRefreshedCol is when d's size was last measured. A watcher pass
// writes only the sizes that changed (UpdateSizes) and stamps the host, so
// a settled database that was measured before counts as measured at the
// host's last pass too.
const sizeRefreshedCol = `CASE WHEN d.size_refreshed_at IS NOT NULL AND d.status IN ` + settledStatuses + `
		THEN COALESCE((SELECT CASE WHEN h.sizes_refreshed_at > d.size_refreshed_at THEN h.sizes_refreshed_at END
			FROM hosts h WHERE h.id = d.host_id), d.size_refreshed_at)
		ELSE d.size_refreshed_at END`

// settledStatuses are the statuses whose databases a watcher pass measures.
const settledStatuses = `('active', 'over_quota', 'disabled')`

func scanDatabase(row scanner) (*dbplane.Database, error) {
	var d dbplane.Database
	var server sql.NullString
	var refreshed sql.NullInt64
	var created, updated int64
	var adminDisabled, suspDisabled, overQuota int
	err := row.Scan(&d.ID, &d.NumericID, &d.AccountID, &server, &d.HostID, &d.Engine, &d.Label, &d.DBName, &d.DBUser, &d.Remote,
		&d.MaxConnections, &d.SealedPassword, &d.Status, &d.SizeBytes, &refreshed, &created, &updated,
		&adminDisabled, &suspDisabled, &overQuota)
	if err != nil {
		return nil, err
	}
	d.AdminDisabled, d.SuspensionDisabled, d.OverQuota = adminDisabled != 0, suspDisabled != 0, overQuota != 0
	d.ServerID = server.String
	d.SizeRefreshedAt = fromNullMS(refreshed)
	d.CreatedAt, d.UpdatedAt = fromMS(created), fromMS(updated)
	return &d, nil
}

// collectStrings reads a one-column result of text, such as ids, and
// closes the rows.
func collectStrings(rows *sql.Rows, err error) ([]string, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func collectDatabases(rows *sql.Rows, err error) ([]*dbplane.Database, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*dbplane.Database
	for rows.Next() {
		d, err := scanDatabase(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// NewDatabase is what InsertDatabase needs besides the row itself.
type NewDatabase struct {
	// Database is the row to insert; InsertDatabase fills NumericID, HostID,
	// DBName, DBUser (through Names), Status and the timestamps.
	Database *dbplane.Database
	// Hosts are the candidate hosts, best first; the first with room wins.
	// Nil: the enabled, not retired hosts of the database's engine
	// (CandidateHosts', with their warm flags), read in the insert's
	// own transaction and put in order by Order (nil: emptiest first);
	// none is ErrEngineDisabled.
	Hosts []string
	Order func(ids []string) []string
	// Names returns the connection-level names for the n-th database of
	// the account and engine. Nil keeps Database.DBName and DBUser.
	Names func(n int64) (dbName, dbUser string)
	// Intent is recorded in the same transaction; its names are filled in.
	Intent *dbplane.Intent
	// Warm names the candidates that may hold warm databases (PostgreSQL
	// hosts with a warm pool): on those a ready one is claimed, and the
	// intent records its placeholder names (Intent.WarmDB, WarmUser).
	Warm map[string]bool
}

// InsertDatabase checks every quota (and the server's databaseLimit when
// the database belongs to a server) and inserts the database row and its
// create intent in one write transaction, so N concurrent calls against M
// free slots insert exactly M rows. The checks are conditional updates of
// the counters (counters.go), so none of them grows with the store. It
// returns ErrEngineDisabled (no candidate host), ErrAccountSuspended,
// ErrOutOfSlots, ErrOutOfStorage, ErrServerLimit, ErrDuplicateLabel or
// ErrHostFull.
func (db *DB) InsertDatabase(ctx context.Context, nd NewDatabase) error {
	d := nd.Database
	now := db.Now()
	return db.tx(ctx, func(tx *txn) error {
		hosts, warm := nd.Hosts, nd.Warm
		if hosts == nil {
			var err error
			if hosts, warm, err = candidateHosts(ctx, tx, d.Engine); err != nil {
				return err
			}
			if len(hosts) == 0 {
				return dbplane.ErrEngineDisabled
			}
			if nd.Order != nil {
				hosts = nd.Order(hosts)
			}
		}
		if err := reserveAccount(ctx, tx, d.AccountID); err != nil {
			return err
		}
		if d.ServerID != "" {
			if err := reserveServer(ctx, tx, d.ServerID); err != nil {
				return err
			}
		}
		var taken int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM databases WHERE account_id = ? AND label = ?`, d.AccountID, d.Label).Scan(&taken); err != nil {
			return err
		}
		if taken > 0 {
			return dbplane.ErrDuplicateLabel
		}
		if nd.Names != nil {
			var n int64
			err := tx.QueryRowContext(ctx, `INSERT INTO name_counters (account_id, engine, last) VALUES (?, ?, 1)
				ON CONFLICT (account_id, engine) DO UPDATE SET last = name_counters.last + 1 RETURNING last`, d.AccountID, string(d.Engine)).Scan(&n)
			if err != nil {
				return err
			}
			d.DBName, d.DBUser = nd.Names(n)
		}
		var err error
		if d.NumericID, err = db.dialect.nextID(ctx, tx, "databases"); err != nil {
			return err
		}
		var warmDB, warmUser string
		if d.HostID, warmDB, warmUser, err = reserveHost(ctx, tx, hosts, warm, db.dialect.skipLocked); err != nil {
			return err
		}
		d.Status = dbplane.StatusCreating
		d.CreatedAt, d.UpdatedAt = now.UTC().Truncate(1e6), now.UTC().Truncate(1e6)
		_, err = tx.ExecContext(ctx, `INSERT INTO databases (id, numeric_id, account_id, server_id, host_id, engine, label, db_name, db_user, remote,
			max_connections, sealed_password, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.ID, d.NumericID, d.AccountID, nullString(d.ServerID), d.HostID, string(d.Engine), d.Label, d.DBName, d.DBUser, d.Remote,
			d.MaxConnections, d.SealedPassword, string(d.Status), db.ms(now), db.ms(now))
		if err != nil {
			return translate(err, nil, dbplane.ErrDuplicateLabel)
		}
		in := nd.Intent
		in.Kind, in.DatabaseID = dbplane.IntentCreate, d.ID
		in.HostID, in.DBName, in.DBUser, in.Remote = d.HostID, d.DBName, d.DBUser, d.Remote
		in.WarmDB, in.WarmUser = warmDB, warmUser
		return insertIntent(ctx, tx, in, db.ms(now))
	})
}

// Database returns a database by ULID or numeric id, or ErrDatabaseNotFound.
func (db *DB) Database(ctx context.Context, ref string) (*dbplane.Database, error) {
	return findDatabase(ctx, readQuerier{db}, databaseFilter{}.ref(ref))
}

// AccountDatabase returns the account's database with that ULID. Another
// account's database reads as ErrDatabaseNotFound, never as forbidden.
func (db *DB) AccountDatabase(ctx context.Context, accountID, id string) (*dbplane.Database, error) {
	return findDatabase(ctx, readQuerier{db}, databaseFilter{ID: id, AccountID: accountID})
}

// ListDatabases returns the account's databases, oldest first.
func (db *DB) ListDatabases(ctx context.Context, accountID string) ([]*dbplane.Database, error) {
	return findDatabases(ctx, readQuerier{db}, databaseFilter{AccountID: accountID, ByCreated: true})
}

// ServerDatabases returns a page of a server's databases and the total.
func (db *DB) ServerDatabases(ctx context.Context, serverID string, p dbplane.Page) ([]*dbplane.Database, int, error) {
	// The counter leaves orphans out (their host was retired) but the
	// list shows them.
	var total int
	err := db.readRow(ctx, `SELECT database_count + (SELECT COUNT(*) FROM databases d WHERE d.server_id = s.id AND d.status = 'orphaned')
		FROM servers s WHERE s.id = ?`, serverID).Scan(&total)
	if err != nil && err != sql.ErrNoRows {
		return nil, 0, err
	}
	list, err := findDatabases(ctx, readQuerier{db}, databaseFilter{ServerID: serverID, Limit: p.PerPage, Offset: p.Offset()})
	return list, total, err
}

// ServerDatabase returns the server's database with that numeric id or
// ULID; another server's reads as ErrDatabaseNotFound.
func (db *DB) ServerDatabase(ctx context.Context, serverID, ref string) (*dbplane.Database, error) {
	return findDatabase(ctx, readQuerier{db}, databaseFilter{ServerID: serverID}.ref(ref))
}

// ListAllDatabases returns a filtered page of every database and the total.
func (db *DB) ListAllDatabases(ctx context.Context, f dbplane.DatabaseFilter) ([]*dbplane.Database, int, error) {
	df := databaseFilter{AccountID: f.AccountID, HostID: f.HostID, ServerID: f.ServerID, Engine: f.Engine, Status: f.Status}
	total, err := countDatabases(ctx, db, df)
	if err != nil {
		return nil, 0, err
	}
	df.Limit, df.Offset = f.Page.PerPage, f.Page.Offset()
	list, err := findDatabases(ctx, readQuerier{db}, df)
	return list, total, err
}
