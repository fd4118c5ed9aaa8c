package mariadb

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/dbplane/dbplane/internal/engine"
)

// stmt is one statement and its bound arguments. Only identifiers and
// literals that passed engine.CheckName / engine.CheckRemote, or that were
// derived from them (the password hash is upper-case hex), are part of SQL.
type stmt struct {
	SQL  string
	Args []any
	// KillEach marks a query whose rows are session ids that the caller ends
	// with renderKill, one by one.
	KillEach bool
}

// tenantPrivileges is what an owner holds on its database while active. It
// is everything a web application or game server needs, and nothing global.
var tenantPrivileges = []string{
	"SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER", "INDEX",
	"REFERENCES", "CREATE TEMPORARY TABLES", "LOCK TABLES", "EXECUTE",
	"CREATE VIEW", "SHOW VIEW", "CREATE ROUTINE", "ALTER ROUTINE", "EVENT", "TRIGGER",
}

// readOnlyPrivileges is what an over-quota owner keeps (SPEC §5: reads and
// deletes still work). DROP frees space too (DROP TABLE, TRUNCATE); LOCK
// TABLES keeps mysqldump working; EXECUTE runs routines, which the owner
// defined and which therefore run with its own, reduced, privileges.
var readOnlyPrivileges = []string{"SELECT", "DELETE", "DROP", "SHOW VIEW", "LOCK TABLES", "EXECUTE"}

// writePrivileges is tenantPrivileges minus readOnlyPrivileges: what an
// over-quota owner loses.
var writePrivileges = []string{
	"INSERT", "UPDATE", "CREATE", "ALTER", "INDEX", "REFERENCES",
	"CREATE TEMPORARY TABLES", "CREATE VIEW", "CREATE ROUTINE", "ALTER ROUTINE", "EVENT", "TRIGGER",
}

// systemSchemas are never reported by DatabaseSizes.
const systemSchemas = "'information_schema', 'mysql', 'performance_schema', 'sys'"

// quoteIdent quotes a database name for statement text.
func quoteIdent(s string) string { return engine.QuoteIdent('`', s) }

// quoteString quotes a string literal. MariaDB's default sql_mode treats a
// backslash as an escape, so it is doubled too; checked names never hold
// one anyway.
func quoteString(s string) string { return engine.QuoteLiteral(s, true) }

// grantDB is the database name as GRANT and REVOKE need it: in those
// statements "_" and "%" are wildcards, so `u_a` would also cover `uxa`.
// A backslash makes them literal, and mysql.db stores the escaped form.
func grantDB(db string) string { return grantEscaper.Replace(db) }

// The replacers of grantDB and unescapeGrantDB, built once: building one
// costs more than a create's other statements' rendering together.
var (
	grantEscaper   = strings.NewReplacer(`_`, `\_`, `%`, `\%`)
	grantUnescaper = strings.NewReplacer(`\_`, `_`, `\%`, `%`)
)

// account is a checked owner as the 'user'@'host' literal pair.
type account struct {
	user, remote string
}

func newAccount(owner, remote string) (account, error) {
	if err := engine.CheckName("user", owner); err != nil {
		return account{}, err
	}
	if remote == "" {
		remote = "%"
	}
	if err := engine.CheckRemote(remote); err != nil {
		return account{}, err
	}
	return account{user: owner, remote: remote}, nil
}

func (a account) String() string { return quoteString(a.user) + "@" + quoteString(a.remote) }

// passwordHash is the mysql_native_password verifier of password:
// "*" + upper-case hex of SHA1(SHA1(password)). Sending it instead of the
// password keeps the plaintext out of statement text, the general log, the
// binary log and the process list.
func passwordHash(password string) string {
	first := sha1.Sum([]byte(password))
	second := sha1.Sum(first[:])
	return "*" + strings.ToUpper(hex.EncodeToString(second[:]))
}

// identifiedBy is the authentication clause for a password. IDENTIFIED WITH
// ... AS is accepted by MariaDB and by MySQL 5.7 and 8.0, unlike the older
// IDENTIFIED BY PASSWORD.
func identifiedBy(password string) string {
	return "IDENTIFIED WITH mysql_native_password AS " + quoteString(passwordHash(password))
}

