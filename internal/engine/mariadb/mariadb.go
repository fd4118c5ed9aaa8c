package mariadb

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
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
	return &conn{db: db}, nil
}

// options are the validated Params that do not live in mysql.Config.
type options struct {
	maxOpenConns int
}

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

	switch cfg.TLS {
	case engine.TLSDisable:
	case engine.TLSPrefer, "":
		// TLS when the server offers it, unverified, as libpq's prefer.
		mc.TLS = &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}
		mc.AllowFallbackToPlaintext = true
	case engine.TLSRequire:
		mc.TLS = &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}
	case engine.TLSVerifyFull:
		mc.TLS = &tls.Config{ServerName: cfg.Host, MinVersion: tls.VersionTLS12}
		if serverName != "" {
			mc.TLS.ServerName = serverName
		}
		if caFile != "" {
			pem, err := os.ReadFile(caFile)
			if err != nil {
				return nil, opt, fmt.Errorf("param tls_ca_file: %w", err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return nil, opt, fmt.Errorf("param tls_ca_file: no PEM certificate in %s", caFile)
			}
			mc.TLS.RootCAs = pool
		}
	default:
		return nil, opt, fmt.Errorf("unknown TLS mode %q", cfg.TLS)
	}
	if (caFile != "" || serverName != "") && cfg.TLS != engine.TLSVerifyFull {
		return nil, opt, errors.New("params tls_ca_file and tls_server_name need TLS mode verify-full")
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
	db *sql.DB
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

// exec runs stmts in order on one session of the pool, ending sessions
// where a statement says so, and stops at the first error. A session that
// cannot be had (a refused dial, a dial or handshake that timed out) fails
// the operation before any statement is sent: the error is NotSent. A
// pooled session found dead before the first statement went out
// (driver.ErrBadConn, which the driver returns only when nothing was
// written) is replaced, as database/sql does for a single statement.
func (c *conn) exec(ctx context.Context, op string, stmts []stmt) error {
	for attempt := 1; ; attempt++ {
		sc, err := c.db.Conn(ctx)
		if err != nil {
			return notSent(op, err)
		}
		sent, err := run(ctx, sc, stmts)
		sc.Close()
		if err == nil {
			return nil
		}
		if !sent && errors.Is(err, driver.ErrBadConn) {
			if attempt < maxBadConnRetries {
				continue
			}
			return notSent(op, err)
		}
		return translate(op, err)
	}
}

// maxBadConnRetries bounds the dead pooled sessions exec replaces.
const maxBadConnRetries = 3

// run runs stmts on sc. sent is false when the first statement failed
// before reaching the server.
func run(ctx context.Context, sc *sql.Conn, stmts []stmt) (sent bool, err error) {
	for i, s := range stmts {
		if s.KillEach {
			err = kill(ctx, sc, s)
		} else {
			_, err = sc.ExecContext(ctx, s.SQL, s.Args...)
		}
		if err != nil {
			return i > 0 || !errors.Is(err, driver.ErrBadConn), err
		}
	}
	return true, nil
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
