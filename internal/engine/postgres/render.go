package postgres

import (
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/dbplane/dbplane/internal/engine"
)

// stmt is one statement for the server. Statements without Args go over the
// simple protocol: utility statements (CREATE ROLE, ALTER DATABASE, ...)
// take no bind parameters, so their identifiers are quoted and their one
// value, a SCRAM verifier, is quoted as a literal.
type stmt struct {
	SQL  string
	Args []any
	// Drain marks a query that returns a count of backends it signalled:
	// it is run again until that count is 0, so the backends are gone,
	// not merely asked to go, when the operation returns.
	Drain bool
	// In names the database the statement runs in, on a session of its
	// own; "" is the admin database, on the operation's session.
	In string
}

// state is what the catalogs say about a database and its owner role, read
// in one round trip (inspectQuery) before anything is changed.
type state struct {
	DBExists   bool
	DBOwner    string // when DBExists
	RoleExists bool
	// RoleForeign marks a role that dbplane must not adopt, alter or drop:
	// the admin itself, a role with any of SUPERUSER, CREATEROLE, CREATEDB,
	// REPLICATION, BYPASSRLS, or a member of any other role. A tenant role
	// made by EnsureDatabase is none of these, so a hit means the name
	// belongs to someone else.
	RoleForeign bool
	// The warm database and its role of a claim (inspectClaimQuery), as
	// the fields above.
	WarmDBExists    bool
	WarmDBOwner     string
	WarmRoleExists  bool
	WarmRoleForeign bool
}

// foreignRole is true for a role r that dbplane must not adopt, alter or
// drop (see state.RoleForeign).
const foreignRole = `r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication OR r.rolbypassrls
    OR r.rolname = current_user
    OR EXISTS (SELECT 1 FROM pg_auth_members m WHERE m.member = r.oid)`

// inspectQuery reads the state of database $1 and role $2.
const inspectQuery = `SELECT
  d.datname IS NOT NULL,
  COALESCE(pg_get_userbyid(d.datdba), ''),
  r.oid IS NOT NULL,
  COALESCE(` + foreignRole + `, false)
FROM (SELECT 1) AS one
LEFT JOIN pg_database d ON d.datname = $1
LEFT JOIN pg_roles r ON r.rolname = $2`

// inspectClaimQuery reads the state of database $1 and role $2, and of a
// warm database $3 and its role $4.
const inspectClaimQuery = `SELECT
  d.datname IS NOT NULL,
  COALESCE(pg_get_userbyid(d.datdba), ''),
  r.oid IS NOT NULL,
  COALESCE(` + foreignRole + `, false),
  wd.datname IS NOT NULL,
  COALESCE(pg_get_userbyid(wd.datdba), ''),
  w.oid IS NOT NULL,
  COALESCE(` + foreignWarmRole + `, false)
FROM (SELECT 1) AS one
LEFT JOIN pg_database d ON d.datname = $1
LEFT JOIN pg_roles r ON r.rolname = $2
LEFT JOIN pg_database wd ON wd.datname = $3
LEFT JOIN pg_roles w ON w.rolname = $4`

// foreignWarmRole is foreignRole of the warm role w.
const foreignWarmRole = `w.rolsuper OR w.rolcreaterole OR w.rolcreatedb OR w.rolreplication OR w.rolbypassrls
    OR w.rolname = current_user
    OR EXISTS (SELECT 1 FROM pg_auth_members m WHERE m.member = w.oid)`

// The owner's advisory lock, held by apply for the length of an operation
// (a session lock: CREATE DATABASE cannot run in a transaction).
const (
	lockQuery   = `SELECT pg_advisory_lock($1)`
	unlockQuery = `SELECT pg_advisory_unlock($1)`
)

// lockKey is the advisory lock key of a role: 64 bits of FNV-1a over a
// dbplane prefix and the name. Two names that collide merely wait for each
// other.
func lockKey(owner string) int64 {
	h := fnv.New64a()
	h.Write([]byte("dbplane/postgres role " + owner))
	return int64(h.Sum64())
}

// Queries that take no input.
const (
	versionQuery = `SHOW server_version`

	privilegesQuery = `SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user`

	// sizesQuery sizes every database in one round trip. pg_database_size
	// raises an error, failing the whole query, for a database the admin may
	// not connect to, so those rows come back NULL and are left out.
	sizesQuery = `SELECT datname,
  CASE WHEN has_database_privilege(oid, 'CONNECT') OR pg_has_role('pg_read_all_stats', 'USAGE')
    THEN pg_database_size(oid) END
FROM pg_database
WHERE NOT datistemplate`
)

