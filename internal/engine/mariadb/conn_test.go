package mariadb_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/dbplane/dbplane/internal/dbtest"
	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/engine/mariadb"
)

func TestConn_PingVersion(t *testing.T) {
	t.Parallel()
	srv := dbtest.MariaDB(t)
	c := mustOpen(t, srv.AdminConfig())
	ctx := testCtx(t)
	if err := c.Ping(ctx); err != nil {
		t.Fatalf("Ping() = %v, want nil", err)
	}
	if v, err := c.Version(ctx); err != nil || !strings.Contains(v, "MariaDB") {
		t.Errorf("Version() = %q, %v; want a MariaDB version", v, err)
	}
}

func TestConn_Ping_BadPassword(t *testing.T) {
	t.Parallel()
	srv := dbtest.MariaDB(t)
	cfg := srv.AdminConfig()
	cfg.Password = "wrong-" + cfg.Password
	err := mustOpen(t, cfg).Ping(testCtx(t))
	if !errors.Is(err, engine.ErrAccessDenied) {
		t.Errorf("Ping(wrong password) = %v, want ErrAccessDenied", err)
	}
	if err != nil && strings.Contains(err.Error(), cfg.Password) {
		t.Errorf("Ping(wrong password) = %q, holds the password", err)
	}
}

// minimalAdmin creates an admin account with exactly the GRANT in doc.go.
func minimalAdmin(t *testing.T, srv *dbtest.Server) engine.Config {
	t.Helper()
	_, name := newNames()
	name = "adm" + name
	const password = "Adm1nPassw0rdForTests"
	acct := "'" + name + "'@'%'"
	for _, s := range []string{
		"CREATE USER " + acct + " IDENTIFIED BY '" + password + "'",
		"GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, REFERENCES, " +
			"CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, CREATE VIEW, SHOW VIEW, " +
			"CREATE ROUTINE, ALTER ROUTINE, EVENT, TRIGGER, " +
			"CREATE USER, PROCESS, CONNECTION ADMIN ON *.* TO " + acct + " WITH GRANT OPTION",
	} {
		if _, err := srv.AdminDB().ExecContext(testCtx(t), s); err != nil {
			t.Fatalf("create minimal admin: %v", err)
		}
	}
	t.Cleanup(func() { srv.AdminDB().Exec("DROP USER IF EXISTS " + acct) })
	cfg := srv.AdminConfig()
	cfg.User, cfg.Password = name, password
	return cfg
}

func TestConn_CheckPrivileges(t *testing.T) {
	t.Parallel()
	srv := dbtest.MariaDB(t)
	t.Run("root", func(t *testing.T) {
		if err := mustOpen(t, srv.AdminConfig()).CheckPrivileges(testCtx(t)); err != nil {
			t.Errorf("CheckPrivileges(root) = %v, want nil", err)
		}
	})
	t.Run("documented grant", func(t *testing.T) {
		if err := mustOpen(t, minimalAdmin(t, srv)).CheckPrivileges(testCtx(t)); err != nil {
			t.Errorf("CheckPrivileges(admin with the GRANT of doc.go) = %v, want nil", err)
		}
	})
	t.Run("limited", func(t *testing.T) {
		err := mustOpen(t, srv.NewLimitedUser(t)).CheckPrivileges(testCtx(t))
		if !errors.Is(err, engine.ErrAccessDenied) {
			t.Fatalf("CheckPrivileges(limited) = %v, want ErrAccessDenied", err)
		}
		for _, want := range []string{"CREATE USER", "PROCESS", "CONNECTION ADMIN", "INSERT WITH GRANT OPTION", "SELECT WITH GRANT OPTION"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("CheckPrivileges(limited) = %q, want it to name %s", err, want)
			}
		}
	})
}

