package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/dbplane/dbplane/internal/dbtest"
	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/engine/postgres"
)

// tenantSetup is what a tenant builds before it goes over quota, each
// piece a way it might later try to write through the wall: PUBLIC grants
// it gave itself, a SECURITY DEFINER routine that runs any statement as
// its owner, objects handed to pg_database_owner, a view, a sequence, a
// large object, rules ON DELETE that insert, a foreign key ON DELETE
// CASCADE (its action runs as the referencing table's owner) onto a table
// whose trigger inserts.
var tenantSetup = []string{
	"CREATE TABLE t (id int)",
	"INSERT INTO t VALUES (1), (2), (3)",
	"CREATE SEQUENCE seq",
	"CREATE SCHEMA app",
	"CREATE TABLE app.u (id int, v text)",
	"INSERT INTO app.u VALUES (1, 'a')",
	"CREATE VIEW v AS SELECT id FROM t",
	"GRANT INSERT, UPDATE ON t TO PUBLIC",
	"GRANT INSERT (id) ON app.u TO PUBLIC",
	"GRANT CREATE ON SCHEMA app TO PUBLIC",
	"GRANT USAGE ON SEQUENCE seq TO PUBLIC",
	"GRANT CREATE, TEMPORARY ON DATABASE {db} TO PUBLIC",
	`CREATE FUNCTION run_as_owner(q text) RETURNS void LANGUAGE plpgsql SECURITY DEFINER AS $$BEGIN EXECUTE q; END$$`,
	`CREATE FUNCTION run_as_dbo(q text) RETURNS void LANGUAGE plpgsql SECURITY DEFINER AS $$BEGIN EXECUTE q; END$$`,
	"ALTER FUNCTION run_as_dbo(text) OWNER TO pg_database_owner",
	"CREATE TABLE dbo_t (id int)",
	"ALTER TABLE dbo_t OWNER TO pg_database_owner",
	"CREATE TABLE big (id int)",
	"CREATE TABLE ruled (id int)",
	"INSERT INTO ruled VALUES (1)",
	"CREATE RULE grow AS ON DELETE TO ruled DO ALSO INSERT INTO big VALUES (1)",
	"GRANT DELETE ON ruled TO PUBLIC",
	"CREATE VIEW rv AS SELECT id FROM t",
	"CREATE RULE rv_delete AS ON DELETE TO rv DO INSTEAD INSERT INTO big VALUES (1)",
	"SELECT lo_from_bytea(4242, 'hello')",
	"GRANT UPDATE ON LARGE OBJECT 4242 TO PUBLIC",
	"CREATE TABLE parent (id int PRIMARY KEY)",
	"INSERT INTO parent VALUES (1)",
	"CREATE TABLE child (pid int REFERENCES parent ON DELETE CASCADE)",
	"INSERT INTO child VALUES (1)",
	`CREATE FUNCTION grow() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN INSERT INTO big VALUES (2); RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END; END$$`,
	"CREATE TRIGGER grow BEFORE DELETE ON child FOR EACH ROW EXECUTE FUNCTION grow()",
	"CREATE TABLE parent2 (id int PRIMARY KEY)",
	"INSERT INTO parent2 VALUES (1)",
	"CREATE TABLE child2 (pid int REFERENCES parent2 ON DELETE SET NULL)",
	"INSERT INTO child2 VALUES (1)",
	"CREATE TRIGGER grow2 BEFORE UPDATE ON child2 FOR EACH ROW EXECUTE FUNCTION grow()",
	"GRANT DELETE ON parent2 TO PUBLIC",
	"CREATE VIEW pv AS SELECT id FROM parent",
	// Another role the tenant controls (the user of its second database)
	// gets to connect and write, and so does PUBLIC's connecting.
	"GRANT CONNECT ON DATABASE {db} TO PUBLIC",
	"GRANT CONNECT, TEMPORARY ON DATABASE {db} TO {other} WITH GRANT OPTION",
	"GRANT CREATE ON DATABASE {db} TO {other}",
	"GRANT SELECT, INSERT, UPDATE, DELETE ON t TO {other}",
	"GRANT USAGE, CREATE ON SCHEMA app TO {other}",
	"GRANT INSERT ON app.u TO {other}",
}