func checkDatabase(db string) error { return engine.CheckName("database", db) }

func renderVersion() stmt { return stmt{SQL: "SELECT VERSION()"} }

// renderCheckPrivileges reads the admin's global privileges. Rows of other
// grantees (visible to an admin who can read mysql.*) are filtered out by
// the caller, which compares GRANTEE with CURRENT_USER().
func renderCheckPrivileges() stmt {
	return stmt{SQL: "SELECT CURRENT_USER(), GRANTEE, PRIVILEGE_TYPE, IS_GRANTABLE FROM information_schema.USER_PRIVILEGES"}
}

// renderEnsureProbe is the one query EnsureDatabase asks before changing
// anything. Its columns are: the database exists; how many other accounts
// hold privileges on it; the owner exists; on how many other databases the
// owner holds privileges.
func renderEnsureProbe(req engine.EnsureDatabaseRequest) (stmt, error) {
	if err := checkDatabase(req.Database); err != nil {
		return stmt{}, err
	}
	a, err := newAccount(req.Owner, req.Remote)
	if err != nil {
		return stmt{}, err
	}
	db, gdb := req.Database, grantDB(req.Database)
	return stmt{
		SQL: "SELECT " +
			"EXISTS(SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?), " +
			"(SELECT COUNT(*) FROM mysql.db WHERE Db IN (?, ?) AND NOT (User = ? AND Host = ?)), " +
			"EXISTS(SELECT 1 FROM mysql.user WHERE User = ? AND Host = ?), " +
			"(SELECT COUNT(*) FROM mysql.db WHERE User = ? AND Host = ? AND Db NOT IN (?, ?))",
		Args: []any{db, gdb, db, a.user, a.remote, a.user, a.remote, a.user, a.remote, gdb, db},
	}, nil
}

// ensureState is what the probe found.
type ensureState struct {
	DatabaseExists bool
	OtherGrantees  int // accounts other than the owner with privileges on the database
	UserExists     bool
	OtherDatabases int // databases other than this one the owner holds privileges on
}

// renderEnsure creates or converges the database, its owner and the owner's
// grants. A new owner is created; an existing one gets the password and
// connection limit of req, so that a retry converges.
func renderEnsure(req engine.EnsureDatabaseRequest, st ensureState) ([]stmt, error) {
	if err := checkDatabase(req.Database); err != nil {
		return nil, err
	}
	a, err := newAccount(req.Owner, req.Remote)
	if err != nil {
		return nil, err
	}
	if req.MaxConnections < 0 {
		return nil, fmt.Errorf("engine: max connections must not be negative, got %d", req.MaxConnections)
	}
	user := "CREATE USER IF NOT EXISTS " + a.String() + " " + identifiedBy(req.Password)
	if req.MaxConnections > 0 {
		user += " WITH MAX_USER_CONNECTIONS " + strconv.Itoa(req.MaxConnections)
	}
	if st.UserExists {
		// 0 resets a limit set earlier.
		user = "ALTER USER " + a.String() + " " + identifiedBy(req.Password) +
			" WITH MAX_USER_CONNECTIONS " + strconv.Itoa(req.MaxConnections)
	}
	return []stmt{
		{SQL: "CREATE DATABASE IF NOT EXISTS " + quoteIdent(req.Database) + " CHARACTER SET utf8mb4"},
		{SQL: user},
		grant(tenantPrivileges, req.Database, a),
	}, nil
}

// renderEnsureFresh renders a first attempt's statements, in the order they
// run: the owner, the database, the grants, and undo, which drops the owner
// again when the database turns out to exist. Without IF NOT EXISTS, a name
// that is taken makes the server answer 1396 or 1007 instead of going on.
func renderEnsureFresh(req engine.EnsureDatabaseRequest) (user, database, grants, undo stmt, err error) {
	if err = checkDatabase(req.Database); err != nil {
		return
	}
	a, err := newAccount(req.Owner, req.Remote)
	if err != nil {
		return
	}
	if req.MaxConnections < 0 {
		err = fmt.Errorf("engine: max connections must not be negative, got %d", req.MaxConnections)
		return
	}
	user.SQL = "CREATE USER " + a.String() + " " + identifiedBy(req.Password)
	if req.MaxConnections > 0 {
		user.SQL += " WITH MAX_USER_CONNECTIONS " + strconv.Itoa(req.MaxConnections)
	}
	database.SQL = "CREATE DATABASE " + quoteIdent(req.Database) + " CHARACTER SET utf8mb4"
	grants = grant(tenantPrivileges, req.Database, a)
	undo.SQL = "DROP USER " + a.String()
	return
}