// TestConn_MinimalAdmin runs a database's whole life with the documented
// GRANT and no more, including ending another account's sessions.
func TestConn_MinimalAdmin(t *testing.T) {
	t.Parallel()
	srv := dbtest.MariaDB(t)
	c := mustOpen(t, minimalAdmin(t, srv))
	ctx := testCtx(t)
	req := newDatabase(t, c)
	held := session(t, srv, req.Owner, req.Password, req.Database)
	if err := c.SetPassword(ctx, engine.SetPasswordRequest{Owner: req.Owner, Password: req.Password + "2"}); err != nil {
		t.Fatalf("SetPassword() = %v", err)
	}
	for _, a := range []engine.Access{engine.AccessReadOnly, engine.AccessLocked, engine.AccessActive} {
		if err := c.(engine.AccessSetter).SetAccess(ctx, engine.SetAccessRequest{Database: req.Database, Owner: req.Owner, Access: a}); err != nil {
			t.Fatalf("SetAccess(%s) = %v", a, err)
		}
	}
	if !ended(ctx, held) {
		t.Error("the owner's session survived SetAccess(read_only) by the minimal admin")
	}
	if _, err := c.(engine.Sizer).DatabaseSizes(ctx); err != nil {
		t.Errorf("DatabaseSizes() = %v", err)
	}
}

func TestConn_EnsureDatabase(t *testing.T) {
	t.Parallel()
	srv := dbtest.MariaDB(t)
	c := mustOpen(t, srv.AdminConfig())
	ctx := testCtx(t)
	db, owner := newNames()
	req := engine.EnsureDatabaseRequest{Database: db, Owner: owner, Password: "First9Password"}
	res, err := c.EnsureDatabase(ctx, req)
	if err != nil || !res.Created {
		t.Fatalf("EnsureDatabase(new) = %+v, %v; want Created", res, err)
	}
	t.Cleanup(func() { c.DropDatabase(ctx, engine.DropDatabaseRequest{Database: db, Owner: owner}) })
	if err := srv.ExecAs(ctx, owner, req.Password, db, "CREATE TABLE t (id INT)"); err != nil {
		t.Errorf("owner CREATE TABLE after EnsureDatabase = %v, want nil", err)
	}

	// Again, with a new password and a limit: converges, not created.
	req.Password, req.MaxConnections = "Second9Password", 3
	res, err = c.EnsureDatabase(ctx, req)
	if err != nil || res.Created {
		t.Fatalf("EnsureDatabase(again) = %+v, %v; want not Created", res, err)
	}
	if err := srv.ConnectAs(ctx, owner, "First9Password", db); err == nil {
		t.Error("old password still logs in after EnsureDatabase converged on a new one")
	}
	if err := srv.ConnectAs(ctx, owner, req.Password, db); err != nil {
		t.Errorf("new password after EnsureDatabase(again) = %v, want nil", err)
	}
	var limit int
	err = srv.AdminDB().QueryRowContext(ctx, "SELECT max_user_connections FROM mysql.user WHERE User = ?", owner).Scan(&limit)
	if err != nil || limit != 3 {
		t.Errorf("max_user_connections after EnsureDatabase(again) = %d, %v; want 3", limit, err)
	}
	// The owner reaches no other database.
	other := srv.NewDatabase(t)
	if err := srv.ConnectAs(ctx, owner, req.Password, other); err == nil {
		t.Errorf("owner logs in to %s, a database it does not own", other)
	}
}

// TestConn_EnsureDatabase_Underscore checks that the grant on a_b does not
// cover axb: "_" is a wildcard in GRANT.
func TestConn_EnsureDatabase_Underscore(t *testing.T) {
	t.Parallel()
	srv := dbtest.MariaDB(t)
	c := mustOpen(t, srv.AdminConfig())
	ctx := testCtx(t)
	req := newDatabase(t, c)
	lookalike := strings.Replace(req.Database, "_", "x", 1)
	if _, err := srv.AdminDB().ExecContext(ctx, "CREATE DATABASE `"+lookalike+"`"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.AdminDB().Exec("DROP DATABASE IF EXISTS `" + lookalike + "`") })
	if err := srv.ConnectAs(ctx, req.Owner, req.Password, lookalike); err == nil {
		t.Errorf("owner of %s logs in to %s: the grant's _ acted as a wildcard", req.Database, lookalike)
	}
}