// otherEscapes are what the other role tries, once read_only stands, in a
// session it opened before (which must be gone) or a new one (which must be
// refused).
var otherEscapes = []string{
	"INSERT INTO t VALUES (40)",
	"INSERT INTO app.u VALUES (41, 'b')",
	"CREATE TABLE app.w (id int)",
	"CREATE SCHEMA z2",
}

// escapes are what the tenant tries, in its own session, once read_only
// stands. Each must fail. {db} and {holder} are filled in.
var escapes = []string{
	"INSERT INTO t VALUES (10)",
	"BEGIN READ WRITE; INSERT INTO t VALUES (11); COMMIT",
	"SET transaction_read_only = off; INSERT INTO t VALUES (12)",
	"SET default_transaction_read_only = off; INSERT INTO t VALUES (12)",
	"UPDATE t SET id = id + 100",
	"CREATE TABLE x (id int)",
	"CREATE TABLE app.x (id int)",
	"CREATE TABLE x2 AS SELECT * FROM t",
	"SELECT * INTO x3 FROM t",
	"CREATE SCHEMA z",
	"CREATE TEMP TABLE tt (id int)",
	"CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
	"ALTER TABLE t ADD COLUMN c int",
	"CREATE INDEX ON t (id)",
	"GRANT INSERT ON t TO CURRENT_USER; INSERT INTO t VALUES (14)",
	"SET ROLE {holder}",
	"SET ROLE pg_database_owner",
	"ALTER DATABASE {db} OWNER TO CURRENT_USER",
	"REASSIGN OWNED BY {holder} TO CURRENT_USER",
	"SELECT run_as_owner('INSERT INTO t VALUES (15)')",
	"SELECT run_as_owner('CREATE TABLE public.y (id int)')",
	"SELECT run_as_dbo('CREATE TABLE public.y (id int)')",
	"ALTER FUNCTION run_as_owner(text) SECURITY DEFINER",
	"INSERT INTO dbo_t VALUES (1)",
	"INSERT INTO app.u (id) VALUES (16)",
	"INSERT INTO v VALUES (17)",
	"SELECT nextval('seq')",
	"SELECT lo_put(4242, 0, 'x')",
	"ALTER TABLE dbo_t OWNER TO CURRENT_USER",
	"DELETE FROM ruled",
	"DELETE FROM rv",
	"DELETE FROM parent",
	"DELETE FROM parent2",
	"DELETE FROM pv",
}