// renderEnsure renders what EnsureDatabase runs, given st, to converge on:
// a LOGIN role with the verifier and connection limit, held by the admin so
// that a non-superuser admin may hand it a database, owning the database,
// which PUBLIC may neither connect to nor make temporary tables in.
func renderEnsure(req engine.EnsureDatabaseRequest, verifier string, st state) ([]stmt, error) {
	if err := checkNames(req.Database, req.Owner); err != nil {
		return nil, err
	}
	if req.Remote != "" && req.Remote != "%" {
		return nil, fmt.Errorf("remote %q: postgres takes only %q; host rules live in pg_hba.conf", req.Remote, "%")
	}
	if req.MaxConnections < 0 {
		return nil, fmt.Errorf("max connections must be 0 (unlimited) or more, got %d", req.MaxConnections)
	}
	if st.DBExists && !ownedBy(req.Owner, st) {
		return nil, &engine.Error{Op: opEnsure, Engine: name, Kind: engine.ErrExists,
			Err: fmt.Errorf("database %s exists with another owner", req.Database)}
	}
	if st.RoleExists && st.RoleForeign {
		return nil, errForeignRole(opEnsure, req.Owner)
	}

	db, role := quote(req.Database), quote(req.Owner)
	attrs := loginAttrs(req, verifier)
	alter := attrs
	if req.Claim != nil {
		// A claim's role was made NOLOGIN: a replay after the rename
		// lets it log in.
		alter = " LOGIN" + attrs
	}

	var out []stmt
	switch {
	case req.Placeholder:
		if req.Password != "" || req.MaxConnections != 0 {
			return nil, errors.New("a warm database's owner takes no password and no connection limit")
		}
		if st.RoleExists {
			out = append(out, stmt{SQL: "ALTER ROLE " + role + " NOLOGIN"})
		} else {
			out = append(out, stmt{SQL: "CREATE ROLE " + role + " NOLOGIN"})
		}
	case st.RoleExists:
		out = append(out, stmt{SQL: "ALTER ROLE " + role + " WITH" + alter})
	default:
		out = append(out, stmt{SQL: "CREATE ROLE " + role + " WITH LOGIN" + attrs})
	}
	// CREATE DATABASE ... OWNER needs the admin to be a member of (from
	// PostgreSQL 16: able to SET ROLE to) the owner. A superuser already
	// may; a CREATEROLE admin grants it to itself. The membership also lets
	// it end the role's sessions and size its database.
	out = append(out, stmt{SQL: "GRANT " + role + " TO CURRENT_USER"})
	if !st.DBExists {
		out = append(out, stmt{SQL: "CREATE DATABASE " + db + " OWNER " + role})
	}
	out = append(out, stmt{SQL: "REVOKE CONNECT, TEMPORARY ON DATABASE " + db + " FROM PUBLIC"})
	return out, nil
}

// loginAttrs are the password and connection limit of an owner role.
func loginAttrs(req engine.EnsureDatabaseRequest, verifier string) string {
	limit := req.MaxConnections
	if limit == 0 {
		limit = -1
	}
	return " PASSWORD " + engine.QuoteLiteral(verifier, false) + " CONNECTION LIMIT " + strconv.Itoa(limit)
}