func TestConn_EnsureDatabase_Exists(t *testing.T) {
	t.Parallel()
	srv := dbtest.MariaDB(t)
	c := mustOpen(t, srv.AdminConfig())
	for _, fresh := range []bool{false, true} {
		t.Run(fmt.Sprintf("fresh=%t", fresh), func(t *testing.T) {
			ctx := testCtx(t)
			first := newDatabase(t, c)

			_, intruder := newNames()
			_, err := c.EnsureDatabase(ctx, engine.EnsureDatabaseRequest{Database: first.Database, Owner: intruder, Password: "Intruder9Pw", Fresh: fresh})
			if !errors.Is(err, engine.ErrExists) {
				t.Errorf("EnsureDatabase(taken database, other owner) = %v, want ErrExists", err)
			}
			var n int
			if err := srv.AdminDB().QueryRowContext(ctx, "SELECT COUNT(*) FROM mysql.user WHERE User = ?", intruder).Scan(&n); err != nil || n != 0 {
				t.Errorf("accounts named %s after a refused EnsureDatabase = %d, %v; want 0", intruder, n, err)
			}
			if err := srv.ConnectAs(ctx, first.Owner, first.Password, first.Database); err != nil {
				t.Errorf("first owner after a refused EnsureDatabase = %v, want nil", err)
			}

			otherDB, _ := newNames()
			_, err = c.EnsureDatabase(ctx, engine.EnsureDatabaseRequest{Database: otherDB, Owner: first.Owner, Password: "Other9Pw", Fresh: fresh})
			if !errors.Is(err, engine.ErrExists) {
				t.Errorf("EnsureDatabase(new database, owner of another) = %v, want ErrExists", err)
			}
			if err := srv.ConnectAs(ctx, first.Owner, first.Password, first.Database); err != nil {
				t.Errorf("first owner's password after a refused EnsureDatabase = %v, want unchanged", err)
			}
			if err := srv.AdminDB().QueryRowContext(ctx, "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", otherDB).Scan(&n); err != nil || n != 0 {
				t.Errorf("databases named %s after a refused EnsureDatabase = %d, %v; want 0", otherDB, n, err)
			}
		})
	}
}

// TestConn_EnsureDatabase_Adopts checks that a database left without an
// owner (an interrupted EnsureDatabase) is taken over, on a first attempt
// too.
func TestConn_EnsureDatabase_Adopts(t *testing.T) {
	t.Parallel()
	srv := dbtest.MariaDB(t)
	c := mustOpen(t, srv.AdminConfig())
	for _, fresh := range []bool{false, true} {
		t.Run(fmt.Sprintf("fresh=%t", fresh), func(t *testing.T) {
			ctx := testCtx(t)
			db, owner := newNames()
			if _, err := srv.AdminDB().ExecContext(ctx, "CREATE DATABASE `"+db+"`"); err != nil {
				t.Fatal(err)
			}
			req := engine.EnsureDatabaseRequest{Database: db, Owner: owner, Password: "Adopt9Password", Fresh: fresh}
			res, err := c.EnsureDatabase(ctx, req)
			t.Cleanup(func() { c.DropDatabase(ctx, engine.DropDatabaseRequest{Database: db, Owner: owner}) })
			if err != nil || res.Created {
				t.Fatalf("EnsureDatabase(existing, unowned) = %+v, %v; want not Created, nil", res, err)
			}
			if err := srv.ConnectAs(ctx, owner, req.Password, db); err != nil {
				t.Errorf("owner of an adopted database = %v, want nil", err)
			}
		})
	}
}

// TestConn_PoolSize checks that the admin pool is sized from the server's
// max_connections (300 on dbtest's servers: a quarter, capped at 64) at
// the first operation, unless max_open_conns says otherwise.
func TestConn_PoolSize(t *testing.T) {
	t.Parallel()
	srv := dbtest.MariaDB(t)
	ctx := testCtx(t)
	var maxConns int
	if err := srv.AdminDB().QueryRowContext(ctx, "SELECT @@max_connections").Scan(&maxConns); err != nil {
		t.Fatal(err)
	}
	c := mustOpen(t, srv.AdminConfig())
	newDatabase(t, c)
	if got, want := mariadb.MaxOpenConns(c), mariadb.PoolSize(maxConns); got != want {
		t.Errorf("pool after the first operation, max_connections %d: %d connections, want %d", maxConns, got, want)
	}

	cfg := srv.AdminConfig()
	cfg.Params = map[string]string{"max_open_conns": "3"}
	c = mustOpen(t, cfg)
	newDatabase(t, c)
	if got := mariadb.MaxOpenConns(c); got != 3 {
		t.Errorf("pool with max_open_conns=3 after an operation: %d connections, want 3", got)
	}

	// The host's setting (Config.PoolSize) wins over max_open_conns, and
	// no sizing from the server happens.
	cfg.PoolSize = 5
	c = mustOpen(t, cfg)
	newDatabase(t, c)
	if got := mariadb.MaxOpenConns(c); got != 5 {
		t.Errorf("pool with PoolSize 5 and max_open_conns=3 after an operation: %d connections, want 5", got)
	}
}

