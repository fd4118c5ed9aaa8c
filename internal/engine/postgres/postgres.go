package postgres

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/dbplane/dbplane/internal/engine"
)

const name = "postgres"

// Driver opens Conns to PostgreSQL servers.
type Driver struct{}

var _ engine.Driver = Driver{}

// Name returns "postgres".
func (Driver) Name() string { return name }

// Open validates cfg and returns a Conn with a pool that dials on first use.
func (Driver) Open(cfg engine.Config) (engine.Conn, error) {
	pc, err := poolConfig(cfg)
	if err != nil {
		return nil, &engine.Error{Op: opOpen, Engine: name, Err: err}
	}
	// NewWithConfig dials nothing while MinConns is 0.
	pool, err := pgxpool.NewWithConfig(context.Background(), pc)
	if err != nil {
		return nil, &engine.Error{Op: opOpen, Engine: name, Err: err}
	}
	return &conn{pool: pool, rand: rand.Reader}, nil
}

// conn is an engine.Conn on one server.
type conn struct {
	pool *pgxpool.Pool
	rand io.Reader // salts for SCRAM verifiers
}

var (
	_ engine.Conn         = (*conn)(nil)
	_ engine.Sizer        = (*conn)(nil)
	_ engine.AccessSetter = (*conn)(nil)
)

func (c *conn) Ping(ctx context.Context) error {
	return translate(opPing, c.pool.Ping(ctx))
}

func (c *conn) Version(ctx context.Context) (string, error) {
	var v string
	if err := c.pool.QueryRow(ctx, versionQuery).Scan(&v); err != nil {
		return "", translate(opVersion, err)
	}
	return v, nil
}

// CheckPrivileges accepts a superuser, or a role with both CREATEROLE and
// CREATEDB.
func (c *conn) CheckPrivileges(ctx context.Context) error {
	var super, createRole, createDB bool
	if err := c.pool.QueryRow(ctx, privilegesQuery).Scan(&super, &createRole, &createDB); err != nil {
		return translate(opCheckPrivileges, err)
	}
	if super {
		return nil
	}
	var missing []string
	if !createRole {
		missing = append(missing, "CREATEROLE")
	}
	if !createDB {
		missing = append(missing, "CREATEDB")
	}
	if len(missing) == 0 {
		return nil
	}
	return &engine.Error{Op: opCheckPrivileges, Engine: name, Kind: engine.ErrAccessDenied,
		Err: fmt.Errorf("admin role is not a superuser and lacks %w", &engine.MissingPrivileges{Names: missing})}
}

func (c *conn) EnsureDatabase(ctx context.Context, req engine.EnsureDatabaseRequest) (engine.EnsureDatabaseResponse, error) {
	var verifier string
	if !req.Placeholder {
		var err error
		if verifier, err = scramVerifier(c.rand, req.Password); err != nil {
			return engine.EnsureDatabaseResponse{}, &engine.Error{Op: opEnsure, Engine: name, Err: err}
		}
	}
	// A concurrent Ensure for the same names can create the role or the
	// database between our look and our CREATE: look again and converge.
	raced := func(err error) bool { return errors.Is(err, engine.ErrExists) }
	var claimed bool
	created, err := c.apply(ctx, opEnsure, req.Database, req.Owner, req.Claim, raced, func(st state) ([]stmt, error) {
		if req.Claim != nil {
			var stmts []stmt
			var err error
			stmts, claimed, err = renderClaim(req, verifier, st)
			return stmts, err
		}
		return renderEnsure(req, verifier, st)
	})
	return engine.EnsureDatabaseResponse{Created: created, Claimed: claimed && err == nil}, err
}

func (c *conn) DropDatabase(ctx context.Context, req engine.DropDatabaseRequest) error {
	// A concurrent Drop can remove the role between our look and our
	// ALTER ROLE: look again, and find less to do.
	raced := func(err error) bool { return errors.Is(err, engine.ErrNotExist) }
	_, err := c.apply(ctx, opDrop, req.Database, req.Owner, nil, raced, func(st state) ([]stmt, error) {
		return renderDrop(req, st)
	})
	return err
}

func (c *conn) SetPassword(ctx context.Context, req engine.SetPasswordRequest) error {
	verifier, err := scramVerifier(c.rand, req.Password)
	if err != nil {
		return &engine.Error{Op: opSetPassword, Engine: name, Err: err}
	}
	stmts, err := renderSetPassword(req, verifier)
	if err != nil {
		return translate(opSetPassword, err)
	}
	return c.retry(ctx, opSetPassword, func() error {
		_, err := c.pool.Exec(ctx, stmts[0].SQL, pgx.QueryExecModeSimpleProtocol)
		return err
	})
}

func (c *conn) SetAccess(ctx context.Context, req engine.SetAccessRequest) error {
	_, err := c.apply(ctx, opSetAccess, req.Database, req.Owner, nil, never, func(st state) ([]stmt, error) {
		return renderSetAccess(req, st)
	})
	return err
}

// DatabaseSizes returns the size in bytes of every non-template database the
// admin may connect to, in one query.
func (c *conn) DatabaseSizes(ctx context.Context) (map[string]int64, error) {
	rows, err := c.pool.Query(ctx, sizesQuery)
	if err != nil {
		return nil, translate(opSizes, err)
	}
	sizes := make(map[string]int64)
	var (
		db   string
		size *int64
	)
	_, err = pgx.ForEachRow(rows, []any{&db, &size}, func() error {
		if size != nil {
			sizes[db] = *size
		}
		return nil
	})
	if err != nil {
		return nil, translate(opSizes, err)
	}
	return sizes, nil
}

func (c *conn) Close() error {
	c.pool.Close()
	return nil
}