// TestWall_Escapes puts a tenant that prepared every escape above behind
// read_only and tries each with its own session; reads, DELETE and TRUNCATE
// still work; then active gives back exactly what the tenant had.
func TestWall_Escapes(t *testing.T) {
	srv := dbtest.Postgres(t)
	for _, admin := range admins(t, srv) {
		t.Run(admin.name, func(t *testing.T) {
			ctx := testContext(t)
			c := mustOpen(t, admin.cfg)
			tn, other := newTenant(), newTenant()
			// other first: its cleanup runs after tn's database, which holds its grants, is gone.
			mustEnsure(t, c, engine.EnsureDatabaseRequest{Database: other.db, Owner: other.owner, Password: other.password})
			mustEnsure(t, c, engine.EnsureDatabaseRequest{Database: tn.db, Owner: tn.owner, Password: tn.password})
			s := holdSession(t, srv, tn.owner, tn.password, tn.db)
			holder, _ := postgres.WallRoles(tn.owner)
			r := strings.NewReplacer("{db}", `"`+tn.db+`"`, "{holder}", `"`+holder+`"`, "{other}", `"`+other.owner+`"`)
			for _, q := range tenantSetup {
				mustExecSession(t, s, r.Replace(q))
			}
			// The other role writes before the wall, and keeps its session.
			so := holdSession(t, srv, other.owner, other.password, tn.db)
			mustExecSession(t, so, "INSERT INTO t VALUES (4); DELETE FROM t WHERE id = 4")
			before := catalogSnapshot(t, srv, tn.db)

			setAccess(t, c, tn, engine.AccessReadOnly)
			if _, err := s.Exec(ctx, "SELECT 1"); err == nil {
				t.Error("the tenant's session from before read_only still runs, want it ended")
			}
			for _, q := range otherEscapes {
				if _, err := so.Exec(ctx, q, pgx.QueryExecModeSimpleProtocol); err == nil {
					t.Errorf("read_only: the other role's session from before: %s = nil error, want it ended", q)
				}
			}
			mustNotConnect(t, srv, other.owner, other.password, tn.db)
			s = holdSession(t, srv, tn.owner, tn.password, tn.db)
			var owner string
			if err := s.QueryRow(ctx, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()").Scan(&owner); err != nil {
				t.Fatal(err)
			}
			if owner != holder {
				t.Fatalf("read_only: the database is owned by %s, want the holding role %s", owner, holder)
			}
			tryEscapes(t, s, r)
			if _, err := s.PgConn().CopyFrom(ctx, strings.NewReader("18\n"), "COPY t FROM STDIN"); err == nil {
				t.Error("read_only: COPY t FROM STDIN = nil error, want it refused")
			}
			checkUnwritten(t, s)

			// Reads and deletes.
			for _, q := range []string{
				"SELECT count(*) FROM t", "SELECT * FROM app.u", "SELECT * FROM v", "SELECT lo_get(4242)",
				"SELECT last_value FROM seq", "SELECT run_as_owner('SELECT 1')",
				"DELETE FROM t WHERE id = 3", "TRUNCATE dbo_t", "DELETE FROM app.u WHERE id = 2",
			} {
				if _, err := s.Exec(ctx, q, pgx.QueryExecModeSimpleProtocol); err != nil {
					t.Errorf("read_only: %s = %v, want nil (reads and deletes stay)", q, err)
				}
			}
			if n := count(t, s, "SELECT count(*) FROM t"); n != 2 {
				t.Errorf("read_only: after DELETE of one of 3 rows, t has %d rows, want 2", n)
			}

			// Replayed, and under a suspension: the wall still stands.
			setAccess(t, c, tn, engine.AccessReadOnly)
			s = holdSession(t, srv, tn.owner, tn.password, tn.db)
			tryEscapes(t, s, r)
			setAccess(t, c, tn, engine.AccessLocked)
			mustNotConnect(t, srv, tn.owner, tn.password, tn.db)
			setAccess(t, c, tn, engine.AccessReadOnly)
			s = holdSession(t, srv, tn.owner, tn.password, tn.db)
			tryEscapes(t, s, r)
			// EnsureDatabase (a replayed create) adopts a walled database
			// and leaves the wall up.
			mustEnsure(t, c, engine.EnsureDatabaseRequest{Database: tn.db, Owner: tn.owner, Password: tn.password})
			if _, err := s.Exec(ctx, "INSERT INTO t VALUES (20)"); err == nil {
				t.Error("read_only after EnsureDatabase: INSERT = nil error, want refused")
			}
			mustNotConnect(t, srv, other.owner, other.password, tn.db)

			// active: exactly what the tenant had, minus the row it deleted.
			setAccess(t, c, tn, engine.AccessActive)
			setAccess(t, c, tn, engine.AccessActive)
			after := catalogSnapshot(t, srv, tn.db)
			if diff := diffLines(before, after); diff != "" {
				t.Errorf("active after read_only: catalog differs from before (-before +after):\n%s", diff)
			}
			if n := wallRoleCount(t, srv, tn.owner); n != 0 {
				t.Errorf("active after read_only: %d of the wall's roles left, want 0", n)
			}
			s = holdSession(t, srv, tn.owner, tn.password, tn.db)
			for _, q := range []string{
				"INSERT INTO t VALUES (30)", "UPDATE t SET id = id + 1", "CREATE TABLE x (id int)",
				"ALTER TABLE t ADD COLUMN c int", "CREATE SCHEMA z", "SELECT run_as_owner('CREATE TABLE y (id int)')",
				"SELECT nextval('seq')", "SELECT lo_put(4242, 0, 'x')",
			} {
				if _, err := s.Exec(ctx, q, pgx.QueryExecModeSimpleProtocol); err != nil {
					t.Errorf("active after read_only: %s = %v, want nil", q, err)
				}
			}
			so = holdSession(t, srv, other.owner, other.password, tn.db)
			mustExecSession(t, so, "INSERT INTO t VALUES (42)")
		})
	}
}