func grant(privs []string, db string, a account) stmt {
	return stmt{SQL: "GRANT " + strings.Join(privs, ", ") + " ON " + quoteIdent(grantDB(db)) + ".* TO " + a.String()}
}

func revoke(privs []string, db string, a account) stmt {
	return stmt{SQL: "REVOKE " + strings.Join(privs, ", ") + " ON " + quoteIdent(grantDB(db)) + ".* FROM " + a.String()}
}

// sessions lists the owner's sessions, to be ended one by one. The process
// list knows the user name, not the account's host pattern; names are
// unique per host, so the name is enough.
func sessions(a account) stmt {
	return stmt{SQL: "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = ?", Args: []any{a.user}, KillEach: true}
}

// renderKill ends one session. The id comes from the server.
func renderKill(id uint64) stmt {
	return stmt{SQL: "KILL CONNECTION ?", Args: []any{id}}
}

// renderDrop removes the owner first, so that it cannot log in again, then
// ends its sessions, which would otherwise outlive DROP USER and could hold
// locks that DROP DATABASE waits for, and then the database.
func renderDrop(req engine.DropDatabaseRequest) ([]stmt, error) {
	if err := checkDatabase(req.Database); err != nil {
		return nil, err
	}
	a, err := newAccount(req.Owner, req.Remote)
	if err != nil {
		return nil, err
	}
	return []stmt{
		{SQL: "DROP USER IF EXISTS " + a.String()},
		sessions(a),
		{SQL: "DROP DATABASE IF EXISTS " + quoteIdent(req.Database)},
	}, nil
}

// renderSetPassword replaces the owner's password. Sessions already open
// stay open; new logins need the new password.
func renderSetPassword(req engine.SetPasswordRequest) ([]stmt, error) {
	a, err := newAccount(req.Owner, req.Remote)
	if err != nil {
		return nil, err
	}
	return []stmt{{SQL: "ALTER USER " + a.String() + " " + identifiedBy(req.Password)}}, nil
}

// renderSetAccess moves the owner to req.Access. Every level starts with an
// ALTER USER, which fails (1396) when the owner is missing: a GRANT to a
// missing account would create it without a password on a server whose
// sql_mode lacks NO_AUTO_CREATE_USER.
//
// MariaDB caches database privileges per session, so a REVOKE alone would
// not stop sessions already open: read_only and locked end them.
func renderSetAccess(req engine.SetAccessRequest) ([]stmt, error) {
	if err := checkDatabase(req.Database); err != nil {
		return nil, err
	}
	a, err := newAccount(req.Owner, req.Remote)
	if err != nil {
		return nil, err
	}
	switch req.Access {
	case engine.AccessActive:
		return []stmt{
			{SQL: "ALTER USER " + a.String() + " ACCOUNT UNLOCK"},
			grant(tenantPrivileges, req.Database, a),
		}, nil
	case engine.AccessReadOnly:
		// Revoke before unlocking, so that an account coming back from
		// locked never logs in with write privileges.
		return []stmt{
			{SQL: "ALTER USER " + a.String()},
			grant(readOnlyPrivileges, req.Database, a),
			revoke(writePrivileges, req.Database, a),
			{SQL: "ALTER USER " + a.String() + " ACCOUNT UNLOCK"},
			sessions(a),
		}, nil
	case engine.AccessLocked:
		return []stmt{
			{SQL: "ALTER USER " + a.String() + " ACCOUNT LOCK"},
			sessions(a),
		}, nil
	}
	return nil, fmt.Errorf("engine: unknown access level %q", req.Access)
}

// decodeFilename undoes MariaDB's filename encoding of a schema name:
// characters outside [A-Za-z0-9_] are written as @XXXX (hex code point).
func decodeFilename(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '@' && i+4 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+5], 16, 32); err == nil {
				b.WriteRune(rune(n))
				i += 4
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