// TestConn_PoolSizeBoundsSessions runs many operations at once on a Conn
// with Config.PoolSize 3 and counts its sessions on the server (they are
// the ones whose default database is the admin database made for the
// test): never more than 3, and the operations did wait for the pool.
func TestConn_PoolSizeBoundsSessions(t *testing.T) {
	t.Parallel()
	srv := dbtest.MariaDB(t)
	ctx := testCtx(t)
	cfg := srv.AdminConfig()
	cfg.Database = srv.NewDatabase(t)
	cfg.PoolSize = 3
	c := mustOpen(t, cfg)
	sessions := func() int {
		var n int
		if err := srv.AdminDB().QueryRowContext(ctx, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = ?", cfg.Database).Scan(&n); err != nil {
			t.Errorf("count sessions: %v", err)
		}
		return n
	}
	peak, done := concurrentOps(t, c, 16, sessions)
	if peak > 3 {
		t.Errorf("at most %d sessions of the Conn during 16 concurrent operations, want at most 3", peak)
	}
	if n := sessions(); n > 3 || n == 0 {
		t.Errorf("%d sessions of the Conn left after the operations, want 1 to 3 (the idle pool)", n)
	}
	if st := mariadb.Stats(c); st.MaxOpenConnections != 3 || st.WaitCount == 0 || done != 16 {
		t.Errorf("pool: max %d, waits %d, %d of 16 operations done; want 3, some waits, all done", st.MaxOpenConnections, st.WaitCount, done)
	}
}