// TestWall_DropWhileWalled: a database behind the wall drops, with its
// owner and the wall's roles (under a superuser admin the marker also
// holds EXECUTE on the large-object creators of the dropped database).
func TestWall_DropWhileWalled(t *testing.T) {
	srv := dbtest.Postgres(t)
	for _, admin := range admins(t, srv) {
		t.Run(admin.name, func(t *testing.T) {
			c := mustOpen(t, admin.cfg)
			ctx := testContext(t)
			tn := newTenant()
			mustEnsure(t, c, engine.EnsureDatabaseRequest{Database: tn.db, Owner: tn.owner, Password: tn.password})
			if err := srv.ExecAs(ctx, tn.owner, tn.password, tn.db, "CREATE TABLE t (id int)"); err != nil {
				t.Fatal(err)
			}
			setAccess(t, c, tn, engine.AccessReadOnly)
			if n := wallRoleCount(t, srv, tn.owner); n != 2 {
				t.Fatalf("read_only made %d of the wall's 2 roles", n)
			}
			drop := engine.DropDatabaseRequest{Database: tn.db, Owner: tn.owner}
			if err := c.DropDatabase(ctx, drop); err != nil {
				t.Fatalf("DropDatabase(walled) = %v", err)
			}
			if db, role := exists(t, srv, tn); db || role {
				t.Errorf("after DropDatabase(walled): database exists %v, role exists %v; want both gone", db, role)
			}
			if n := wallRoleCount(t, srv, tn.owner); n != 0 {
				t.Errorf("after DropDatabase(walled): %d of the wall's roles left, want 0", n)
			}
		})
	}
}

// TestWall_LargeObjects: behind the wall a tenant cannot create large
// objects when the admin is a superuser (PUBLIC's EXECUTE on the functions
// that create them is parked in the tenant's database, and only what was
// there comes back); a CREATEROLE admin cannot take that EXECUTE away, and
// the limit doc.go documents stays. If the CREATEROLE half starts to fail,
// the wall has closed it there too; update doc.go.
func TestWall_LargeObjects(t *testing.T) {
	srv := dbtest.Postgres(t)
	creators := []string{"SELECT lo_from_bytea(0, 'x')", "SELECT lo_create(0)", "SELECT lo_creat(-1)"}
	t.Run("superuser", func(t *testing.T) {
		ctx := testContext(t)
		cfg := srv.AdminConfig()
		c := mustOpen(t, cfg)
		tn := newTenant()
		mustEnsure(t, c, engine.EnsureDatabaseRequest{Database: tn.db, Owner: tn.owner, Password: tn.password})
		adm := holdSession(t, srv, cfg.User, cfg.Password, tn.db)
		// An operator took lo_creat from PUBLIC before: the wall must not
		// give it back.
		mustExecSession(t, adm, "REVOKE EXECUTE ON FUNCTION lo_creat(integer) FROM PUBLIC")
		before := loACL(t, adm)
		elsewhere := loACL(t, holdSession(t, srv, cfg.User, cfg.Password, cfg.Database))

		for range 2 { // replayed, the wall still stands
			setAccess(t, c, tn, engine.AccessReadOnly)
			for _, q := range creators {
				if err := srv.ExecAs(ctx, tn.owner, tn.password, tn.db, q); err == nil {
					t.Errorf("read_only: %s = nil error, want it refused", q)
				}
			}
		}
		if n := count(t, adm, "SELECT count(*) FROM pg_largeobject_metadata"); n != 0 {
			t.Errorf("read_only: %d large objects in the tenant's database, want 0", n)
		}
		if got := loACL(t, holdSession(t, srv, cfg.User, cfg.Password, cfg.Database)); got != elsewhere {
			t.Errorf("read_only: the admin database's ACLs changed:\n%s\nwant\n%s", got, elsewhere)
		}

		setAccess(t, c, tn, engine.AccessActive)
		setAccess(t, c, tn, engine.AccessActive)
		if after := loACL(t, adm); after != before {
			t.Errorf("active after read_only: ACLs =\n%s\nwant as before\n%s", after, before)
		}
		if n := wallRoleCount(t, srv, tn.owner); n != 0 {
			t.Errorf("active after read_only: %d of the wall's roles left, want 0", n)
		}
		for _, q := range creators[:2] {
			if err := srv.ExecAs(ctx, tn.owner, tn.password, tn.db, q); err != nil {
				t.Errorf("active after read_only: %s = %v, want nil", q, err)
			}
		}
		if err := srv.ExecAs(ctx, tn.owner, tn.password, tn.db, creators[2]); err == nil {
			t.Error("active after read_only: lo_creat = nil error, want it refused as before the wall")
		}
	})
	t.Run("createrole admin", func(t *testing.T) {
		ctx := testContext(t)
		c := mustOpen(t, newCreateRoleAdmin(t, srv))
		tn := newTenant()
		mustEnsure(t, c, engine.EnsureDatabaseRequest{Database: tn.db, Owner: tn.owner, Password: tn.password})
		setAccess(t, c, tn, engine.AccessReadOnly)
		if err := srv.ExecAs(ctx, tn.owner, tn.password, tn.db, creators[0]); err != nil {
			t.Errorf("read_only: lo_from_bytea = %v; the wall now stops it, update doc.go", err)
		}
		setAccess(t, c, tn, engine.AccessActive)
	})
}

