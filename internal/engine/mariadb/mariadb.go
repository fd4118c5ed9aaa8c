package mariadb

import (
	"context"
	"crypto/tls"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/dbplane/dbplane/internal/engine"
)

const driverName = "mariadb"

// Defaults for the Params documented in doc.go.
const (
	defaultPort         = 3306
	defaultDialTimeout  = 5 * time.Second
	defaultReadTimeout  = 30 * time.Second
	defaultWriteTimeout = 30 * time.Second
	defaultMaxOpenConns = 8
)

// Driver opens connections to MariaDB (and MySQL-compatible) servers.
type Driver struct{}

var _ engine.Driver = Driver{}

// Name returns "mariadb".
func (Driver) Name() string { return driverName }

// Open validates cfg and returns a Conn with its own pool of admin
// connections. It does not dial.
func (Driver) Open(cfg engine.Config) (engine.Conn, error) {
	mc, opt, err := mysqlConfig(cfg)
	if err != nil {
		return nil, &engine.Error{Op: engine.OpOpen, Engine: driverName, Err: err}
	}
	connector, err := mysql.NewConnector(mc)
	if err != nil {
		return nil, &engine.Error{Op: engine.OpOpen, Engine: driverName, Err: err}
	}
	db := sql.OpenDB(connector)
	db.SetMaxOpenConns(opt.maxOpenConns)
	db.SetMaxIdleConns(opt.maxOpenConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	db.SetConnMaxLifetime(time.Hour)
	c := &conn{db: db}
	c.sized.Store(opt.poolSet)
	return c, nil
}

// options are the validated Params that do not live in mysql.Config.
type options struct {
	maxOpenConns int
	poolSet      bool // Config.PoolSize or max_open_conns was given: no sizing from the server
}

// poolSize is the admin pool for a server with maxConnections: a quarter
// of it, so that several dbplane replicas and the tenants keep room, at
// least minPool and at most maxPool (more connections than that only queue
// DDL inside the server on a small host).
func poolSize(maxConnections int) int {
	return min(max(maxConnections/4, minPool), maxPool)
}

// Bounds of poolSize.
const (
	minPool = 2
	maxPool = 64
)

// mysqlConfig turns cfg into the go-sql-driver configuration. Errors name
// the field at fault and never include the password.
func mysqlConfig(cfg engine.Config) (*mysql.Config, options, error) {
	opt := options{maxOpenConns: defaultMaxOpenConns}
	if cfg.Host == "" {
		return nil, opt, errors.New("host is required")
	}
	if cfg.User == "" {
		return nil, opt, errors.New("user is required")
	}
	port := cfg.Port
	if port == 0 {
		port = defaultPort
	}
	if port < 1 || port > 65535 {
		return nil, opt, fmt.Errorf("port %d is out of range", cfg.Port)
	}

	mc := mysql.NewConfig()
	mc.Net = "tcp"
	mc.Addr = net.JoinHostPort(cfg.Host, strconv.Itoa(port))
	mc.User = cfg.User
	mc.Passwd = cfg.Password
	mc.DBName = cfg.Database
	mc.Timeout = defaultDialTimeout
	mc.ReadTimeout = defaultReadTimeout
	mc.WriteTimeout = defaultWriteTimeout
	mc.Logger = &mysql.NopLogger{} // the driver would print to stderr
	// Bound arguments are quoted by the driver into the statement text: one
	// round trip per statement instead of prepare, execute and close. Only
	// checked names and server-made ids are ever bound.
	mc.InterpolateParams = true

	var caFile, serverName string
	for k, v := range cfg.Params {
		var err error
		switch k {
		case "dial_timeout":
			mc.Timeout, err = positiveDuration(k, v)
		case "read_timeout":
			mc.ReadTimeout, err = positiveDuration(k, v)
		case "write_timeout":
			mc.WriteTimeout, err = positiveDuration(k, v)
		case "max_open_conns":
			opt.maxOpenConns, err = strconv.Atoi(v)
			if err != nil || opt.maxOpenConns < 1 {
				err = fmt.Errorf("param %s must be a positive integer, got %q", k, v)
			}
			opt.poolSet = true
		case "tls_ca_file":
			caFile = v
		case "tls_server_name":
			serverName = v
		default:
			err = fmt.Errorf("unknown param %q", k)
		}
		if err != nil {
			return nil, opt, err
		}
	}

	switch {
	case cfg.PoolSize < 0:
		return nil, opt, fmt.Errorf("pool size %d is negative", cfg.PoolSize)
	case cfg.PoolSize > 0: // the host's setting wins over max_open_conns
		opt.maxOpenConns, opt.poolSet = cfg.PoolSize, true
	}
	if serverName != "" && cfg.TLSServerName == "" {
		cfg.TLSServerName = serverName
	}
	switch cfg.TLS {
	case engine.TLSDisable:
	case engine.TLSPrefer, "":
		// TLS when the server offers it, unverified, as libpq's prefer.
		mc.TLS = &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}
		mc.AllowFallbackToPlaintext = true
	case engine.TLSRequire:
		mc.TLS = &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}
	case engine.TLSVerifyFull:
	default:
		return nil, opt, fmt.Errorf("unknown TLS mode %q", cfg.TLS)
	}
	verify, err := engine.VerifyTLS(cfg, caFile)
	if err != nil {
		return nil, opt, err
	}
	if verify != nil {
		mc.TLS = verify
	}
	return mc, opt, nil
}