// renderClaim renders an Ensure that claims a warm database (req.Claim),
// given st read by inspectClaimQuery, and reports whether the database is
// (or, once the statements ran, will be) the warm one renamed into place.
// When the wanted database is missing and the warm database is there,
// owned by its role, a plain tenant role, while the wanted role is
// missing, both are renamed and the role gets LOGIN, the verifier and the
// connection limit, in one statement (one implicit transaction: a crash
// leaves all of it or none). The ownership, PUBLIC's revoked privileges
// and the admin's membership in the role (all by oid) stay as the warm
// database was made. Otherwise it is renderEnsure: a replay after the
// rename, or the warm database gone, which the caller then drops by name.
func renderClaim(req engine.EnsureDatabaseRequest, verifier string, st state) ([]stmt, bool, error) {
	w := req.Claim
	if err := errors.Join(checkNames(req.Database, req.Owner), checkNames(w.Database, w.Owner)); err != nil {
		return nil, false, err
	}
	if req.Placeholder || w.Database == req.Database || w.Owner == req.Owner {
		return nil, false, errors.New("a claim renames a warm database to other names")
	}
	if !st.DBExists && !st.RoleExists && st.WarmDBExists && st.WarmDBOwner == w.Owner && st.WarmRoleExists && !st.WarmRoleForeign {
		if req.Remote != "" && req.Remote != "%" {
			return nil, false, fmt.Errorf("remote %q: postgres takes only %q; host rules live in pg_hba.conf", req.Remote, "%")
		}
		if req.MaxConnections < 0 {
			return nil, false, fmt.Errorf("max connections must be 0 (unlimited) or more, got %d", req.MaxConnections)
		}
		role := quote(req.Owner)
		sql := "ALTER ROLE " + quote(w.Owner) + " RENAME TO " + role + "; " +
			"ALTER DATABASE " + quote(w.Database) + " RENAME TO " + quote(req.Database) + "; " +
			"ALTER ROLE " + role + " WITH LOGIN" + loginAttrs(req, verifier)
		return []stmt{{SQL: sql}}, true, nil
	}
	stmts, err := renderEnsure(req, verifier, st)
	claimed := st.DBExists && st.DBOwner == req.Owner && !st.WarmDBExists
	return stmts, claimed, err
}

// renderDrop renders what DropDatabase runs, given st. It touches only what
// is the request's: the database if the owner owns it, the role if it is
// not foreign. Logins are stopped before sessions are ended, so none come
// back before the drops.
func renderDrop(req engine.DropDatabaseRequest, st state) ([]stmt, error) {
	if err := checkNames(req.Database, req.Owner); err != nil {
		return nil, err
	}
	db, role := quote(req.Database), quote(req.Owner)
	ours := st.RoleExists && !st.RoleForeign

	var out []stmt
	if ours {
		out = append(out,
			stmt{SQL: "ALTER ROLE " + role + " NOLOGIN"},
			renderTerminate(req.Owner),
		)
	}
	if st.DBExists && ownedBy(req.Owner, st) && !st.RoleForeign {
		out = append(out, stmt{SQL: "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)"})
	}
	if ours {
		// DROP ROLE fails while the role owns anything or holds any
		// privilege. Its database is gone; what it may have made in the
		// admin database (PUBLIC may create in schema public there before
		// PostgreSQL 15) goes too, and so do the wall's roles, which held
		// nothing outside the database.
		holder, marker := wallRoles(req.Owner)
		out = append(out,
			stmt{SQL: "DROP OWNED BY " + role},
			stmt{SQL: "DROP ROLE IF EXISTS " + role + ", " + quote(holder) + ", " + quote(marker)},
		)
	}
	return out, nil
}

// ownedBy reports whether st's database is owner's: owned by it, or by its
// holding role while it is behind the read-only wall.
func ownedBy(owner string, st state) bool {
	return st.DBOwner == owner || walled(owner, st)
}

// createsDatabase reports whether s is renderEnsure's CREATE DATABASE.
func createsDatabase(s stmt) bool { return strings.HasPrefix(s.SQL, "CREATE DATABASE ") }

// renderSetPassword renders a password change as one DO block, so that a
// rotation costs one round trip, as a bare ALTER ROLE does. In one
// transaction it takes the owner's advisory lock (which waits for, and
// holds off, apply's session lock on the same key), refuses a foreign role
// with duplicate_object, and sets the verifier. A missing role fails the
// ALTER with undefined_object. The name, checked to be [a-z0-9_], appears
// quoted as an identifier and as a literal; PL/pgSQL takes no bind
// parameters either.
func renderSetPassword(req engine.SetPasswordRequest, verifier string) ([]stmt, error) {
	if err := engine.CheckName("user", req.Owner); err != nil {
		return nil, err
	}
	lit := engine.QuoteLiteral(req.Owner, false)
	body := `
BEGIN
  PERFORM pg_advisory_xact_lock(` + strconv.FormatInt(lockKey(req.Owner), 10) + `);
  IF EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = ` + lit + ` AND (` + foreignRole + `)) THEN
    RAISE EXCEPTION 'role % is not a plain tenant role', ` + lit + ` USING ERRCODE = 'duplicate_object';
  END IF;
  ALTER ROLE ` + quote(req.Owner) + ` WITH PASSWORD ` + engine.QuoteLiteral(verifier, false) + `;
END
`
	const tag = "$dbplane$"
	if strings.Contains(body, tag) {
		return nil, errors.New("password change does not fit in a dollar-quoted block") // not for base64 verifiers
	}
	return []stmt{{SQL: "DO " + tag + body + tag}}, nil
}

