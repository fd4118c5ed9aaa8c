package dbplane

import (
	"encoding/json"
	"strings"
)

// mariadbAdminPrivileges are the global privileges a MariaDB host's admin
// account needs, in the order internal/engine/mariadb checks them: the
// tenant privileges it grants on each database (hence WITH GRANT OPTION),
// then CREATE USER, PROCESS and CONNECTION ADMIN.
var mariadbAdminPrivileges = []string{
	"SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER", "INDEX",
	"REFERENCES", "CREATE TEMPORARY TABLES", "LOCK TABLES", "EXECUTE",
	"CREATE VIEW", "SHOW VIEW", "CREATE ROUTINE", "ALTER ROUTINE", "EVENT", "TRIGGER",
	"CREATE USER", "PROCESS", "CONNECTION ADMIN",
}

// mongoAdminActions are the actions a MongoDB host's admin user needs on
// every database and on the cluster (internal/engine/mongo).
var (
	mongoAdminActions = []string{
		"createUser", "dropUser", "grantRole", "revokeRole", "changePassword", "viewUser",
		"setAuthenticationRestriction", "createCollection", "dropDatabase",
	}
	mongoClusterActions = []string{"listDatabases", "killAnySession", "impersonate"}
)

// MongoAdminRole is the role AdminGrants creates on MongoDB.
const MongoAdminRole = "dbplaneAdmin"

// AdminGrants returns the statements an administrator of the engine runs
// to give user every privilege dbplane needs on a host of engine e, ready
// to paste into the engine's shell (mariadb, psql, mongosh). database is
// the user's authentication database on MongoDB ("admin" when empty); the
// other engines ignore it.
//
// On MariaDB the account is written 'user'@'%': an account defined for
// another host pattern needs that pattern in place of '%'. Granting what
// is already held changes nothing, so the statements may be run whatever
// is missing. CONNECTION ADMIN is MariaDB 10.5.2 or later; SUPER stands
// for it before.
func AdminGrants(e Engine, user, database string) []string {
	switch e {
	case EngineMariaDB:
		return []string{"GRANT " + strings.Join(mariadbAdminPrivileges, ", ") +
			" ON *.* TO " + sqlLiteral(user, true) + "@'%' WITH GRANT OPTION;"}
	case EnginePostgres:
		return []string{"ALTER ROLE " + `"` + strings.ReplaceAll(user, `"`, `""`) + `"` + " CREATEROLE CREATEDB;"}
	case EngineMongo:
		if database == "" {
			database = "admin"
		}
		return []string{
			`db.getSiblingDB("admin").createRole({role: ` + jsString(MongoAdminRole) + `, roles: [], privileges: [` +
				`{resource: {db: "", collection: ""}, actions: ` + jsStrings(mongoAdminActions) + `}, ` +
				`{resource: {cluster: true}, actions: ` + jsStrings(mongoClusterActions) + `}]});`,
			`db.getSiblingDB(` + jsString(database) + `).grantRolesToUser(` + jsString(user) +
				`, [{role: ` + jsString(MongoAdminRole) + `, db: "admin"}]);`,
		}
	}
	return nil
}

// sqlLiteral quotes s as an SQL string literal, doubling quotes and, with
// backslashEscapes (MariaDB's default sql_mode), backslashes.
func sqlLiteral(s string, backslashEscapes bool) string {
	if backslashEscapes {
		s = strings.ReplaceAll(s, `\`, `\\`)
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// jsString quotes s as a JavaScript string literal (JSON's rules are a
// subset of JavaScript's).
func jsString(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}

func jsStrings(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = jsString(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
