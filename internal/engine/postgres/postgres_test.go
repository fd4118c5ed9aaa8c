package postgres_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dbplane/dbplane/internal/dbtest"
	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/engine/enginetest"
	"github.com/dbplane/dbplane/internal/engine/postgres"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

func TestDriver_TLS(t *testing.T) {
	t.Parallel()
	srv := dbtest.PostgresTLS(t)
	enginetest.RunTLS(t, enginetest.TLSHarness{
		Driver: postgres.Driver{}, TLS: srv.AdminConfig(), CA: srv.TLSCA(), Plain: dbtest.Postgres(t).AdminConfig(),
	})
}

// admins returns the two kinds of admin the driver supports: the
// superuser, and a role with only CREATEROLE and CREATEDB.
func admins(t *testing.T, srv *dbtest.Server) []struct {
	name string
	cfg  engine.Config
} {
	return []struct {
		name string
		cfg  engine.Config
	}{
		{"superuser", srv.AdminConfig()},
		{"createrole admin", newCreateRoleAdmin(t, srv)},
	}
}

func TestConn_Lifecycle(t *testing.T) {
	srv := dbtest.Postgres(t)
	for _, admin := range admins(t, srv) {
		t.Run(admin.name, func(t *testing.T) {
			ctx := testContext(t)
			c := mustOpen(t, admin.cfg)
			if err := c.CheckPrivileges(ctx); err != nil {
				t.Fatalf("CheckPrivileges() = %v, want nil", err)
			}

			tn := newTenant()
			req := engine.EnsureDatabaseRequest{Database: tn.db, Owner: tn.owner, Password: tn.password, Remote: "%", MaxConnections: 10}
			res := mustEnsure(t, c, req)
			if !res.Created {
				t.Errorf("EnsureDatabase(new) Created = false, want true")
			}
			mustConnect(t, srv, tn.owner, tn.password, tn.db)
			if err := srv.ExecAs(ctx, tn.owner, tn.password, tn.db, "CREATE TABLE t (id int)"); err != nil {
				t.Errorf("owner CREATE TABLE = %v, want nil", err)
			}

			// Converges: same request again, then a new password.
			if res := mustEnsure(t, c, req); res.Created {
				t.Errorf("EnsureDatabase(again) Created = true, want false")
			}
			newPassword := randomPassword()
			req.Password = newPassword
			mustEnsure(t, c, req)
			mustConnect(t, srv, tn.owner, newPassword, tn.db)
			mustNotConnect(t, srv, tn.owner, tn.password, tn.db)

			// PUBLIC lost CONNECT: another tenant cannot get in.
			other := newTenant()
			mustEnsure(t, c, engine.EnsureDatabaseRequest{Database: other.db, Owner: other.owner, Password: other.password})
			mustNotConnect(t, srv, other.owner, other.password, tn.db)

			sizes, err := c.(engine.Sizer).DatabaseSizes(ctx)
			if err != nil {
				t.Fatalf("DatabaseSizes() = %v", err)
			}
			if sizes[tn.db] <= 0 || sizes[other.db] <= 0 {
				t.Errorf("DatabaseSizes() = %v, want positive sizes for %s and %s", sizes, tn.db, other.db)
			}

			// SetPassword: the old password is refused at once.
			rotated := randomPassword()
			if err := c.SetPassword(ctx, engine.SetPasswordRequest{Owner: tn.owner, Password: rotated}); err != nil {
				t.Fatalf("SetPassword() = %v", err)
			}
			mustConnect(t, srv, tn.owner, rotated, tn.db)
			mustNotConnect(t, srv, tn.owner, newPassword, tn.db)

			setAccess(t, c, tn, engine.AccessReadOnly)
			if err := srv.ExecAs(ctx, tn.owner, rotated, tn.db, "INSERT INTO t VALUES (1)"); err == nil {
				t.Errorf("INSERT while read_only = nil error, want refused")
			}
			if err := srv.ExecAs(ctx, tn.owner, rotated, tn.db, "SELECT count(*) FROM t"); err != nil {
				t.Errorf("SELECT while read_only = %v, want nil", err)
			}
			setAccess(t, c, tn, engine.AccessLocked)
			mustNotConnect(t, srv, tn.owner, rotated, tn.db)
			setAccess(t, c, tn, engine.AccessLocked) // idempotent
			setAccess(t, c, tn, engine.AccessActive)
			if err := srv.ExecAs(ctx, tn.owner, rotated, tn.db, "INSERT INTO t VALUES (1)"); err != nil {
				t.Errorf("INSERT after active = %v, want nil", err)
			}
			setAccess(t, c, tn, engine.AccessActive) // idempotent

			drop := engine.DropDatabaseRequest{Database: tn.db, Owner: tn.owner, Remote: "%"}
			if err := c.DropDatabase(ctx, drop); err != nil {
				t.Fatalf("DropDatabase() = %v", err)
			}
			mustNotConnect(t, srv, tn.owner, rotated, tn.db)
			if db, role := exists(t, srv, tn); db || role {
				t.Errorf("after DropDatabase: database exists %v, role exists %v; want both gone", db, role)
			}
			if err := c.DropDatabase(ctx, drop); err != nil {
				t.Errorf("DropDatabase(gone) = %v, want nil", err)
			}
		})
	}
}