// renderSetAccess renders an access change. Every level sets the LOGIN
// attribute and clears the read-only default earlier versions set; active
// and read_only also take the wall down or put it up (wall.go), and locked
// leaves it as it is, so that unlocking restores what locking changed. Any
// level can follow any other, and each is idempotent.
func renderSetAccess(req engine.SetAccessRequest, st state) ([]stmt, error) {
	if err := checkNames(req.Database, req.Owner); err != nil {
		return nil, err
	}
	if err := checkRole(opSetAccess, req.Owner, st); err != nil {
		return nil, err
	}
	role := quote(req.Owner)
	var (
		login   = stmt{SQL: "ALTER ROLE " + role + " LOGIN"}
		nologin = stmt{SQL: "ALTER ROLE " + role + " NOLOGIN"}
		reset   = stmt{SQL: "ALTER ROLE " + role + " RESET default_transaction_read_only"}
		end     = renderTerminate(req.Owner)
	)
	// The wall is the database's: it is built and taken down only in a
	// database the owner owns, directly or through the wall.
	ours := st.DBExists && ownedBy(req.Owner, st)
	switch req.Access {
	case engine.AccessActive:
		if !ours || !walled(req.Owner, st) {
			return []stmt{login, reset}, nil
		}
		unwall, err := renderUnwall(req.Database, req.Owner)
		if err != nil {
			return nil, err
		}
		// The sessions end first: an idle transaction holding a lock
		// would stall the ownership change.
		return []stmt{end, unwall, login, reset}, nil
	case engine.AccessReadOnly:
		if !ours {
			return []stmt{login, reset}, nil
		}
		wall, err := renderWall(req.Database, req.Owner)
		if err != nil {
			return nil, err
		}
		if walled(req.Owner, st) {
			// Standing already: checked again, sessions kept.
			return []stmt{wall, renderTerminateOthers(req.Database, req.Owner), login, reset}, nil
		}
		// No session may start, or keep running, while ownership moves:
		// each would hold locks the change waits for, and one that began
		// as owner could keep writing.
		// Other roles' sessions in the database end once the wall has
		// taken their privileges on it.
		return []stmt{nologin, reset, end, wall, renderTerminateOthers(req.Database, req.Owner), login}, nil
	case engine.AccessLocked:
		return []stmt{nologin, reset, end}, nil
	}
	return nil, fmt.Errorf("unknown access %q", req.Access)
}

// renderTerminate ends every session of role, wherever it is connected.
func renderTerminate(role string) stmt {
	return stmt{
		SQL: `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
WHERE usename = $1 AND pid <> pg_backend_pid()`,
		Args:  []any{role},
		Drain: true,
	}
}

// renderTerminateOthers ends the sessions in database of every role but
// owner (whose sessions the caller ends, or keeps), the admin and
// superusers, that the admin may signal: after the wall, those roles may
// not connect, and a session opened before could keep writing with the
// grants it had on the tenant's objects.
func renderTerminateOthers(database, owner string) stmt {
	return stmt{
		SQL: `SELECT count(pg_terminate_backend(a.pid)) FROM pg_stat_activity a JOIN pg_roles r ON r.oid = a.usesysid
WHERE a.datname = $1 AND r.rolname NOT IN ($2, current_user) AND NOT r.rolsuper
  AND a.pid <> pg_backend_pid() AND pg_has_role(r.oid, 'USAGE')`,
		Args:  []any{database, owner},
		Drain: true,
	}
}

func checkRole(op, owner string, st state) error {
	if !st.RoleExists {
		return &engine.Error{Op: op, Engine: name, Kind: engine.ErrNotExist,
			Err: fmt.Errorf("role %s does not exist", owner)}
	}
	if st.RoleForeign {
		return errForeignRole(op, owner)
	}
	return nil
}

func errForeignRole(op, owner string) error {
	return &engine.Error{Op: op, Engine: name, Kind: engine.ErrExists,
		Err: fmt.Errorf("role %s exists and is not a plain tenant role (privileged, the admin itself, or a member of other roles)", owner)}
}

func checkNames(database, owner string) error {
	return errors.Join(engine.CheckName("database", database), engine.CheckName("user", owner))
}

func quote(ident string) string { return engine.QuoteIdent('"', ident) }
