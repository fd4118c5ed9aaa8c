package postgres

import (
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/dbplane/dbplane/internal/engine"
)

// The read-only wall (doc.go, "Access levels"). PostgreSQL has no privilege
// that binds an object's owner, so read_only takes ownership away: the
// database and every object the tenant role owns in it move to a holding
// role no one logs in as and the tenant is not a member of, and the tenant
// gets back only what reads and deletes need. What else could let a
// non-owner write is set aside for as long as the wall stands, and kept
// where the wall's reversal finds it:
//
//   - PUBLIC's privileges other than reading and deleting, on the database
//     and on the tenant's schemas, tables, columns and large objects, move
//     to a marker role (the tenant might have granted itself, as PUBLIC,
//     INSERT on its own tables); so does DELETE on a table or view with a
//     rule ON DELETE, whose actions run as the table's owner, on a table a
//     foreign key's ON DELETE action reaches from (the action, and the
//     BEFORE triggers it fires, run as the referencing table's owner), and
//     on every view (a delete through a view reaches its base tables as the
//     view's owner); the tenant is not granted DELETE there;
//   - the tenant's SECURITY DEFINER routines, which would run as the holding
//     role, become SECURITY INVOKER, and the marker gets EXECUTE on each to
//     remember it;
//   - every privilege on the database held by a role other than the
//     tenant, the admin and the wall's roles (the tenant might have granted
//     CONNECT, and INSERT on its tables, to another role it controls), and
//     PUBLIC's CONNECT: PUBLIC's moves to the marker, the others' are
//     revoked and listed (grantee oid, privilege, grant option) as JSON in
//     the marker's comment after "; revoked: ". With no way to connect, no
//     other role can use what it was granted inside; its sessions there are
//     ended after the block (render.go). These statements run as the
//     holding role, so the owner is the grantor, whatever grant options
//     other roles the admin is a member of hold.
//   - when the admin is a superuser, PUBLIC's EXECUTE on the functions that
//     create large objects (loCreators), in the tenant's database only: the
//     marker gets EXECUTE on each it took, and only those are given back.
//     A CREATEROLE admin cannot revoke it, and the tenant can still create
//     large objects (doc.go, "Limits").
//
// Objects the tenant handed to pg_database_owner while it owned the
// database are treated as its own: the holding role's membership in
// pg_database_owner comes with the database.
//
// Both blocks run in the tenant's database as one transaction (a DO block
// is one statement), with search_path set to pg_catalog only, so nothing
// the tenant made can stand in for a catalog function or operator. Both are
// idempotent: the wall found standing is checked again, and the reversal of
// a database not walled finds nothing to do.

// wallRoles returns the holding and marker role names of owner: dbplane's
// prefix and 64 bits of FNV-1a of the name, so they fit PostgreSQL's 63
// bytes whatever the owner's length.
func wallRoles(owner string) (holder, marker string) {
	h := fnv.New64a()
	h.Write([]byte("dbplane/postgres wall " + owner))
	base := fmt.Sprintf("dbplane_wall_%016x", h.Sum64())
	return base, base + "_public"
}

// walled reports whether st shows owner's database behind the wall: owned
// by owner's holding role.
func walled(owner string, st state) bool {
	holder, _ := wallRoles(owner)
	return st.DBExists && st.DBOwner == holder
}

// wallPrelude declares the names every block uses, and owners: the roles
// whose objects are the tenant's (the holding role, and pg_database_owner,
// which does not exist before PostgreSQL 14).
func wallPrelude(owner string) string {
	holder, marker := wallRoles(owner)
	return `
DECLARE
  t name := ` + engine.QuoteLiteral(owner, false) + `;
  h name := ` + engine.QuoteLiteral(holder, false) + `;
  m name := ` + engine.QuoteLiteral(marker, false) + `;
  db name := current_database();
  toid oid;
  moid oid;
  owners oid[];
  r record;
`
}

// loCreators are the pg_catalog functions that create a large object
// (lo_import reads a server file, which needs more than EXECUTE anyway).
const loCreators = `'lo_create', 'lo_creat', 'lo_from_bytea', 'lo_import'`