// TestConn_StoresVerifier checks that the server holds exactly the
// verifier computed client-side, and that it logs in.
func TestConn_StoresVerifier(t *testing.T) {
	srv := dbtest.Postgres(t)
	ctx := testContext(t)
	c := mustOpen(t, srv.AdminConfig())
	salt := []byte("sixteen byte slt")
	postgres.SetRand(c, bytes.NewReader(salt))
	tn := newTenant()
	mustEnsure(t, c, engine.EnsureDatabaseRequest{Database: tn.db, Owner: tn.owner, Password: tn.password})

	var stored string
	if err := srv.AdminDB().QueryRowContext(ctx, "SELECT rolpassword FROM pg_authid WHERE rolname = $1", tn.owner).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	want, err := postgres.ScramVerifierSalt(tn.password, salt, 4096)
	if err != nil {
		t.Fatal(err)
	}
	if stored != want {
		t.Errorf("pg_authid.rolpassword = %s, want %s", stored, want)
	}
	mustConnect(t, srv, tn.owner, tn.password, tn.db)
}

func TestConn_ConnectionLimit(t *testing.T) {
	srv := dbtest.Postgres(t)
	ctx := testContext(t)
	c := mustOpen(t, newCreateRoleAdmin(t, srv))
	tn := newTenant()
	req := engine.EnsureDatabaseRequest{Database: tn.db, Owner: tn.owner, Password: tn.password, MaxConnections: 1}
	mustEnsure(t, c, req)

	holdSession(t, srv, tn.owner, tn.password, tn.db)
	err := srv.ConnectAs(ctx, tn.owner, tn.password, tn.db)
	if err == nil || !strings.Contains(err.Error(), "53300") {
		t.Fatalf("second session with CONNECTION LIMIT 1 = %v, want SQLSTATE 53300", err)
	}

	req.MaxConnections = 2 // converges on the new limit
	mustEnsure(t, c, req)
	mustConnect(t, srv, tn.owner, tn.password, tn.db)

	req.MaxConnections = 0 // unlimited
	mustEnsure(t, c, req)
	var limit int
	if err := srv.AdminDB().QueryRowContext(ctx, "SELECT rolconnlimit FROM pg_roles WHERE rolname = $1", tn.owner).Scan(&limit); err != nil {
		t.Fatal(err)
	}
	if limit != -1 {
		t.Errorf("rolconnlimit after MaxConnections 0 = %d, want -1", limit)
	}
}