// concurrentOps runs n goroutines that each create and drop a database
// twice on c, while count is sampled; it returns the highest count seen
// and how many goroutines finished without an error.
func concurrentOps(t *testing.T, c engine.Conn, n int, count func() int) (peak, done int) {
	t.Helper()
	ctx := testCtx(t)
	stop := make(chan struct{})
	sampled := make(chan int)
	go func() {
		peak := 0
		for {
			peak = max(peak, count())
			select {
			case <-stop:
				sampled <- peak
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	var wg sync.WaitGroup
	var ok atomic.Int64
	for range n {
		wg.Go(func() {
			for range 2 {
				db, owner := newNames()
				if _, err := c.EnsureDatabase(ctx, engine.EnsureDatabaseRequest{Database: db, Owner: owner, Password: "Pool9Password", Fresh: true}); err != nil {
					t.Errorf("EnsureDatabase: %v", err)
					return
				}
				if err := c.DropDatabase(ctx, engine.DropDatabaseRequest{Database: db, Owner: owner}); err != nil {
					t.Errorf("DropDatabase: %v", err)
					return
				}
			}
			ok.Add(1)
		})
	}
	wg.Wait()
	close(stop)
	return <-sampled, int(ok.Load())
}

func TestConn_EnsureDatabase_Remote(t *testing.T) {
	t.Parallel()
	srv := dbtest.MariaDB(t)
	c := mustOpen(t, srv.AdminConfig())
	ctx := testCtx(t)
	for _, tc := range []struct {
		name, remote string
		wantLogin    bool
	}{
		{"loopback", "127.0.0.1", true},
		{"loopback pattern", "127.0.%", true},
		{"elsewhere", "10.254.%", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, owner := newNames()
			req := engine.EnsureDatabaseRequest{Database: db, Owner: owner, Password: "Remote9Password", Remote: tc.remote}
			mustEnsure(t, c, req)
			err := srv.ConnectAs(ctx, owner, req.Password, db)
			if (err == nil) != tc.wantLogin {
				t.Errorf("log in from 127.0.0.1 as %s@%s = %v, want success %t", owner, tc.remote, err, tc.wantLogin)
			}
			var host string
			if err := srv.AdminDB().QueryRowContext(ctx, "SELECT Host FROM mysql.user WHERE User = ?", owner).Scan(&host); err != nil || host != tc.remote {
				t.Errorf("account host of %s = %q, %v; want %q", owner, host, err, tc.remote)
			}
			// The other operations find the account by the same remote.
			if err := c.SetPassword(ctx, engine.SetPasswordRequest{Owner: owner, Remote: tc.remote, Password: "New9Password"}); err != nil {
				t.Errorf("SetPassword(%s@%s) = %v", owner, tc.remote, err)
			}
			err = c.SetPassword(ctx, engine.SetPasswordRequest{Owner: owner, Password: "New9Password"})
			if !errors.Is(err, engine.ErrNotExist) {
				t.Errorf("SetPassword(%s@%%) = %v, want ErrNotExist (the account is @%s)", owner, err, tc.remote)
			}
		})
	}
}

func TestConn_EnsureDatabase_MaxConnections(t *testing.T) {
	t.Parallel()
	srv := dbtest.MariaDB(t)
	c := mustOpen(t, srv.AdminConfig())
	ctx := testCtx(t)
	db, owner := newNames()
	req := engine.EnsureDatabaseRequest{Database: db, Owner: owner, Password: "Limit9Password", MaxConnections: 1}
	mustEnsure(t, c, req)
	session(t, srv, owner, req.Password, db)
	err := srv.ConnectAs(ctx, owner, req.Password, db)
	var me *mysql.MySQLError
	if !errors.As(err, &me) || me.Number != 1226 { // ER_USER_LIMIT_REACHED
		t.Errorf("second login with MaxConnections 1 = %v, want error 1226", err)
	}
}

func TestConn_SetPassword(t *testing.T) {
	t.Parallel()
	srv := dbtest.MariaDB(t)
	c := mustOpen(t, srv.AdminConfig())
	ctx := testCtx(t)
	req := newDatabase(t, c)
	const newPassword = "Rotated9Password"
	if err := c.SetPassword(ctx, engine.SetPasswordRequest{Owner: req.Owner, Password: newPassword}); err != nil {
		t.Fatalf("SetPassword() = %v", err)
	}
	if err := srv.ConnectAs(ctx, req.Owner, req.Password, req.Database); err == nil {
		t.Error("old password logs in after SetPassword")
	}
	if err := srv.ConnectAs(ctx, req.Owner, newPassword, req.Database); err != nil {
		t.Errorf("new password after SetPassword = %v, want nil", err)
	}
	_, missing := newNames()
	err := c.SetPassword(ctx, engine.SetPasswordRequest{Owner: missing, Password: newPassword})
	if !errors.Is(err, engine.ErrNotExist) {
		t.Errorf("SetPassword(missing user) = %v, want ErrNotExist", err)
	}
	if err != nil && strings.Contains(err.Error(), newPassword) {
		t.Errorf("SetPassword(missing user) = %q, holds the password", err)
	}
}

// TestConn_NoPlaintextOnServer turns on the general log and checks that
// the password of EnsureDatabase and SetPassword never reaches it.
func TestConn_NoPlaintextOnServer(t *testing.T) {
	srv := dbtest.MariaDB(t)
	if srv.AdminConfig().Host != "127.0.0.1" {
		t.Skip("not touching the general log of a server this test did not start")
	}
	c := mustOpen(t, srv.AdminConfig())
	ctx := testCtx(t)
	admin := srv.AdminDB()
	for _, s := range []string{"SET GLOBAL log_output = 'TABLE'", "TRUNCATE mysql.general_log", "SET GLOBAL general_log = 1"} {
		if _, err := admin.ExecContext(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { admin.Exec("SET GLOBAL general_log = 0") })

	db, owner := newNames()
	const first, second = "Plain9TextFirst", "Plain9TextSecond"
	mustEnsure(t, c, engine.EnsureDatabaseRequest{Database: db, Owner: owner, Password: first})
	if err := c.SetPassword(ctx, engine.SetPasswordRequest{Owner: owner, Password: second}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.ExecContext(ctx, "SET GLOBAL general_log = 0"); err != nil {
		t.Fatal(err)
	}
	var total, leaks int
	err := admin.QueryRowContext(ctx,
		"SELECT COUNT(*), COALESCE(SUM(argument LIKE ? OR argument LIKE ?), 0) FROM mysql.general_log",
		"%"+first+"%", "%"+second+"%").Scan(&total, &leaks)
	if err != nil {
		t.Fatal(err)
	}
	if total == 0 || leaks != 0 {
		t.Errorf("general log: %d lines, %d holding a plaintext password; want some lines and none", total, leaks)
	}
}

func TestConn_SetAccess(t *testing.T) {
	t.Parallel()
	srv := dbtest.MariaDB(t)
	c := mustOpen(t, srv.AdminConfig())
	setter := c.(engine.AccessSetter)
	ctx := testCtx(t)
	req := newDatabase(t, c)
	set := func(t *testing.T, a engine.Access) {
		t.Helper()
		err := setter.SetAccess(ctx, engine.SetAccessRequest{Database: req.Database, Owner: req.Owner, Access: a})
		if err != nil {
			t.Fatalf("SetAccess(%s) = %v", a, err)
		}
	}
	exec := func(stmt string) error { return srv.ExecAs(ctx, req.Owner, req.Password, req.Database, stmt) }
	if err := exec("CREATE TABLE t (id INT PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	if err := exec("INSERT INTO t VALUES (1), (2), (3)"); err != nil {
		t.Fatal(err)
	}

	t.Run("read_only", func(t *testing.T) {
		held := session(t, srv, req.Owner, req.Password, req.Database)
		set(t, engine.AccessReadOnly)
		set(t, engine.AccessReadOnly) // idempotent
		if !ended(ctx, held) {
			t.Error("a session opened before SetAccess(read_only) survived it")
		}
		for _, tc := range []struct {
			stmt    string
			allowed bool
		}{
			{"SELECT * FROM t", true},
			{"DELETE FROM t WHERE id = 1", true},
			{"INSERT INTO t VALUES (4)", false},
			{"UPDATE t SET id = 5 WHERE id = 2", false},
			{"CREATE TABLE u (id INT)", false},
			{"ALTER TABLE t ADD COLUMN c INT", false},
		} {
			if err := exec(tc.stmt); (err == nil) != tc.allowed {
				t.Errorf("read_only: %s = %v, want allowed %t", tc.stmt, err, tc.allowed)
			}
		}
	})
	t.Run("locked", func(t *testing.T) {
		set(t, engine.AccessActive)
		held := session(t, srv, req.Owner, req.Password, req.Database)
		set(t, engine.AccessLocked)
		set(t, engine.AccessLocked) // idempotent
		if !ended(ctx, held) {
			t.Error("a session opened before SetAccess(locked) survived it")
		}
		err := srv.ConnectAs(ctx, req.Owner, req.Password, req.Database)
		var me *mysql.MySQLError
		if !errors.As(err, &me) || me.Number != 4151 {
			t.Errorf("log in while locked = %v, want error 4151 (account locked)", err)
		}
	})
	t.Run("locked to read_only", func(t *testing.T) {
		set(t, engine.AccessLocked)
		set(t, engine.AccessReadOnly)
		if err := exec("SELECT * FROM t"); err != nil {
			t.Errorf("read_only after locked: SELECT = %v, want nil", err)
		}
		if err := exec("INSERT INTO t VALUES (6)"); err == nil {
			t.Error("read_only after locked: INSERT = nil, want refused")
		}
	})
	t.Run("active again", func(t *testing.T) {
		set(t, engine.AccessLocked)
		set(t, engine.AccessActive)
		set(t, engine.AccessActive) // idempotent
		for _, stmt := range []string{"INSERT INTO t VALUES (7)", "CREATE TABLE v (id INT)", "DROP TABLE v"} {
			if err := exec(stmt); err != nil {
				t.Errorf("active: %s = %v, want nil", stmt, err)
			}
		}
	})
}

func TestConn_SetAccess_Missing(t *testing.T) {
	t.Parallel()
	srv := dbtest.MariaDB(t)
	c := mustOpen(t, srv.AdminConfig())
	ctx := testCtx(t)
	db, owner := newNames()
	for _, a := range []engine.Access{engine.AccessActive, engine.AccessReadOnly, engine.AccessLocked} {
		err := c.(engine.AccessSetter).SetAccess(ctx, engine.SetAccessRequest{Database: db, Owner: owner, Access: a})
		if !errors.Is(err, engine.ErrNotExist) {
			t.Errorf("SetAccess(%s, missing owner) = %v, want ErrNotExist", a, err)
		}
	}
	var n int
	if err := srv.AdminDB().QueryRowContext(ctx, "SELECT COUNT(*) FROM mysql.user WHERE User = ?", owner).Scan(&n); err != nil || n != 0 {
		t.Errorf("accounts named %s after SetAccess on a missing owner = %d, %v; want 0", owner, n, err)
	}
}

func TestConn_DropDatabase(t *testing.T) {
	t.Parallel()
	srv := dbtest.MariaDB(t)
	c := mustOpen(t, srv.AdminConfig())
	ctx := testCtx(t)
	db, owner := newNames()
	req := engine.EnsureDatabaseRequest{Database: db, Owner: owner, Password: "Drop9Password"}
	if _, err := c.EnsureDatabase(ctx, req); err != nil {
		t.Fatal(err)
	}
	held := session(t, srv, owner, req.Password, db)
	if _, err := held.ExecContext(ctx, "CREATE TABLE t (id INT)"); err != nil {
		t.Fatal(err)
	}
	drop := engine.DropDatabaseRequest{Database: db, Owner: owner}
	if err := c.DropDatabase(ctx, drop); err != nil {
		t.Fatalf("DropDatabase() = %v", err)
	}
	if !ended(ctx, held) {
		t.Error("the owner's session survived DropDatabase")
	}
	var dbs, users int
	err := srv.AdminDB().QueryRowContext(ctx,
		"SELECT (SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?), (SELECT COUNT(*) FROM mysql.user WHERE User = ?)",
		db, owner).Scan(&dbs, &users)
	if err != nil || dbs != 0 || users != 0 {
		t.Errorf("after DropDatabase: %d databases, %d users, %v; want none", dbs, users, err)
	}
	if err := c.DropDatabase(ctx, drop); err != nil {
		t.Errorf("DropDatabase(already gone) = %v, want nil", err)
	}
}

func TestConn_DatabaseSizes(t *testing.T) {
	t.Parallel()
	srv := dbtest.MariaDB(t)
	c := mustOpen(t, srv.AdminConfig())
	ctx := testCtx(t)
	empty := newDatabase(t, c)
	full := newDatabase(t, c)
	for _, s := range []string{
		"CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(200), KEY (v))",
		"INSERT INTO t VALUES (1, REPEAT('x', 200)), (2, REPEAT('y', 200))",
	} {
		if err := srv.ExecAs(ctx, full.Owner, full.Password, full.Database, s); err != nil {
			t.Fatal(err)
		}
	}
	sizes, err := c.(engine.Sizer).DatabaseSizes(ctx)
	if err != nil {
		t.Fatalf("DatabaseSizes() = %v", err)
	}
	if got, ok := sizes[empty.Database]; !ok || got != 0 {
		t.Errorf("DatabaseSizes()[%s] (no tables) = %d, %t; want 0, true", empty.Database, got, ok)
	}
	if got := sizes[full.Database]; got <= 0 {
		t.Errorf("DatabaseSizes()[%s] (one table with an index) = %d, want > 0", full.Database, got)
	}
	for _, system := range []string{"mysql", "information_schema", "performance_schema", "sys"} {
		if _, ok := sizes[system]; ok {
			t.Errorf("DatabaseSizes() reports system schema %s", system)
		}
	}
}

// TestConn_Cancelled checks that a done context stops a call at once.
func TestConn_Cancelled(t *testing.T) {
	t.Parallel()
	srv := dbtest.MariaDB(t)
	c := mustOpen(t, srv.AdminConfig())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Ping(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Ping(cancelled) = %v, want context.Canceled", err)
	}
}

// TestConn_TLS runs against the test server, which offers no TLS: prefer
// falls back to plain TCP, require and verify-full refuse to.
func TestConn_TLS(t *testing.T) {
	t.Parallel()
	srv := dbtest.MariaDB(t)
	if srv.AdminConfig().TLS != engine.TLSDisable {
		t.Skip("the server offers TLS")
	}
	for _, tc := range []struct {
		mode engine.TLSMode
		want error
	}{
		{engine.TLSDisable, nil},
		{engine.TLSPrefer, nil},
		{engine.TLSRequire, engine.ErrUnreachable},
		{engine.TLSVerifyFull, engine.ErrUnreachable},
	} {
		t.Run(string(tc.mode), func(t *testing.T) {
			cfg := srv.AdminConfig()
			cfg.TLS = tc.mode
			err := mustOpen(t, cfg).Ping(testCtx(t))
			if !errors.Is(err, tc.want) { // errors.Is(err, nil) is err == nil
				t.Errorf("Ping() with TLS %s on a server without TLS = %v, want %v", tc.mode, err, tc.want)
			}
		})
	}
}
