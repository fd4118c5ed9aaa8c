package postgres

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

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

// drainTimeout bounds how long an operation waits for terminated backends
// to exit when ctx has no earlier deadline.
const drainTimeout = 10 * time.Second

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
		Err: fmt.Errorf("admin role is not a superuser and lacks %s", strings.Join(missing, " and "))}
}

func (c *conn) EnsureDatabase(ctx context.Context, req engine.EnsureDatabaseRequest) (engine.EnsureDatabaseResponse, error) {
	verifier, err := scramVerifier(c.rand, req.Password)
	if err != nil {
		return engine.EnsureDatabaseResponse{}, &engine.Error{Op: opEnsure, Engine: name, Err: err}
	}
	// A concurrent Ensure for the same names can create the role or the
	// database between our look and our CREATE. Each such loss means one
	// more object exists, so after at most two the next look converges.
	for attempt := 0; ; attempt++ {
		st, err := c.inspect(ctx, opEnsure, req.Database, req.Owner)
		if err != nil {
			return engine.EnsureDatabaseResponse{}, err
		}
		stmts, err := renderEnsure(req, verifier, st)
		if err != nil {
			return engine.EnsureDatabaseResponse{}, translate(opEnsure, err)
		}
		err = c.run(ctx, opEnsure, stmts)
		if errors.Is(err, engine.ErrExists) && attempt < 2 {
			continue
		}
		if err != nil {
			return engine.EnsureDatabaseResponse{}, err
		}
		return engine.EnsureDatabaseResponse{Created: !st.DBExists}, nil
	}
}

func (c *conn) DropDatabase(ctx context.Context, req engine.DropDatabaseRequest) error {
	st, err := c.inspect(ctx, opDrop, req.Database, req.Owner)
	if err != nil {
		return err
	}
	stmts, err := renderDrop(req, st)
	if err != nil {
		return translate(opDrop, err)
	}
	err = c.run(ctx, opDrop, stmts)
	if errors.Is(err, engine.ErrNotExist) {
		return nil // dropped by someone else meanwhile
	}
	return err
}

func (c *conn) SetPassword(ctx context.Context, req engine.SetPasswordRequest) error {
	verifier, err := scramVerifier(c.rand, req.Password)
	if err != nil {
		return &engine.Error{Op: opSetPassword, Engine: name, Err: err}
	}
	if err := engine.CheckName("user", req.Owner); err != nil {
		return translate(opSetPassword, err)
	}
	st, err := c.inspectRole(ctx, opSetPassword, req.Owner)
	if err != nil {
		return err
	}
	stmts, err := renderSetPassword(req, verifier, st)
	if err != nil {
		return translate(opSetPassword, err)
	}
	return c.run(ctx, opSetPassword, stmts)
}

func (c *conn) SetAccess(ctx context.Context, req engine.SetAccessRequest) error {
	st, err := c.inspect(ctx, opSetAccess, req.Database, req.Owner)
	if err != nil {
		return err
	}
	stmts, err := renderSetAccess(req, st)
	if err != nil {
		return translate(opSetAccess, err)
	}
	return c.run(ctx, opSetAccess, stmts)
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

// inspect reads the state of a database and its owner role.
func (c *conn) inspect(ctx context.Context, op, database, owner string) (state, error) {
	q, err := renderInspect(database, owner)
	if err != nil {
		return state{}, translate(op, err)
	}
	var st state
	err = c.pool.QueryRow(ctx, q.SQL, q.Args...).Scan(&st.DBExists, &st.DBOwner, &st.RoleExists, &st.RoleForeign)
	if err != nil {
		return state{}, translate(op, err)
	}
	return st, nil
}

// inspectRole is inspect for an operation that names no database.
func (c *conn) inspectRole(ctx context.Context, op, owner string) (state, error) {
	var st state
	err := c.pool.QueryRow(ctx, inspectQuery, "", owner).Scan(&st.DBExists, &st.DBOwner, &st.RoleExists, &st.RoleForeign)
	if err != nil {
		return state{}, translate(op, err)
	}
	return st, nil
}

// run executes stmts in order, each on its own (CREATE DATABASE and DROP
// DATABASE may not run inside a transaction block), and stops at the first
// error.
func (c *conn) run(ctx context.Context, op string, stmts []stmt) error {
	for _, s := range stmts {
		var err error
		switch {
		case s.Drain:
			err = c.drain(ctx, s)
		case len(s.Args) == 0:
			// Simple protocol: one round trip, and no prepared statement
			// holding a verifier stays cached on either side.
			_, err = c.pool.Exec(ctx, s.SQL, pgx.QueryExecModeSimpleProtocol)
		default:
			_, err = c.pool.Exec(ctx, s.SQL, s.Args...)
		}
		if err != nil {
			return translate(op, err)
		}
	}
	return nil
}

// drain runs a terminate query until it finds no backend left, so callers
// can rely on the sessions being gone when the operation returns.
func (c *conn) drain(ctx context.Context, s stmt) error {
	deadline := time.Now().Add(drainTimeout)
	wait := time.Millisecond
	for {
		var n int64
		if err := c.pool.QueryRow(ctx, s.SQL, s.Args...).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d sessions still running %s after they were terminated", n, drainTimeout)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		wait = min(2*wait, 50*time.Millisecond)
	}
}