// TestConn_AccessEndsSessions: read_only and locked end the sessions that
// are open when they return.
func TestConn_AccessEndsSessions(t *testing.T) {
	srv := dbtest.Postgres(t)
	c := mustOpen(t, newCreateRoleAdmin(t, srv))
	for _, access := range []engine.Access{engine.AccessReadOnly, engine.AccessLocked} {
		t.Run(string(access), func(t *testing.T) {
			ctx := testContext(t)
			tn := newTenant()
			mustEnsure(t, c, engine.EnsureDatabaseRequest{Database: tn.db, Owner: tn.owner, Password: tn.password})
			sessions := []*pgx.Conn{
				holdSession(t, srv, tn.owner, tn.password, tn.db),
				holdSession(t, srv, tn.owner, tn.password, "postgres"),
			}
			setAccess(t, c, tn, access)
			for i, s := range sessions {
				if _, err := s.Exec(ctx, "SELECT 1"); err == nil {
					t.Errorf("session %d after SetAccess(%s) still runs queries, want it ended", i, access)
				}
			}
			if access != engine.AccessReadOnly {
				return
			}
			// A new session reads, and cannot write even when it lifts
			// the read-only defaults (wall_test.go tries every way).
			s := holdSession(t, srv, tn.owner, tn.password, tn.db)
			if _, err := s.Exec(ctx, "SELECT 1"); err != nil {
				t.Errorf("new session under read_only: SELECT 1 = %v, want nil", err)
			}
			if _, err := s.Exec(ctx, "BEGIN READ WRITE; CREATE TABLE t (id int); COMMIT", pgx.QueryExecModeSimpleProtocol); err == nil {
				t.Error("new session under read_only: BEGIN READ WRITE; CREATE TABLE = nil error, want refused")
			}
		})
	}
}

// TestConn_SameNamesConcurrently: operations racing on one tenant converge
// instead of failing with the server's "tuple concurrently updated".
func TestConn_SameNamesConcurrently(t *testing.T) {
	srv := dbtest.Postgres(t)
	c := mustOpen(t, newCreateRoleAdmin(t, srv))
	const n = 4
	tn := newTenant()
	together := func(what string, f func(ctx context.Context) error) {
		t.Helper()
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { errs[i] = f(testContext(t)) })
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("%s #%d of %d at once = %v, want nil", what, i, n, err)
			}
		}
	}

	var created atomic.Int32
	req := engine.EnsureDatabaseRequest{Database: tn.db, Owner: tn.owner, Password: tn.password}
	together("EnsureDatabase", func(ctx context.Context) error {
		res, err := c.EnsureDatabase(ctx, req)
		if res.Created {
			created.Add(1)
		}
		return err
	})
	t.Cleanup(func() {
		c.DropDatabase(context.Background(), engine.DropDatabaseRequest{Database: tn.db, Owner: tn.owner})
	})
	if got := created.Load(); got != 1 {
		t.Errorf("%d concurrent EnsureDatabase: Created = true %d times, want once", n, got)
	}
	mustConnect(t, srv, tn.owner, tn.password, tn.db)

	together("SetPassword", func(ctx context.Context) error {
		return c.SetPassword(ctx, engine.SetPasswordRequest{Owner: tn.owner, Password: tn.password})
	})
	together("SetAccess", func(ctx context.Context) error {
		return c.(engine.AccessSetter).SetAccess(ctx, engine.SetAccessRequest{Database: tn.db, Owner: tn.owner, Access: engine.AccessLocked})
	})
	together("DropDatabase", func(ctx context.Context) error {
		return c.DropDatabase(ctx, engine.DropDatabaseRequest{Database: tn.db, Owner: tn.owner})
	})
	if db, role := exists(t, srv, tn); db || role {
		t.Errorf("after concurrent DropDatabase: database exists %v, role exists %v; want both gone", db, role)
	}
}

