package postgres

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"sync/atomic"

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
// With a pool size (Config.PoolSize or max_conns) the pool is made here;
// without one it is made at the first operation, sized from the server
// (pool).
func (Driver) Open(cfg engine.Config) (engine.Conn, error) {
	pc, err := poolConfig(cfg)
	if err != nil {
		return nil, &engine.Error{Op: opOpen, Engine: name, Err: err}
	}
	c := &conn{cfg: pc, rand: rand.Reader, making: make(chan struct{}, 1)}
	if pc.MaxConns > 0 {
		// NewWithConfig dials nothing while MinConns is 0.
		pool, err := pgxpool.NewWithConfig(context.Background(), pc)
		if err != nil {
			return nil, &engine.Error{Op: opOpen, Engine: name, Err: err}
		}
		c.p.Store(pool)
	}
	return c, nil
}

// conn is an engine.Conn on one server.
type conn struct {
	cfg  *pgxpool.Config // MaxConns 0 until the pool is sized from the server
	rand io.Reader       // salts for SCRAM verifiers

	p      atomic.Pointer[pgxpool.Pool] // nil until made
	making chan struct{}                // held while the pool is made, and by Close
	closed bool                         // under making
}

// errClosed is what an operation on a closed Conn meets.
var errClosed = errors.New("connection closed")

// pool returns the Conn's pool, making it at the first operation when Open
// did not: pgxpool's MaxConns is fixed when a pool is made, so one session
// of its own reads the server's max_connections first (poolSize), then
// closes. That costs the first operation one more handshake; every later
// one uses the pool. Concurrent first operations wait for the one making
// it. A failure (the server unreachable, say) makes no pool, sends none of
// op's statements, and the next operation tries again.
func (c *conn) pool(ctx context.Context, op string) (*pgxpool.Pool, error) {
	if p := c.p.Load(); p != nil {
		return p, nil
	}
	select {
	case c.making <- struct{}{}:
	case <-ctx.Done():
		return nil, notSent(op, ctx.Err())
	}
	defer func() { <-c.making }()
	if p := c.p.Load(); p != nil {
		return p, nil
	}
	if c.closed {
		return nil, notSent(op, errClosed)
	}
	n, err := c.maxConnections(ctx)
	if err != nil {
		return nil, notSent(op, err)
	}
	pc := c.cfg.Copy()
	pc.MaxConns = poolSize(n)
	p, err := pgxpool.NewWithConfig(context.Background(), pc)
	if err != nil {
		return nil, notSent(op, err)
	}
	c.p.Store(p)
	return p, nil
}

// maxConnections reads the server's max_connections on a session of its own.
func (c *conn) maxConnections(ctx context.Context) (int, error) {
	s, err := pgx.ConnectConfig(ctx, c.cfg.ConnConfig.Copy())
	if err != nil {
		return 0, err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), unlockTimeout)
		s.Close(cctx)
		cancel()
	}()
	var n int
	err = s.QueryRow(ctx, "SELECT current_setting('max_connections')::int").Scan(&n)
	return n, err
}

// notSent translates err, met before any of op's statements was sent, as
// NotSent.
func notSent(op string, err error) error {
	err = translate(op, err)
	if ee, ok := errors.AsType[*engine.Error](err); ok {
		ee.NotSent = true
	}
	return err
}

var (
	_ engine.Conn         = (*conn)(nil)
	_ engine.Sizer        = (*conn)(nil)
	_ engine.AccessSetter = (*conn)(nil)
)

func (c *conn) Ping(ctx context.Context) error {
	p, err := c.pool(ctx, opPing)
	if err != nil {
		return err
	}
	return translate(opPing, p.Ping(ctx))
}

func (c *conn) Version(ctx context.Context) (string, error) {
	p, err := c.pool(ctx, opVersion)
	if err != nil {
		return "", err
	}
	var v string
	if err := p.QueryRow(ctx, versionQuery).Scan(&v); err != nil {
		return "", translate(opVersion, err)
	}
	return v, nil
}

// CheckPrivileges accepts a superuser, or a role with both CREATEROLE and
// CREATEDB.
func (c *conn) CheckPrivileges(ctx context.Context) error {
	p, err := c.pool(ctx, opCheckPrivileges)
	if err != nil {
		return err
	}
	var super, createRole, createDB bool
	if err := p.QueryRow(ctx, privilegesQuery).Scan(&super, &createRole, &createDB); err != nil {
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
	verifier, err := scramVerifier(c.rand, req.Password)
	if err != nil {
		return engine.EnsureDatabaseResponse{}, &engine.Error{Op: opEnsure, Engine: name, Err: err}
	}
	// A concurrent Ensure for the same names can create the role or the
	// database between our look and our CREATE: look again and converge.
	raced := func(err error) bool { return errors.Is(err, engine.ErrExists) }
	created, err := c.apply(ctx, opEnsure, req.Database, req.Owner, raced, func(st state) ([]stmt, error) {
		return renderEnsure(req, verifier, st)
	})
	return engine.EnsureDatabaseResponse{Created: created}, err
}

func (c *conn) DropDatabase(ctx context.Context, req engine.DropDatabaseRequest) error {
	// A concurrent Drop can remove the role between our look and our
	// ALTER ROLE: look again, and find less to do.
	raced := func(err error) bool { return errors.Is(err, engine.ErrNotExist) }
	_, err := c.apply(ctx, opDrop, req.Database, req.Owner, raced, func(st state) ([]stmt, error) {
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
	p, err := c.pool(ctx, opSetPassword)
	if err != nil {
		return err
	}
	return c.retry(ctx, opSetPassword, func() error {
		_, err := p.Exec(ctx, stmts[0].SQL, pgx.QueryExecModeSimpleProtocol)
		return err
	})
}

func (c *conn) SetAccess(ctx context.Context, req engine.SetAccessRequest) error {
	_, err := c.apply(ctx, opSetAccess, req.Database, req.Owner, never, func(st state) ([]stmt, error) {
		return renderSetAccess(req, st)
	})
	return err
}

// DatabaseSizes returns the size in bytes of every non-template database the
// admin may connect to, in one query.
func (c *conn) DatabaseSizes(ctx context.Context) (map[string]int64, error) {
	p, err := c.pool(ctx, opSizes)
	if err != nil {
		return nil, err
	}
	rows, err := p.Query(ctx, sizesQuery)
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

// Close closes the pool, once an operation making it is done; later
// operations fail.
func (c *conn) Close() error {
	c.making <- struct{}{}
	c.closed = true
	<-c.making
	if p := c.p.Load(); p != nil {
		p.Close()
	}
	return nil
}
