package dbtest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/testcert"
)

// shared is one server per engine per test binary, started on first use.
type shared struct {
	once sync.Once
	srv  *Server
	err  error
}

var (
	sharedMariaDB     shared
	sharedPostgres    shared
	sharedMariaDBTLS  shared
	sharedPostgresTLS shared

	startedMu sync.Mutex
	started   []*Server // stopped by Main
)

// Main runs the tests and then stops every server this test binary started.
//
//	func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }
func Main(m *testing.M) int {
	code := m.Run()
	startedMu.Lock()
	servers := started
	started = nil
	startedMu.Unlock()
	for _, s := range servers {
		if err := s.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "dbtest: stop %s: %v\n", s.engine, err)
		}
	}
	return code
}

// MariaDB returns the test binary's MariaDB server, starting it on first
// use. It skips the test with -short, and when the binaries are missing
// (unless CI=true, where that fails the test). A failed start fails the
// test with the end of the server log.
func MariaDB(tb testing.TB) *Server {
	tb.Helper()
	return sharedServer(tb, &sharedMariaDB, engineMariaDB, "DBPLANE_TEST_MARIADB_URL", StartMariaDB)
}

// Postgres returns the test binary's PostgreSQL server, starting it on
// first use, under the same rules as MariaDB.
func Postgres(tb testing.TB) *Server {
	tb.Helper()
	return sharedServer(tb, &sharedPostgres, enginePostgres, "DBPLANE_TEST_POSTGRES_URL", StartPostgres)
}

// MariaDBTLS returns the test binary's MariaDB server with TLS on (a
// second server, beside MariaDB's), under the same rules. Its TLSCA is
// the CA bundle that verifies it for 127.0.0.1 and localhost;
// AdminConfig uses TLS require.
func MariaDBTLS(tb testing.TB) *Server {
	tb.Helper()
	cert := testcert.New(tb, "dbtest mariadb")
	return sharedServer(tb, &sharedMariaDBTLS, engineMariaDB, "", func(ctx context.Context, dir string) (*Server, error) {
		return StartMariaDBTLS(ctx, dir, cert)
	})
}

// PostgresTLS is MariaDBTLS for PostgreSQL.
func PostgresTLS(tb testing.TB) *Server {
	tb.Helper()
	cert := testcert.New(tb, "dbtest postgres")
	return sharedServer(tb, &sharedPostgresTLS, enginePostgres, "", func(ctx context.Context, dir string) (*Server, error) {
		return StartPostgresTLS(ctx, dir, cert)
	})
}

func sharedServer(tb testing.TB, sh *shared, name, envVar string, start func(context.Context, string) (*Server, error)) *Server {
	tb.Helper()
	if testing.Short() {
		tb.Skipf("dbtest: -short: not starting %s", name)
	}
	sh.once.Do(func() {
		if raw := os.Getenv(envVar); envVar != "" && raw != "" {
			sh.srv, sh.err = openExisting(name, raw)
			if sh.err != nil {
				sh.err = fmt.Errorf("%s: %w", envVar, sh.err)
			}
		} else {
			sh.srv, sh.err = startInTemp(name, start)
		}
		if sh.err == nil {
			startedMu.Lock()
			started = append(started, sh.srv)
			startedMu.Unlock()
		}
	})
	if errors.Is(sh.err, ErrNotInstalled) {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("dbtest: %s is required when CI=true: %v", name, sh.err)
		}
		tb.Skipf("dbtest: skipping, %s not available: %v", name, sh.err)
	}
	if sh.err != nil {
		tb.Fatalf("dbtest: %v", sh.err)
	}
	return sh.srv
}

// ownerFile marks a temp dir with the pid of the test binary that owns it.
const (
	tempPrefix = "dbplane-test-"
	ownerFile  = "owner.pid"
)

// startInTemp starts a server in a fresh temp dir that Stop removes.
func startInTemp(name string, start func(context.Context, string) (*Server, error)) (*Server, error) {
	base := tempBase()
	removeStaleDirs(base)
	dir, err := os.MkdirTemp(base, tempPrefix+name+"-")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := start(ctx, dir)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s.removeDir = true
	return s, nil
}

// tempBase is os.TempDir, unless this process runs as root and the postgres
// user could not reach it; then /tmp.
func tempBase() string {
	base := os.TempDir()
	if os.Geteuid() != 0 {
		return base
	}
	for d := base; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil || fi.Mode().Perm()&0o001 == 0 {
			return "/tmp"
		}
		if d == filepath.Dir(d) {
			return base
		}
	}
}