// loACL lists who may execute the functions that create large objects in
// s's database, one line each.
func loACL(t *testing.T, s *pgx.Conn) string {
	t.Helper()
	var acl string
	q := `SELECT COALESCE(string_agg(e, E'\n' ORDER BY e), '') FROM (
		SELECT p.oid::regprocedure::text || ' ' || a.grantee::regrole::text || ' ' || a.privilege_type AS e
		FROM pg_proc p, aclexplode(COALESCE(p.proacl, acldefault('f', p.proowner))) a
		WHERE p.pronamespace = 'pg_catalog'::regnamespace
		  AND p.proname IN ('lo_create', 'lo_creat', 'lo_from_bytea', 'lo_import')) x`
	if err := s.QueryRow(testContext(t), q).Scan(&acl); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return acl
}

func tryEscapes(t *testing.T, s *pgx.Conn, r *strings.Replacer) {
	t.Helper()
	ctx := testContext(t)
	for _, q := range escapes {
		q = r.Replace(q)
		_, err := s.Exec(ctx, q, pgx.QueryExecModeSimpleProtocol)
		if err == nil {
			t.Errorf("read_only: %s = nil error, want it refused", q)
		}
		// A failed BEGIN ... leaves the session in an aborted block;
		// outside one, ROLLBACK only warns. RESET ROLE undoes a SET ROLE
		// that should not have worked.
		if _, err := s.Exec(ctx, "ROLLBACK; RESET ROLE", pgx.QueryExecModeSimpleProtocol); err != nil {
			t.Fatalf("after %s: ROLLBACK = %v", q, err)
		}
	}
}

// checkUnwritten fails the test if any escape left a trace.
func checkUnwritten(t *testing.T, s *pgx.Conn) {
	t.Helper()
	if n := count(t, s, "SELECT count(*) FROM t"); n != 3 {
		t.Errorf("read_only: t has %d rows, want the 3 from before", n)
	}
	if n := count(t, s, "SELECT count(*) FROM big"); n != 0 {
		t.Errorf("read_only: big has %d rows, want 0 (rules ON DELETE and foreign keys' actions run as the owner)", n)
	}
	if n := count(t, s, "SELECT count(*) FROM dbo_t"); n != 0 {
		t.Errorf("read_only: dbo_t has %d rows, want 0", n)
	}
	if n := count(t, s, "SELECT count(*) FROM app.u"); n != 1 {
		t.Errorf("read_only: app.u has %d rows, want 1", n)
	}
	if n := count(t, s, "SELECT count(*) FROM pg_class WHERE relname IN ('x', 'x2', 'x3', 'y', 'tt')"); n != 0 {
		t.Errorf("read_only: %d of the tables the escapes tried to make exist, want 0", n)
	}
	if n := count(t, s, "SELECT count(*) FROM pg_namespace WHERE nspname = 'z'"); n != 0 {
		t.Error("read_only: schema z exists, want it refused")
	}
	if n := count(t, s, "SELECT count(*) FROM pg_attribute WHERE attrelid = 't'::regclass AND attname = 'c'"); n != 0 {
		t.Error("read_only: column t.c exists, want it refused")
	}
	if n := count(t, s, "SELECT last_value FROM seq"); n != 1 {
		t.Errorf("read_only: seq's last_value = %d, want 1 (never advanced)", n)
	}
	var lo string
	if err := s.QueryRow(testContext(t), "SELECT convert_from(lo_get(4242), 'UTF8')").Scan(&lo); err != nil || lo != "hello" {
		t.Errorf("read_only: large object 4242 = %q, %v; want %q", lo, err, "hello")
	}
}