// TestConn_DropRemovesObjectsInAdminDatabase: before PostgreSQL 15 any role
// may create in schema public of the admin database; what the tenant owns
// there must not keep DropDatabase from dropping the role. Simulated here by
// handing the tenant a table.
func TestConn_DropRemovesObjectsInAdminDatabase(t *testing.T) {
	srv := dbtest.Postgres(t)
	ctx := testContext(t)
	c := mustOpen(t, newCreateRoleAdmin(t, srv))
	tn := newTenant()
	mustEnsure(t, c, engine.EnsureDatabaseRequest{Database: tn.db, Owner: tn.owner, Password: tn.password})
	table := engine.QuoteIdent('"', tn.owner+"_leftover")
	for _, stmt := range []string{
		"CREATE TABLE public." + table + " (id int)",
		"ALTER TABLE public." + table + ` OWNER TO "` + tn.owner + `"`,
	} {
		if _, err := srv.AdminDB().ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	if err := c.DropDatabase(ctx, engine.DropDatabaseRequest{Database: tn.db, Owner: tn.owner}); err != nil {
		t.Fatalf("DropDatabase() with a table in the admin database = %v, want nil", err)
	}
	if db, role := exists(t, srv, tn); db || role {
		t.Errorf("after DropDatabase: database exists %v, role exists %v; want both gone", db, role)
	}
}

func TestConn_CheckPrivileges(t *testing.T) {
	srv := dbtest.Postgres(t)
	ctx := testContext(t)
	tests := []struct {
		name        string
		cfg         engine.Config
		want, avoid []string
	}{
		{"no CREATEROLE", srv.NewLimitedUser(t), []string{"CREATEROLE"}, []string{"CREATEDB"}},
		{"neither", newRole(t, srv, "LOGIN"), []string{"CREATEROLE", "CREATEDB"}, nil},
		{"no CREATEDB", newRole(t, srv, "LOGIN CREATEROLE"), []string{"CREATEDB"}, []string{"CREATEROLE"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := mustOpen(t, tc.cfg).CheckPrivileges(ctx)
			if !errors.Is(err, engine.ErrAccessDenied) {
				t.Fatalf("CheckPrivileges() = %v, want ErrAccessDenied", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("CheckPrivileges() = %q, want it to name %s", err, w)
				}
			}
			for _, a := range tc.avoid {
				if strings.Contains(err.Error(), a) {
					t.Errorf("CheckPrivileges() = %q, names %s, which the role has", err, a)
				}
			}
		})
	}
}

// TestConn_RefusesForeignRoles: names that belong to roles dbplane did not
// make, such as the superuser, are never altered or dropped.
func TestConn_RefusesForeignRoles(t *testing.T) {
	srv := dbtest.Postgres(t)
	ctx := testContext(t)
	c := mustOpen(t, srv.AdminConfig())
	adminPassword := srv.AdminConfig().Password

	_, err := c.EnsureDatabase(ctx, engine.EnsureDatabaseRequest{Database: "dbplane_foreign", Owner: "postgres", Password: randomPassword()})
	if !errors.Is(err, engine.ErrExists) {
		t.Errorf("EnsureDatabase(owner postgres) = %v, want ErrExists", err)
	}
	if err := c.SetPassword(ctx, engine.SetPasswordRequest{Owner: "postgres", Password: randomPassword()}); !errors.Is(err, engine.ErrExists) {
		t.Errorf("SetPassword(postgres) = %v, want ErrExists", err)
	}
	if err := c.(engine.AccessSetter).SetAccess(ctx, engine.SetAccessRequest{Database: "postgres", Owner: "postgres", Access: engine.AccessLocked}); !errors.Is(err, engine.ErrExists) {
		t.Errorf("SetAccess(postgres, locked) = %v, want ErrExists", err)
	}
	if err := c.DropDatabase(ctx, engine.DropDatabaseRequest{Database: "postgres", Owner: "postgres"}); err != nil {
		t.Errorf("DropDatabase(postgres, postgres) = %v, want nil (not ours: left alone)", err)
	}
	mustConnect(t, srv, "postgres", adminPassword, "postgres")

	// A database that belongs to another owner is neither adopted nor dropped.
	tn, other := newTenant(), newTenant()
	mustEnsure(t, c, engine.EnsureDatabaseRequest{Database: tn.db, Owner: tn.owner, Password: tn.password})
	_, err = c.EnsureDatabase(ctx, engine.EnsureDatabaseRequest{Database: tn.db, Owner: other.owner, Password: other.password})
	if !errors.Is(err, engine.ErrExists) {
		t.Errorf("EnsureDatabase(existing database, other owner) = %v, want ErrExists", err)
	}
	if err := c.DropDatabase(ctx, engine.DropDatabaseRequest{Database: tn.db, Owner: other.owner}); err != nil {
		t.Errorf("DropDatabase(database of another owner) = %v, want nil", err)
	}
	mustConnect(t, srv, tn.owner, tn.password, tn.db)
}

func TestConn_Errors(t *testing.T) {
	srv := dbtest.Postgres(t)
	ctx := testContext(t)
	c := mustOpen(t, srv.AdminConfig())
	tn := newTenant()

	if err := c.SetPassword(ctx, engine.SetPasswordRequest{Owner: tn.owner, Password: tn.password}); !errors.Is(err, engine.ErrNotExist) {
		t.Errorf("SetPassword(missing role) = %v, want ErrNotExist", err)
	}
	err := c.(engine.AccessSetter).SetAccess(ctx, engine.SetAccessRequest{Database: tn.db, Owner: tn.owner, Access: engine.AccessActive})
	if !errors.Is(err, engine.ErrNotExist) {
		t.Errorf("SetAccess(missing role) = %v, want ErrNotExist", err)
	}
	_, err = c.EnsureDatabase(ctx, engine.EnsureDatabaseRequest{Database: tn.db, Owner: tn.owner, Password: tn.password, Remote: "10.0.0.%"})
	if err == nil || errors.Is(err, engine.ErrExists) {
		t.Errorf("EnsureDatabase(remote 10.0.0.%%) = %v, want an invalid-request error", err)
	}
	if db, role := exists(t, srv, tn); db || role {
		t.Errorf("after a refused EnsureDatabase: database exists %v, role exists %v; want neither", db, role)
	}

	v, err := c.Version(ctx)
	if err != nil || v == "" || v[0] < '1' || v[0] > '9' {
		t.Errorf("Version() = %q, %v; want a version number", v, err)
	}

	bad := srv.AdminConfig()
	bad.Password = "Wrong-Admin-Pa55word"
	err = mustOpen(t, bad).Ping(ctx)
	if !errors.Is(err, engine.ErrAccessDenied) {
		t.Errorf("Ping(wrong password) = %v, want ErrAccessDenied", err)
	}
	if err != nil && strings.Contains(err.Error(), bad.Password) {
		t.Errorf("Ping(wrong password) error %q carries the password", err)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := mustOpen(t, srv.AdminConfig()).Ping(cancelled); err == nil {
		t.Error("Ping(cancelled context) = nil, want an error")
	}
}

// TestConn_DatabaseSizesSkipsForbidden: a database the admin may not
// connect to is left out; the query does not fail.
func TestConn_DatabaseSizesSkipsForbidden(t *testing.T) {
	srv := dbtest.Postgres(t)
	ctx := testContext(t)
	forbidden := srv.NewDatabase(t)
	if _, err := srv.AdminDB().ExecContext(ctx, `REVOKE CONNECT ON DATABASE "`+forbidden+`" FROM PUBLIC`); err != nil {
		t.Fatal(err)
	}
	c := mustOpen(t, newCreateRoleAdmin(t, srv))
	tn := newTenant()
	mustEnsure(t, c, engine.EnsureDatabaseRequest{Database: tn.db, Owner: tn.owner, Password: tn.password})

	sizes, err := c.(engine.Sizer).DatabaseSizes(ctx)
	if err != nil {
		t.Fatalf("DatabaseSizes() = %v, want nil", err)
	}
	if _, ok := sizes[forbidden]; ok {
		t.Errorf("DatabaseSizes() has %s, which the admin may not connect to", forbidden)
	}
	if sizes[tn.db] <= 0 {
		t.Errorf("DatabaseSizes()[%s] = %d, want > 0", tn.db, sizes[tn.db])
	}
}

type tenant struct{ db, owner, password string }

func newTenant() tenant {
	s := strings.ToLower(rand.Text()[:12])
	return tenant{db: "tdb_" + s, owner: "tu_" + s, password: randomPassword()}
}

// randomPassword is what dbplane generates: 32 of [A-Za-z0-9].
func randomPassword() string {
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 32)
	rand.Read(b)
	for i := range b {
		b[i] = alnum[int(b[i])%len(alnum)]
	}
	return string(b)
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func mustOpen(tb testing.TB, cfg engine.Config) engine.Conn {
	tb.Helper()
	c, err := postgres.Driver{}.Open(cfg)
	if err != nil {
		tb.Fatalf("Open() = %v", err)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

// mustEnsure runs EnsureDatabase and drops the database again in Cleanup.
func mustEnsure(tb testing.TB, c engine.Conn, req engine.EnsureDatabaseRequest) engine.EnsureDatabaseResponse {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := c.EnsureDatabase(ctx, req)
	if err != nil {
		tb.Fatalf("EnsureDatabase(%s, %s) = %v", req.Database, req.Owner, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := c.DropDatabase(ctx, engine.DropDatabaseRequest{Database: req.Database, Owner: req.Owner}); err != nil {
			tb.Errorf("cleanup: DropDatabase(%s) = %v", req.Database, err)
		}
	})
	return res
}

func setAccess(tb testing.TB, c engine.Conn, tn tenant, a engine.Access) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := c.(engine.AccessSetter).SetAccess(ctx, engine.SetAccessRequest{Database: tn.db, Owner: tn.owner, Access: a}); err != nil {
		tb.Fatalf("SetAccess(%s) = %v", a, err)
	}
}

func mustConnect(tb testing.TB, srv *dbtest.Server, user, password, db string) {
	tb.Helper()
	if err := srv.ConnectAs(context.Background(), user, password, db); err != nil {
		tb.Errorf("ConnectAs(%s, %s) = %v, want nil", user, db, err)
	}
}

func mustNotConnect(tb testing.TB, srv *dbtest.Server, user, password, db string) {
	tb.Helper()
	if err := srv.ConnectAs(context.Background(), user, password, db); err == nil {
		tb.Errorf("ConnectAs(%s, %s) = nil, want refused", user, db)
	}
}

// holdSession opens a session as user and keeps it until Cleanup.
func holdSession(tb testing.TB, srv *dbtest.Server, user, password, db string) *pgx.Conn {
	tb.Helper()
	host, port := srv.Addr()
	cfg, err := pgx.ParseConfig(fmt.Sprintf("host=%s port=%d dbname=%s sslmode=disable connect_timeout=5", host, port, db))
	if err != nil {
		tb.Fatal(err)
	}
	cfg.User, cfg.Password = user, password
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		tb.Fatalf("connect as %s to %s: %v", user, db, err)
	}
	tb.Cleanup(func() { s.Close(context.Background()) })
	return s
}

// newCreateRoleAdmin makes a non-superuser admin as doc.go recommends.
func newCreateRoleAdmin(tb testing.TB, srv *dbtest.Server) engine.Config {
	tb.Helper()
	return newRole(tb, srv, "LOGIN CREATEROLE CREATEDB")
}

// newRole creates a login role with attrs, dropped in Cleanup, and returns
// its config.
func newRole(tb testing.TB, srv *dbtest.Server, attrs string) engine.Config {
	tb.Helper()
	name := "adm_" + strings.ToLower(rand.Text()[:10])
	password := randomPassword()
	ident := engine.QuoteIdent('"', name)
	ctx := context.Background()
	if _, err := srv.AdminDB().ExecContext(ctx, "CREATE ROLE "+ident+" "+attrs+" PASSWORD "+engine.QuoteLiteral(password, false)); err != nil {
		tb.Fatalf("create role %s: %v", name, err)
	}
	tb.Cleanup(func() {
		if _, err := srv.AdminDB().ExecContext(ctx, "DROP ROLE IF EXISTS "+ident); err != nil {
			tb.Errorf("cleanup: drop role %s: %v", name, err)
		}
	})
	cfg := srv.AdminConfig()
	cfg.User, cfg.Password = name, password
	return cfg
}

// exists reports whether the tenant's database and role exist.
func exists(tb testing.TB, srv *dbtest.Server, tn tenant) (db, role bool) {
	tb.Helper()
	err := srv.AdminDB().QueryRowContext(context.Background(),
		"SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1), EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $2)",
		tn.db, tn.owner).Scan(&db, &role)
	if err != nil {
		tb.Fatal(err)
	}
	return db, role
}
