package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/dbplane/dbplane"
)

// Advisory lock keys of the PostgreSQL store: one database holds one
// dbplane deployment, so fixed keys are enough.
const (
	migrateLockKey int64 = 0x6462706c_616e6501 // "dbplane" 1: migrations
	leaderLockKey  int64 = 0x6462706c_616e6502 // "dbplane" 2: the leader
)

// postgresPoolSize is the pool of one replica: a create holds a
// connection for two short transactions (design/scale-out.md §2.1).
const postgresPoolSize = 16

func newPostgresDialect() *dialect {
	return &dialect{
		name:           "postgres",
		migrations:     "migrations/postgres",
		open:           openPostgres,
		dollar:         true,
		lockMigrations: postgresLockMigrations,
		retryable:      postgresRetryable,
		nextID:         postgresNextID,
		updateSizes:    postgresUpdateSizes,
		skipLocked:     ` FOR UPDATE SKIP LOCKED`,
		elect:          postgresElect,
		fence:          `SELECT epoch FROM leadership WHERE name = 'background' FOR SHARE`,
	}
}

// parsePostgresURL reads a store URL. Its error never repeats the URL
// (nor the parser's message, which may quote it): the URL holds a
// password.
func parsePostgresURL(source string) (*pgx.ConnConfig, error) {
	cfg, err := pgx.ParseConfig(source)
	if err != nil {
		return nil, dbplane.Errorf(dbplane.CodeInvalid, "the store URL is not a valid postgres:// URL")
	}
	if cfg.RuntimeParams["application_name"] == "" {
		cfg.RuntimeParams["application_name"] = "dbplane"
	}
	return cfg, nil
}

// idleInTransactionTimeout ends a pool session left idle inside a
// transaction: no statement of the store waits on anything but the
// database inside one, so this is a frozen or dead process, whose row
// locks (its epoch fence among them) must not hold up the others.
const idleInTransactionTimeout = "15s"

// openPostgres opens one pool for reads and writes: PostgreSQL serializes
// conflicting writes itself, row by row.
func openPostgres(d *dialect, source string) (write, read *sql.DB, err error) {
	cfg, err := parsePostgresURL(source)
	if err != nil {
		return nil, nil, err
	}
	d.pg = cfg.Copy()
	if cfg.RuntimeParams["idle_in_transaction_session_timeout"] == "" {
		cfg.RuntimeParams["idle_in_transaction_session_timeout"] = idleInTransactionTimeout
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(postgresPoolSize)
	db.SetMaxIdleConns(postgresPoolSize)
	return db, db, nil
}

// postgresLockMigrations takes a session advisory lock on a connection of
// its own, so replicas that start together migrate one after the other:
// the first applies the files, the others find them applied.
func postgresLockMigrations(ctx context.Context, db *DB) (func(), error) {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrateLockKey); err != nil {
		conn.Close()
		return nil, fmt.Errorf("wait for other replicas' migrations: %w", err)
	}
	return func() {
		if _, err := conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, migrateLockKey); err != nil {
			// Do not hand a connection holding the lock back to the pool.
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		conn.Close()
	}, nil
}

// postgresRetryable: serialization failures and deadlocks, after which
// PostgreSQL expects the transaction to be run again; and a session that
// ended under the transaction (an administrator, a restart or a failover
// of the server: class 57P; a broken connection: class 08 or a network
// error), which the pool replaces. tx never runs a failed commit again.
func postgresRetryable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "40001" || pe.Code == "40P01" || strings.HasPrefix(pe.Code, "57P") || strings.HasPrefix(pe.Code, "08")
	}
	var ne net.Error
	return errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.As(err, &ne) || pgconn.SafeToRetry(err)
}

// postgresNextID takes the table's native sequence: it never hands out a
// value twice (a rolled-back create leaves a gap), and unlike a counter
// row it holds no lock until commit.
func postgresNextID(ctx context.Context, tx *txn, table string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT nextval(?::regclass)`, table+"_numeric_id").Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("next %s id: %w", table, err)
	}
	return id, nil
}

// postgresUpdateSizes writes every size in one statement, whatever the
// number of databases on the host (one round trip, not one per row).
func postgresUpdateSizes(ctx context.Context, tx *txn, hostID string, names []string, sizes []int64, at int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE databases d SET size_bytes = m.size, size_refreshed_at = ?
		FROM unnest(?::text[], ?::bigint[]) AS m(name, size) WHERE d.host_id = ? AND d.db_name = m.name`,
		at, names, sizes, hostID)
	return err
}