func count(t *testing.T, s *pgx.Conn, q string) int64 {
	t.Helper()
	var n int64
	if err := s.QueryRow(testContext(t), q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func mustExecSession(t *testing.T, s *pgx.Conn, q string) {
	t.Helper()
	if _, err := s.Exec(testContext(t), q, pgx.QueryExecModeSimpleProtocol); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// catalogSnapshot lists, as the superuser in db, every object the tenant
// can own or grant on, with its owner, its privileges (explicit or
// default, one sorted list) and, for routines, SECURITY DEFINER.
func catalogSnapshot(t *testing.T, srv *dbtest.Server, db string) []string {
	t.Helper()
	admin := srv.AdminConfig()
	s := holdSession(t, srv, admin.User, admin.Password, db)
	defer s.Close(context.Background())
	// An ACL's entries are a set: the order they are listed in is not
	// compared.
	const acl = `(SELECT COALESCE(string_agg(e, ',' ORDER BY e), '') FROM (SELECT format('%s>%s:%s%s', pg_get_userbyid(a.grantor),
    CASE a.grantee WHEN 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END, a.privilege_type,
    CASE WHEN a.is_grantable THEN '*' ELSE '' END) AS e FROM aclexplode(%s) a) x)`
	f := func(expr string) string { return strings.Replace(acl, "%s) a)", expr+") a)", 1) }
	q := `SELECT line FROM (
SELECT 'database ' || datname || ' owner=' || pg_get_userbyid(datdba) || ' acl=' || ` + f("COALESCE(datacl, acldefault('d', datdba))") + ` AS line
  FROM pg_database WHERE datname = current_database()
UNION ALL
SELECT 'schema ' || nspname || ' owner=' || pg_get_userbyid(nspowner) || ' acl=' || ` + f("COALESCE(nspacl, acldefault('n', nspowner))") + `
  FROM pg_namespace WHERE nspname NOT LIKE 'pg\_%' AND nspname <> 'information_schema'
UNION ALL
SELECT 'relation ' || c.oid::regclass::text || ' owner=' || pg_get_userbyid(c.relowner) || ' acl=' ||
    ` + f("COALESCE(c.relacl, acldefault((CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END)::\"char\", c.relowner))") + `
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
UNION ALL
SELECT 'column ' || c.oid::regclass::text || '.' || a.attname || ' acl=' || ` + f("a.attacl") + `
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema' AND a.attnum > 0 AND NOT a.attisdropped
UNION ALL
SELECT 'routine ' || p.oid::regprocedure::text || ' owner=' || pg_get_userbyid(p.proowner) || ' secdef=' || p.prosecdef || ' acl=' ||
    ` + f("COALESCE(p.proacl, acldefault('f', p.proowner))") + `
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
  WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
UNION ALL
SELECT 'large object ' || l.oid || ' owner=' || pg_get_userbyid(l.lomowner) || ' acl=' || ` + f("COALESCE(l.lomacl, acldefault('L', l.lomowner))") + `
  FROM pg_largeobject_metadata l
) AS lines ORDER BY 1`
	rows, err := s.Query(testContext(t), q)
	if err != nil {
		t.Fatalf("catalog snapshot: %v", err)
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatalf("catalog snapshot: %v", err)
	}
	return lines
}

func diffLines(before, after []string) string {
	in := func(xs []string) map[string]bool {
		m := make(map[string]bool, len(xs))
		for _, x := range xs {
			m[x] = true
		}
		return m
	}
	b, a := in(before), in(after)
	var out strings.Builder
	for _, x := range before {
		if !a[x] {
			out.WriteString("-" + x + "\n")
		}
	}
	for _, x := range after {
		if !b[x] {
			out.WriteString("+" + x + "\n")
		}
	}
	return out.String()
}

// wallRoleCount counts owner's wall roles on the server.
func wallRoleCount(t *testing.T, srv *dbtest.Server, owner string) int {
	t.Helper()
	holder, marker := postgres.WallRoles(owner)
	var n int
	if err := srv.AdminDB().QueryRowContext(context.Background(),
		`SELECT count(*) FROM pg_roles WHERE rolname IN ($1, $2)`, holder, marker).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestWall_LockedToActive: a suspension on top of read_only, lifted
// straight to active (the account got under quota meanwhile), takes the
// wall down too.
func TestWall_LockedToActive(t *testing.T) {
	srv := dbtest.Postgres(t)
	c := mustOpen(t, newCreateRoleAdmin(t, srv))
	ctx := testContext(t)
	tn := newTenant()
	mustEnsure(t, c, engine.EnsureDatabaseRequest{Database: tn.db, Owner: tn.owner, Password: tn.password})
	if err := srv.ExecAs(ctx, tn.owner, tn.password, tn.db, "CREATE TABLE t (id int)"); err != nil {
		t.Fatal(err)
	}
	before := catalogSnapshot(t, srv, tn.db)
	setAccess(t, c, tn, engine.AccessReadOnly)
	setAccess(t, c, tn, engine.AccessLocked)
	mustNotConnect(t, srv, tn.owner, tn.password, tn.db)
	setAccess(t, c, tn, engine.AccessActive)
	if diff := diffLines(before, catalogSnapshot(t, srv, tn.db)); diff != "" {
		t.Errorf("active after read_only and locked: catalog differs (-before +after):\n%s", diff)
	}
	if n := wallRoleCount(t, srv, tn.owner); n != 0 {
		t.Errorf("active after read_only and locked: %d of the wall's roles left, want 0", n)
	}
	for _, q := range []string{"INSERT INTO t VALUES (1)", "DROP TABLE t"} {
		if err := srv.ExecAs(ctx, tn.owner, tn.password, tn.db, q); err != nil {
			t.Errorf("active after read_only and locked: %s = %v, want nil", q, err)
		}
	}
}

// TestWall_TenantDatabaseSettings: the wall's blocks run in the tenant's
// database, whose settings the tenant (its owner) chooses. Settings that
// would make the admin's session read-only, or cut its statements short,
// must not keep the wall from going up, or coming down.
func TestWall_TenantDatabaseSettings(t *testing.T) {
	srv := dbtest.Postgres(t)
	c := mustOpen(t, newCreateRoleAdmin(t, srv))
	ctx := testContext(t)
	tn := newTenant()
	mustEnsure(t, c, engine.EnsureDatabaseRequest{Database: tn.db, Owner: tn.owner, Password: tn.password})
	// The settings in one session: each applies to the tenant's later
	// sessions, and a session with statement_timeout = 1 ms already in
	// force fails its statements on a loaded machine.
	for _, q := range []string{
		"CREATE TABLE t (id int)",
		`ALTER DATABASE "` + tn.db + `" SET statement_timeout = 1; ` +
			`ALTER DATABASE "` + tn.db + `" SET lock_timeout = 1; ` +
			`ALTER DATABASE "` + tn.db + `" SET default_transaction_read_only = on`,
	} {
		if err := srv.ExecAs(ctx, tn.owner, tn.password, tn.db, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var settings int
	if err := srv.AdminDB().QueryRowContext(ctx, `SELECT cardinality(setconfig) FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase
		WHERE d.datname = $1 AND s.setrole = 0`, tn.db).Scan(&settings); err != nil || settings != 3 {
		t.Fatalf("the tenant's database settings: %d, %v; want 3", settings, err)
	}
	setAccess(t, c, tn, engine.AccessReadOnly)
	holder, _ := postgres.WallRoles(tn.owner)
	holdSession(t, srv, tn.owner, tn.password, tn.db) // the tenant is in while the wall comes down
	var owner string
	if err := srv.AdminDB().QueryRowContext(ctx, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1", tn.db).Scan(&owner); err != nil {
		t.Fatal(err)
	}
	if owner != holder {
		t.Fatalf("read_only: the database is owned by %s, want the holding role %s", owner, holder)
	}
	setAccess(t, c, tn, engine.AccessActive)
	if n := wallRoleCount(t, srv, tn.owner); n != 0 {
		t.Errorf("active: %d of the wall's roles left, want 0", n)
	}
}
