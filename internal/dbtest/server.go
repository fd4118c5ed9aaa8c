package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/testcert"
)

// Engine names, as the engine drivers name themselves.
const (
	engineMariaDB  = "mariadb"
	enginePostgres = "postgres"
)

// readyTimeout bounds how long a started server may take to answer a ping.
const readyTimeout = 30 * time.Second

// Server is a running MariaDB or PostgreSQL server: one this package started
// or, with an env override, an existing one.
type Server struct {
	engine   string
	host     string
	port     int
	user     string // superuser
	password string
	adminDB  string // "" for MariaDB
	tls      engine.TLSMode
	caPEM    string // the certificate it serves, for a server started with TLS

	proc      *process                         // nil for an existing server
	start     func(port int) (*process, error) // starts proc again (Restart)
	logPath   string
	stopSig   syscall.Signal
	dir       string // where the server's files live; "" for an existing server
	removeDir bool   // this package made dir and removes it at Stop
	db        *sql.DB

	stopOnce sync.Once
	stopErr  error
}

// Engine returns "mariadb", "postgres" or "mongo".
func (s *Server) Engine() string { return s.engine }

// Addr returns the TCP address the server listens on.
func (s *Server) Addr() (host string, port int) { return s.host, s.port }

// AdminConfig returns the superuser's config: root for MariaDB, postgres
// (on database postgres) for PostgreSQL, over TCP without TLS.
func (s *Server) AdminConfig() engine.Config {
	return engine.Config{
		Host:     s.host,
		Port:     s.port,
		User:     s.user,
		Password: s.password,
		Database: s.adminDB,
		TLS:      s.tls,
	}
}

// TLSCA returns the PEM certificate a server started with TLS serves (a
// self-signed one for 127.0.0.1 and localhost, so also the CA bundle
// that verifies it), or "" for a server without TLS.
func (s *Server) TLSCA() string { return s.caPEM }

// writeCert writes cert's certificate and key for a server (key mode
// 0600), owned by cred's user when cred is set.
func writeCert(cert testcert.Cert, certFile, keyFile string, cred *syscall.Credential) error {
	for _, f := range []struct {
		name string
		data []byte
	}{{certFile, cert.CertPEM}, {keyFile, cert.KeyPEM}} {
		if err := os.WriteFile(f.name, f.data, 0o600); err != nil {
			return err
		}
		if cred != nil {
			if err := os.Chown(f.name, int(cred.Uid), int(cred.Gid)); err != nil {
				return err
			}
		}
	}
	return nil
}

// AdminDB returns a pool logged in as the superuser on the admin database,
// for tests to inspect the server's state. Stop closes it.
func (s *Server) AdminDB() *sql.DB { return s.db }

// URL returns a URL for the superuser on database, in the form the
// DBPLANE_TEST_*_URL overrides take: mysql://root:pw@127.0.0.1:port/db or
// postgres://postgres:pw@127.0.0.1:port/db?sslmode=disable.
func (s *Server) URL(database string) string {
	if s.engine == engineMongo {
		return s.mongoURL(database)
	}
	u := url.URL{
		Scheme: "mysql",
		User:   url.UserPassword(s.user, s.password),
		Host:   net.JoinHostPort(s.host, strconv.Itoa(s.port)),
		Path:   "/" + database,
	}
	if s.engine == enginePostgres {
		u.Scheme = "postgres"
		u.RawQuery = url.Values{"sslmode": {string(s.tls)}}.Encode()
	}
	return u.String()
}

// ConnectAs logs in over TCP as user to database and runs SELECT 1. It
// returns the login error, so a wrong password fails.
func (s *Server) ConnectAs(ctx context.Context, user, password, database string) error {
	if s.engine == engineMongo {
		return s.mongoConnectAs(ctx, user, password, database)
	}
	db, err := s.open(user, password, database)
	if err != nil {
		return err
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(ctx, "SELECT 1").Scan(&n); err != nil {
		return fmt.Errorf("connect to %s as %s: %w", database, user, err)
	}
	return nil
}

// ExecAs logs in as user to database and runs one statement, to probe what
// the user may do.
func (s *Server) ExecAs(ctx context.Context, user, password, database, stmt string) error {
	if s.engine == engineMongo {
		return s.mongoExecAs(ctx, user, password, database, stmt)
	}
	db, err := s.open(user, password, database)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("exec on %s as %s: %w", database, user, err)
	}
	return nil
}

// open returns a single-connection pool for user on database. It does not
// dial.
func (s *Server) open(user, password, database string) (*sql.DB, error) {
	var db *sql.DB
	switch s.engine {
	case engineMariaDB:
		cfg := mysql.NewConfig()
		cfg.User = user
		cfg.Passwd = password
		cfg.Net = "tcp"
		cfg.Addr = net.JoinHostPort(s.host, strconv.Itoa(s.port))
		cfg.DBName = database
		cfg.Timeout = 5 * time.Second
		if s.tls != engine.TLSDisable && s.tls != "" {
			cfg.TLSConfig = mysqlTLS(s.tls)
		}
		c, err := mysql.NewConnector(cfg)
		if err != nil {
			return nil, fmt.Errorf("mysql config: %w", err)
		}
		db = sql.OpenDB(c)
	case enginePostgres:
		u := url.URL{
			Scheme:   "postgres",
			Host:     net.JoinHostPort(s.host, strconv.Itoa(s.port)),
			Path:     "/" + database,
			RawQuery: url.Values{"sslmode": {string(s.tls)}, "connect_timeout": {"5"}}.Encode(),
		}
		cfg, err := pgx.ParseConfig(u.String())
		if err != nil {
			return nil, fmt.Errorf("postgres config: %w", err)
		}
		// Set after parsing: an empty password must not fall back to
		// PGPASSWORD or ~/.pgpass.
		cfg.User = user
		cfg.Password = password
		db = stdlib.OpenDB(*cfg)
	default:
		return nil, fmt.Errorf("dbtest: unknown engine %q", s.engine)
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

// mysqlTLS maps a libpq-style mode onto go-sql-driver's tls parameter.
func mysqlTLS(m engine.TLSMode) string {
	switch m {
	case engine.TLSPrefer:
		return "preferred"
	case engine.TLSRequire:
		return "skip-verify"
	default:
		return "true"
	}
}

// Stop stops the server, closes AdminDB and, for a server started by
// MariaDB or Postgres, removes its temp dir. For StartMariaDB and
// StartPostgres it leaves the caller's dir in place. It is safe to call
// more than once.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		if s.db != nil {
			s.db.Close()
		}
		if s.proc != nil {
			s.stopErr = s.proc.stop(s.stopSig)
		}
		if s.removeDir && s.dir != "" {
			if err := os.RemoveAll(s.dir); err != nil && s.stopErr == nil {
				s.stopErr = err
			}
		}
	})
	return s.stopErr
}

// waitReady pings db until it answers, the process exits or readyTimeout
// passes.
func waitReady(ctx context.Context, p *process, db *sql.DB) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	for {
		pctx, pcancel := context.WithTimeout(ctx, 2*time.Second)
		err := db.PingContext(pctx)
		pcancel()
		if err == nil {
			return nil
		}
		select {
		case <-p.done:
			return fmt.Errorf("server exited before it was ready: %v", p.err)
		case <-ctx.Done():
			return fmt.Errorf("server not ready after %s: %w", readyTimeout, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// randomString returns n characters of charset from crypto/rand.
func randomString(n int, charset string) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	for i := range b {
		b[i] = charset[int(b[i])%len(charset)]
	}
	return string(b)
}
