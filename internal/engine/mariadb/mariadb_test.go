package mariadb_test

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/dbplane/dbplane/internal/dbtest"
	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/engine/enginetest"
	"github.com/dbplane/dbplane/internal/engine/mariadb"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

func TestDriver_TLS(t *testing.T) {
	t.Parallel()
	srv := dbtest.MariaDBTLS(t)
	enginetest.RunTLS(t, enginetest.TLSHarness{
		Driver: mariadb.Driver{}, TLS: srv.AdminConfig(), CA: srv.TLSCA(), Plain: dbtest.MariaDB(t).AdminConfig(),
	})
}

func TestDriver_Conformance(t *testing.T) {
	srv := dbtest.MariaDB(t)
	enginetest.Run(t, enginetest.Harness{
		Driver:    mariadb.Driver{},
		Config:    srv.AdminConfig(),
		Limited:   srv.NewLimitedUser,
		Connect:   srv.ConnectAs,
		Exec:      srv.ExecAs,
		WriteStmt: "CREATE TABLE t (id INT)",
		ReadStmt:  "SELECT 1",
		ReadOnly: &enginetest.ReadOnlyProbe{
			Setup: []string{
				"CREATE TABLE e (id INT)", "INSERT INTO e VALUES (1), (2)",
				"CREATE PROCEDURE ins() SQL SECURITY DEFINER INSERT INTO e VALUES (9)",
				"CREATE VIEW ev AS SELECT id FROM e",
			},
			Escapes: []string{
				"INSERT INTO e VALUES (3)",
				"REPLACE INTO e VALUES (3)",
				"UPDATE e SET id = 0",
				"INSERT INTO ev VALUES (3)",
				"CALL ins()",
				"CREATE TABLE u (id INT)",
				"CREATE TABLE u AS SELECT * FROM e",
				"CREATE TEMPORARY TABLE u (id INT)",
				"CREATE VIEW u AS SELECT 1",
				"CREATE INDEX i ON e (id)",
				"ALTER TABLE e ADD COLUMN c INT",
				"RENAME TABLE e TO e2",
				"CREATE PROCEDURE p() SELECT 1",
				"GRANT INSERT ON e TO CURRENT_USER",
			},
			Allowed: []string{"SELECT COUNT(*) FROM e", "DELETE FROM e WHERE id = 2", "TRUNCATE TABLE e"},
			Write:   "INSERT INTO e VALUES (4)",
		},
	})
}

// testCtx bounds one test's calls to the server.
func testCtx(tb testing.TB) context.Context {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	tb.Cleanup(cancel)
	return ctx
}

// mustOpen opens the driver on cfg and closes it in tb.Cleanup.
func mustOpen(tb testing.TB, cfg engine.Config) engine.Conn {
	tb.Helper()
	c, err := mariadb.Driver{}.Open(cfg)
	if err != nil {
		tb.Fatalf("Open(%s@%s:%d) = %v", cfg.User, cfg.Host, cfg.Port, err)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

var nameSeq atomic.Int64

// newNames returns a database and owner name no other test uses, also
// across runs against a long-lived server (DBPLANE_TEST_MARIADB_URL).
func newNames() (database, owner string) {
	n := strconv.Itoa(os.Getpid()) + "_" + strconv.FormatInt(nameSeq.Add(1), 10)
	return "mt_" + n, "dmt_" + n
}

// mustEnsure creates a database through the driver and drops it in
// tb.Cleanup.
func mustEnsure(tb testing.TB, c engine.Conn, req engine.EnsureDatabaseRequest) {
	tb.Helper()
	if _, err := c.EnsureDatabase(testCtx(tb), req); err != nil {
		tb.Fatalf("EnsureDatabase(%s, %s@%s) = %v", req.Database, req.Owner, req.Remote, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		err := c.DropDatabase(ctx, engine.DropDatabaseRequest{Database: req.Database, Owner: req.Owner, Remote: req.Remote})
		if err != nil {
			tb.Errorf("cleanup: DropDatabase(%s) = %v", req.Database, err)
		}
	})
}

// newDatabase makes a database with a fresh owner and password on srv's
// admin connection.
func newDatabase(tb testing.TB, c engine.Conn) engine.EnsureDatabaseRequest {
	tb.Helper()
	db, owner := newNames()
	req := engine.EnsureDatabaseRequest{Database: db, Owner: owner, Password: "pw" + owner + "Xy9"}
	mustEnsure(tb, c, req)
	return req
}

// session is one open login of a tenant, held so that tests can see
// whether the driver ends it.
func session(tb testing.TB, srv *dbtest.Server, user, password, database string) *sql.Conn {
	tb.Helper()
	host, port := srv.Addr()
	cfg := mysql.NewConfig()
	cfg.User, cfg.Passwd, cfg.DBName = user, password, database
	cfg.Net, cfg.Addr = "tcp", net.JoinHostPort(host, strconv.Itoa(port))
	cfg.Timeout = 5 * time.Second
	cfg.Logger = &mysql.NopLogger{}
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	db := sql.OpenDB(connector)
	tb.Cleanup(func() { db.Close() })
	conn, err := db.Conn(testCtx(tb))
	if err != nil {
		tb.Fatalf("log in as %s to %s: %v", user, database, err)
	}
	tb.Cleanup(func() { conn.Close() })
	return conn
}

// ended reports whether the server ended the session conn.
func ended(ctx context.Context, conn *sql.Conn) bool {
	var n int
	return conn.QueryRowContext(ctx, "SELECT 1").Scan(&n) != nil
}

func errorText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return fmt.Sprintf("%q", err.Error())
}