func positiveDuration(key, v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("param %s must be a positive duration such as 5s, got %q", key, v)
	}
	return d, nil
}

// conn is an engine.Conn on one server.
type conn struct {
	db    *sql.DB
	sized atomic.Bool // the pool was sized from the server's max_connections
}

var (
	_ engine.Conn         = (*conn)(nil)
	_ engine.Sizer        = (*conn)(nil)
	_ engine.AccessSetter = (*conn)(nil)
)

// Ping dials if the pool has no connection, which checks the admin
// credentials, and round-trips to the server.
func (c *conn) Ping(ctx context.Context) error {
	return translate(opPing, c.db.PingContext(ctx))
}

// Version returns the server's version string, such as
// "10.11.6-MariaDB-0+deb12u1".
func (c *conn) Version(ctx context.Context) (string, error) {
	s := renderVersion()
	var v string
	if err := c.db.QueryRowContext(ctx, s.SQL).Scan(&v); err != nil {
		return "", translate(opVersion, err)
	}
	return v, nil
}

// Close closes the pool.
func (c *conn) Close() error { return c.db.Close() }

// session runs f on one admin connection taken from the pool once, so that
// an operation's statements queue for the pool once, not once each. The
// first session sizes the pool from the server's max_connections (see
// poolSize) unless Config.PoolSize or max_open_conns was given; a failed look leaves the
// default and is tried again by the next session.
func (c *conn) session(ctx context.Context, op string, f func(sc *sql.Conn) error) error {
	sc, err := c.db.Conn(ctx)
	if err != nil {
		// No session (a refused dial, a dial or handshake that timed
		// out; database/sql replaces a dead pooled one itself): nothing
		// was sent, and the operation changed nothing.
		return notSent(op, err)
	}
	defer sc.Close()
	c.sizePool(ctx, sc)
	return f(sc)
}

func (c *conn) sizePool(ctx context.Context, sc *sql.Conn) {
	if c.sized.Load() {
		return
	}
	var n int
	if err := sc.QueryRowContext(ctx, "SELECT @@max_connections").Scan(&n); err != nil {
		return
	}
	if c.sized.CompareAndSwap(false, true) {
		c.db.SetMaxOpenConns(poolSize(n))
		c.db.SetMaxIdleConns(poolSize(n))
	}
}

// exec runs stmts in order on one session, ending sessions where a
// statement says so, and stops at the first error.
func (c *conn) exec(ctx context.Context, op string, stmts []stmt) error {
	return c.session(ctx, op, func(sc *sql.Conn) error { return execOn(ctx, sc, op, stmts) })
}

// execOn runs stmts in order on sc and stops at the first error.
func execOn(ctx context.Context, sc *sql.Conn, op string, stmts []stmt) error {
	for _, s := range stmts {
		var err error
		if s.KillEach {
			err = kill(ctx, sc, s)
		} else {
			_, err = sc.ExecContext(ctx, s.SQL, s.Args...)
		}
		if err != nil {
			return translate(op, err)
		}
	}
	return nil
}

// notSent translates err, met before anything was sent, as NotSent.
func notSent(op string, err error) error {
	err = translate(op, err)
	var ee *engine.Error
	if errors.As(err, &ee) {
		ee.NotSent = true
	}
	return err
}

// kill ends every session the query s lists. A session that ended on its
// own in between is not an error.
func kill(ctx context.Context, sc *sql.Conn, s stmt) error {
	ids, err := sessionIDs(ctx, sc, s)
	if err != nil {
		return err
	}
	for _, id := range ids {
		k := renderKill(id)
		_, err := sc.ExecContext(ctx, k.SQL, k.Args...)
		var me *mysql.MySQLError
		if errors.As(err, &me) && me.Number == 1094 { // ER_NO_SUCH_THREAD
			continue
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func sessionIDs(ctx context.Context, sc *sql.Conn, s stmt) ([]uint64, error) {
	rows, err := sc.QueryContext(ctx, s.SQL, s.Args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []uint64
	for rows.Next() {
		var id uint64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