// removeStaleDirs removes the temp dirs of test binaries that died without
// running Main's cleanup. Their servers got SIGKILL when they died.
func removeStaleDirs(base string) {
	dirs, _ := filepath.Glob(filepath.Join(base, tempPrefix+"*"))
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, ownerFile))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 0 {
			continue
		}
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			os.RemoveAll(d)
		}
	}
}

// openExisting connects to a server given by an override URL:
// mysql://user:pass@host:port/ or postgres://user:pass@host:port/db.
func openExisting(name, raw string) (*Server, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("cannot parse the URL") // url's error would repeat the password
	}
	if name == engineMongo {
		return openExistingMongo(u)
	}
	s := &Server{engine: name, host: u.Hostname(), tls: engine.TLSDisable}
	if u.User != nil {
		s.user = u.User.Username()
		s.password, _ = u.User.Password()
	}
	switch name {
	case engineMariaDB:
		if u.Scheme != "mysql" && u.Scheme != "mariadb" {
			return nil, fmt.Errorf("scheme %q, want mysql://", u.Scheme)
		}
		s.port = 3306
	case enginePostgres:
		if u.Scheme != "postgres" && u.Scheme != "postgresql" {
			return nil, fmt.Errorf("scheme %q, want postgres://", u.Scheme)
		}
		s.port = 5432
		s.adminDB = strings.TrimPrefix(u.Path, "/")
		if s.adminDB == "" {
			s.adminDB = "postgres"
		}
	}
	if m := u.Query().Get("sslmode"); m != "" {
		s.tls = engine.TLSMode(m)
	}
	if p := u.Port(); p != "" {
		if s.port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("port %q: %w", p, err)
		}
	}
	if s.host == "" {
		s.host = "127.0.0.1"
	}
	db, err := s.open(s.user, s.password, s.adminDB)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("ping %s at %s:%d: %w", name, s.host, s.port, err)
	}
	db.SetMaxOpenConns(20)
	s.db = db
	return s, nil
}

// NewLimitedUser creates a login that lacks privileges dbplane needs (no
// CREATE USER, no GRANT OPTION for MariaDB; no CREATEROLE for PostgreSQL),
// drops it in tb.Cleanup and returns its config.
func (s *Server) NewLimitedUser(tb testing.TB) engine.Config {
	tb.Helper()
	if s.engine == engineMongo {
		return s.mongoNewLimitedUser(tb)
	}
	name := "lim_" + randomString(10, lower)
	password := randomString(24, alnum)
	var create, drop string
	switch s.engine {
	case engineMariaDB:
		acct := engine.QuoteLiteral(name, true) + "@'%'"
		create = "CREATE USER " + acct + " IDENTIFIED BY " + engine.QuoteLiteral(password, true)
		drop = "DROP USER IF EXISTS " + acct
	case enginePostgres:
		create = "CREATE ROLE " + engine.QuoteIdent('"', name) + " LOGIN NOCREATEROLE CREATEDB PASSWORD " + engine.QuoteLiteral(password, false)
		drop = "DROP ROLE IF EXISTS " + engine.QuoteIdent('"', name)
	}
	s.mustExec(tb, create)
	if s.engine == engineMariaDB {
		s.mustExec(tb, "GRANT SELECT, CREATE, DROP ON *.* TO "+engine.QuoteLiteral(name, true)+"@'%'")
	}
	tb.Cleanup(func() { s.mustExec(tb, drop) })
	cfg := s.AdminConfig()
	cfg.User, cfg.Password = name, password
	return cfg
}

// NewDatabase creates an empty database owned by the superuser, drops it in
// tb.Cleanup and returns its name. Use URL(name) to reach it.
func (s *Server) NewDatabase(tb testing.TB) string {
	tb.Helper()
	if s.engine == engineMongo {
		return s.mongoNewDatabase(tb)
	}
	name := "t_" + randomString(12, lower)
	q := byte('`')
	drop := "DROP DATABASE IF EXISTS "
	if s.engine == enginePostgres {
		q = '"'
	}
	s.mustExec(tb, "CREATE DATABASE "+engine.QuoteIdent(q, name))
	tb.Cleanup(func() {
		stmt := drop + engine.QuoteIdent(q, name)
		if s.engine == enginePostgres {
			stmt += " WITH (FORCE)"
		}
		s.mustExec(tb, stmt)
	})
	return name
}

func (s *Server) mustExec(tb testing.TB, stmt string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := s.db.ExecContext(ctx, stmt); err != nil {
		tb.Fatalf("dbtest: %s: %v", strings.SplitN(stmt, " IDENTIFIED", 2)[0], err)
	}
}

const lower = "abcdefghijklmnopqrstuvwxyz"