// wallBody makes the wall; see the comment at the top of this file.
const wallBody = `BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname IN (h, m)
      AND (rolcanlogin OR rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication OR rolbypassrls)) THEN
    RAISE EXCEPTION 'role % or % exists and is not a dbplane holding role', h, m USING ERRCODE = 'duplicate_object';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = h) THEN
    EXECUTE format('CREATE ROLE %I NOLOGIN', h);
    EXECUTE format('COMMENT ON ROLE %I IS %L', h, 'dbplane: owns what ' || t || ' owns while its database is read-only');
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = m) THEN
    EXECUTE format('CREATE ROLE %I NOLOGIN', m);
    EXECUTE format('COMMENT ON ROLE %I IS %L', m, 'dbplane: holds what PUBLIC may do in the database of ' || t || ' while it is read-only');
  END IF;
  EXECUTE format('GRANT %I TO CURRENT_USER', h);
  EXECUTE format('REASSIGN OWNED BY %I TO %I', t, h);
  owners := ARRAY(SELECT oid FROM pg_roles WHERE rolname IN (h, 'pg_database_owner'));

  -- PUBLIC keeps CONNECT on the database, USAGE on schemas, and SELECT,
  -- DELETE and TRUNCATE on tables; the rest moves to the marker. DELETE
  -- moves too where the holding role would act for the deleter: a rule ON
  -- DELETE (rule actions run as the table's owner), a foreign key whose
  -- ON DELETE action changes another table (the action, and that table's
  -- BEFORE triggers, run as its owner), and every view (a delete through
  -- a view reaches its base tables as the view's owner).
  -- Every role but the tenant, the admin and the wall's own loses its
  -- privileges on the database, PUBLIC's CONNECT included (the tenant may
  -- have granted its other roles CONNECT, and INSERT on its tables):
  -- PUBLIC's go to the marker, the others' are listed in the marker's
  -- comment, a JSON list after '; revoked: ', and revoked (with CASCADE,
  -- which takes what a grantee granted on). The statements run as the
  -- holding role, so that the owner is the grantor, whatever grant options
  -- other roles the admin is a member of hold.
  moid := (SELECT oid FROM pg_roles WHERE rolname = m);
  FOR r IN SELECT a.grantee AS g, a.privilege_type AS p, a.is_grantable AS go
      FROM pg_database d, aclexplode(d.datacl) a
      WHERE d.datname = db AND a.grantee <> ALL (ARRAY(SELECT oid FROM pg_roles WHERE rolname IN (h, m, t, current_user)))
        AND a.grantee <> 0 LOOP
    EXECUTE format('COMMENT ON ROLE %I IS %L', m, regexp_replace(shobj_description(moid, 'pg_authid'), '; revoked: .*$', '')
      || '; revoked: ' || (COALESCE(substring(shobj_description(moid, 'pg_authid') from '; revoked: (.*)$')::jsonb, '[]')
      || jsonb_build_array(jsonb_build_object('grantee', r.g, 'privilege', r.p, 'grantable', r.go)))::text);
  END LOOP;
  EXECUTE format('SET LOCAL ROLE %I', h);
  FOR r IN SELECT a.privilege_type AS p FROM pg_database d,
      aclexplode(COALESCE(d.datacl, acldefault('d', d.datdba))) a
      WHERE d.datname = db AND a.grantee = 0 LOOP
    EXECUTE format('GRANT %s ON DATABASE %I TO %I', r.p, db, m);
    EXECUTE format('REVOKE %s ON DATABASE %I FROM PUBLIC', r.p, db);
  END LOOP;
  FOR r IN SELECT a.grantee::regrole::text AS g, a.privilege_type AS p FROM pg_database d, aclexplode(d.datacl) a
      WHERE d.datname = db AND a.grantor = d.datdba AND a.grantee <> 0
        AND a.grantee <> ALL (ARRAY(SELECT oid FROM pg_roles WHERE rolname IN (h, m, t, session_user))) LOOP
    EXECUTE format('REVOKE %s ON DATABASE %I FROM %s CASCADE', r.p, db, r.g);
  END LOOP;
  RESET ROLE;
  FOR r IN SELECT n.nspname AS o, a.privilege_type AS p FROM pg_namespace n, aclexplode(n.nspacl) a
      WHERE n.nspowner = ANY (owners) AND a.grantee = 0 AND a.privilege_type <> 'USAGE' LOOP
    EXECUTE format('GRANT %s ON SCHEMA %I TO %I', r.p, r.o, m);
    EXECUTE format('REVOKE %s ON SCHEMA %I FROM PUBLIC', r.p, r.o);
  END LOOP;
  FOR r IN SELECT c.oid::regclass::text AS o, CASE c.relkind WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END AS k,
      a.privilege_type AS p FROM pg_class c, aclexplode(c.relacl) a
      WHERE c.relowner = ANY (owners) AND a.grantee = 0
        AND (a.privilege_type NOT IN ('SELECT', 'DELETE', 'TRUNCATE')
          OR a.privilege_type = 'DELETE' AND (c.relkind = 'v'
            OR EXISTS (SELECT 1 FROM pg_rewrite w WHERE w.ev_class = c.oid AND w.ev_type = '4')
            OR EXISTS (SELECT 1 FROM pg_constraint k WHERE k.confrelid = c.oid AND k.contype = 'f' AND k.confdeltype NOT IN ('a', 'r')))) LOOP
    EXECUTE format('GRANT %s ON %s %s TO %I', r.p, r.k, r.o, m);
    EXECUTE format('REVOKE %s ON %s %s FROM PUBLIC', r.p, r.k, r.o);
  END LOOP;
  FOR r IN SELECT c.oid::regclass::text AS o, quote_ident(col.attname) AS col, a.privilege_type AS p
      FROM pg_class c JOIN pg_attribute col ON col.attrelid = c.oid, aclexplode(col.attacl) a
      WHERE c.relowner = ANY (owners) AND NOT col.attisdropped AND a.grantee = 0 AND a.privilege_type <> 'SELECT' LOOP
    EXECUTE format('GRANT %s (%s) ON TABLE %s TO %I', r.p, r.col, r.o, m);
    EXECUTE format('REVOKE %s (%s) ON TABLE %s FROM PUBLIC', r.p, r.col, r.o);
  END LOOP;
  FOR r IN SELECT l.oid AS o, a.privilege_type AS p FROM pg_largeobject_metadata l, aclexplode(l.lomacl) a
      WHERE l.lomowner = ANY (owners) AND a.grantee = 0 AND a.privilege_type <> 'SELECT' LOOP
    EXECUTE format('GRANT %s ON LARGE OBJECT %s TO %I', r.p, r.o, m);
    EXECUTE format('REVOKE %s ON LARGE OBJECT %s FROM PUBLIC', r.p, r.o);
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure::text AS o FROM pg_proc p
      WHERE p.proowner = ANY (owners) AND p.prosecdef LOOP
    EXECUTE format('GRANT EXECUTE ON ROUTINE %s TO %I', r.o, m);
    EXECUTE format('ALTER ROUTINE %s SECURITY INVOKER', r.o);
  END LOOP;
  -- Creating a large object checks only EXECUTE on the function that does
  -- it, which only a superuser may take from PUBLIC (pg_catalog's routines
  -- are the bootstrap superuser's). pg_proc is per database: this binds
  -- the tenant's database alone.
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    FOR r IN SELECT p.oid::regprocedure::text AS o FROM pg_proc p,
        aclexplode(COALESCE(p.proacl, acldefault('f', p.proowner))) a
        WHERE p.pronamespace = 'pg_catalog'::regnamespace AND p.proname IN (` + loCreators + `)
          AND a.grantee = 0 AND a.privilege_type = 'EXECUTE' LOOP
      EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', r.o, m);
      EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', r.o);
    END LOOP;
  END IF;

  -- What the tenant may still do: connect, read, delete (not where the
  -- holding role would act for it: see above).
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', db, t);
  FOR r IN SELECT n.nspname AS o FROM pg_namespace n WHERE n.nspowner = ANY (owners) LOOP
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', r.o, t);
  END LOOP;
  FOR r IN SELECT c.oid::regclass::text AS o, c.relkind AS k, c.relkind = 'v'
        OR EXISTS (SELECT 1 FROM pg_rewrite w WHERE w.ev_class = c.oid AND w.ev_type = '4')
        OR EXISTS (SELECT 1 FROM pg_constraint k WHERE k.confrelid = c.oid AND k.contype = 'f' AND k.confdeltype NOT IN ('a', 'r')) AS ruled
      FROM pg_class c WHERE c.relowner = ANY (owners) AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') LOOP
    IF r.k = 'S' THEN
      EXECUTE format('GRANT SELECT ON SEQUENCE %s TO %I', r.o, t);
    ELSIF r.ruled THEN
      EXECUTE format('GRANT SELECT, TRUNCATE ON TABLE %s TO %I', r.o, t);
    ELSE
      EXECUTE format('GRANT SELECT, DELETE, TRUNCATE ON TABLE %s TO %I', r.o, t);
    END IF;
  END LOOP;
  FOR r IN SELECT l.oid AS o FROM pg_largeobject_metadata l WHERE l.lomowner = ANY (owners) LOOP
    EXECUTE format('GRANT SELECT ON LARGE OBJECT %s TO %I', r.o, t);
  END LOOP;
END
`

// unwallBody takes the wall down: the tenant's grants go, what the marker
// holds goes back to PUBLIC and to the routines, ownership goes back to the
// tenant, and both roles are dropped. A database not walled (no holding
// role) is left alone.
const unwallBody = `BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = h) THEN
    RETURN;
  END IF;
  owners := ARRAY(SELECT oid FROM pg_roles WHERE rolname IN (h, 'pg_database_owner'));
  toid := (SELECT oid FROM pg_roles WHERE rolname = t);
  moid := (SELECT oid FROM pg_roles WHERE rolname = m);

  -- The tenant's grants: it owns everything again below.
  IF EXISTS (SELECT 1 FROM pg_database d, aclexplode(d.datacl) a
      WHERE d.datname = db AND a.grantee = toid) THEN
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM %I', db, t);
  END IF;
  FOR r IN SELECT DISTINCT n.nspname AS o FROM pg_namespace n, aclexplode(n.nspacl) a
      WHERE n.nspowner = ANY (owners) AND a.grantee = toid LOOP
    EXECUTE format('REVOKE ALL ON SCHEMA %I FROM %I', r.o, t);
  END LOOP;
  FOR r IN SELECT DISTINCT c.oid::regclass::text AS o, CASE c.relkind WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END AS k
      FROM pg_class c, aclexplode(c.relacl) a
      WHERE c.relowner = ANY (owners) AND a.grantee = toid LOOP
    EXECUTE format('REVOKE ALL ON %s %s FROM %I', r.k, r.o, t);
  END LOOP;
  FOR r IN SELECT DISTINCT l.oid AS o FROM pg_largeobject_metadata l, aclexplode(l.lomacl) a
      WHERE l.lomowner = ANY (owners) AND a.grantee = toid LOOP
    EXECUTE format('REVOKE ALL ON LARGE OBJECT %s FROM %I', r.o, t);
  END LOOP;

  -- The marker's privileges go back where they came from.
  IF moid IS NOT NULL THEN
    -- On the database as its owner (see the wall): PUBLIC's, and other
    -- roles' from the marker's comment (a role dropped since is skipped).
    EXECUTE format('SET LOCAL ROLE %I', h);
    FOR r IN SELECT a.privilege_type AS p FROM pg_database d, aclexplode(d.datacl) a
        WHERE d.datname = db AND a.grantee = moid LOOP
      EXECUTE format('GRANT %s ON DATABASE %I TO PUBLIC', r.p, db);
      EXECUTE format('REVOKE %s ON DATABASE %I FROM %I', r.p, db, m);
    END LOOP;
    FOR r IN SELECT g.rolname AS g, e->>'privilege' AS p, (e->>'grantable')::boolean AS go
        FROM jsonb_array_elements(COALESCE(substring(shobj_description(moid, 'pg_authid') from '; revoked: (.*)$')::jsonb, '[]')) e
        JOIN pg_roles g ON g.oid = (e->>'grantee')::oid LOOP
      EXECUTE format('GRANT %s ON DATABASE %I TO %I%s', r.p, db, r.g, CASE WHEN r.go THEN ' WITH GRANT OPTION' ELSE '' END);
    END LOOP;
    RESET ROLE;
    FOR r IN SELECT n.nspname AS o, a.privilege_type AS p FROM pg_namespace n, aclexplode(n.nspacl) a
        WHERE a.grantee = moid LOOP
      EXECUTE format('GRANT %s ON SCHEMA %I TO PUBLIC', r.p, r.o);
      EXECUTE format('REVOKE %s ON SCHEMA %I FROM %I', r.p, r.o, m);
    END LOOP;
    FOR r IN SELECT c.oid::regclass::text AS o, CASE c.relkind WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END AS k,
        a.privilege_type AS p FROM pg_class c, aclexplode(c.relacl) a
        WHERE a.grantee = moid LOOP
      EXECUTE format('GRANT %s ON %s %s TO PUBLIC', r.p, r.k, r.o);
      EXECUTE format('REVOKE %s ON %s %s FROM %I', r.p, r.k, r.o, m);
    END LOOP;
    FOR r IN SELECT c.oid::regclass::text AS o, quote_ident(col.attname) AS col, a.privilege_type AS p
        FROM pg_class c JOIN pg_attribute col ON col.attrelid = c.oid, aclexplode(col.attacl) a
        WHERE NOT col.attisdropped AND a.grantee = moid LOOP
      EXECUTE format('GRANT %s (%s) ON TABLE %s TO PUBLIC', r.p, r.col, r.o);
      EXECUTE format('REVOKE %s (%s) ON TABLE %s FROM %I', r.p, r.col, r.o, m);
    END LOOP;
    FOR r IN SELECT l.oid AS o, a.privilege_type AS p FROM pg_largeobject_metadata l, aclexplode(l.lomacl) a
        WHERE a.grantee = moid LOOP
      EXECUTE format('GRANT %s ON LARGE OBJECT %s TO PUBLIC', r.p, r.o);
      EXECUTE format('REVOKE %s ON LARGE OBJECT %s FROM %I', r.p, r.o, m);
    END LOOP;
    FOR r IN SELECT p.oid::regprocedure::text AS o FROM pg_proc p, aclexplode(p.proacl) a
        WHERE a.grantee = moid AND p.pronamespace = 'pg_catalog'::regnamespace LOOP
      EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO PUBLIC', r.o);
      EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM %I', r.o, m);
    END LOOP;
    FOR r IN SELECT p.oid::regprocedure::text AS o FROM pg_proc p, aclexplode(p.proacl) a
        WHERE a.grantee = moid AND p.pronamespace <> 'pg_catalog'::regnamespace LOOP
      EXECUTE format('ALTER ROUTINE %s SECURITY DEFINER', r.o);
      EXECUTE format('REVOKE EXECUTE ON ROUTINE %s FROM %I', r.o, m);
    END LOOP;
    EXECUTE format('DROP ROLE %I', m);
  END IF;

  EXECUTE format('REASSIGN OWNED BY %I TO %I', h, t);
  EXECUTE format('DROP ROLE %I', h);
END
`

// renderWall renders the block that puts database's owner behind the wall,
// to run in database.
func renderWall(database, owner string) (stmt, error) {
	return renderWallBlock(database, owner, wallBody)
}

// renderUnwall renders the block that takes the wall down, to run in
// database.
func renderUnwall(database, owner string) (stmt, error) {
	return renderWallBlock(database, owner, unwallBody)
}

func renderWallBlock(database, owner, body string) (stmt, error) {
	if err := checkNames(database, owner); err != nil {
		return stmt{}, err
	}
	const tag = "$dbplane$"
	block := wallPrelude(owner) + body
	if strings.Contains(block, tag) {
		return stmt{}, fmt.Errorf("wall block does not fit in a dollar-quoted block") // not for checked names
	}
	return stmt{SQL: "DO " + tag + block + tag, In: database}, nil
}
