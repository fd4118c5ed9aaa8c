package mariadb

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/dbplane/dbplane/internal/engine"
)

var _ engine.Cataloger = (*conn)(nil)

// privilegeColumns are mysql.db's columns of the privileges dbplane grants
// or must not see granted, in the order catalogQuery concatenates their
// Y/N flags. Grant_priv is there because an owner holding GRANT OPTION
// could hand its database to others.
var privilegeColumns = []struct{ column, privilege string }{
	{"Select_priv", "SELECT"}, {"Insert_priv", "INSERT"}, {"Update_priv", "UPDATE"},
	{"Delete_priv", "DELETE"}, {"Create_priv", "CREATE"}, {"Drop_priv", "DROP"},
	{"Alter_priv", "ALTER"}, {"Index_priv", "INDEX"}, {"References_priv", "REFERENCES"},
	{"Create_tmp_table_priv", "CREATE TEMPORARY TABLES"}, {"Lock_tables_priv", "LOCK TABLES"},
	{"Execute_priv", "EXECUTE"}, {"Create_view_priv", "CREATE VIEW"}, {"Show_view_priv", "SHOW VIEW"},
	{"Create_routine_priv", "CREATE ROUTINE"}, {"Alter_routine_priv", "ALTER ROUTINE"},
	{"Event_priv", "EVENT"}, {"Trigger_priv", "TRIGGER"}, {"Grant_priv", "GRANT OPTION"},
}

// catalogQuery reads, in one round trip, every schema but the system ones
// ('d' rows), every user but the admin and the anonymous one, with its
// authentication plugin and string and whether it is locked ('u' rows,
// from mysql.global_priv: MariaDB 10.4 and later; MySQL has no such table),
// and every database-level grant with its privilege flags ('g' rows). Each
// column is converted to one charset and a binary collation, so the UNION
// does not mix collations.
func catalogQuery() string {
	flags := make([]string, len(privilegeColumns))
	for i, p := range privilegeColumns {
		flags[i] = p.column
	}
	col := func(expr string) string { return "CONVERT(" + expr + " USING utf8mb4) COLLATE utf8mb4_bin" }
	return "SELECT 'd', " + col("SCHEMA_NAME") + ", '', '', ''" +
		" FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN (" + systemSchemas + ")" +
		" UNION ALL SELECT 'u', " + col("User") + ", " + col("Host") +
		", " + col("CONCAT(COALESCE(JSON_VALUE(Priv, '$.plugin'), ''), ' ', COALESCE(JSON_VALUE(Priv, '$.authentication_string'), ''))") +
		", " + col("IF(JSON_EXTRACT(Priv, '$.account_locked') = 'true', 'Y', 'N')") +
		" FROM mysql.global_priv WHERE User <> '' AND CONCAT(User, '@', Host) <> CURRENT_USER()" +
		" UNION ALL SELECT 'g', " + col("User") + ", " + col("Host") + ", " + col("Db") + ", " + col("CONCAT("+strings.Join(flags, ", ")+")") +
		" FROM mysql.db WHERE User <> ''"
}

// Catalog reads the server's schemas, users and database grants in one
// query. A user's password is checked against its mysql_native_password
// hash; any other plugin never matches, since dbplane sets only that one.
// Grants on a database count as AccessActive when they hold every
// privilege an active owner gets and no GRANT OPTION, as AccessReadOnly
// when they hold the read-only set and no write privilege.
func (c *conn) Catalog(ctx context.Context) (*engine.Catalog, error) {
	rows, err := c.db.QueryContext(ctx, catalogQuery())
	if err != nil {
		return nil, translate(engine.OpCatalog, err)
	}
	defer rows.Close()
	cat := &engine.Catalog{AccessKnown: true}
	users := map[[2]string]int{} // user, host → index in cat.Users
	var grants [][4]string
	for rows.Next() {
		var kind, a, b, x, y string
		if err := rows.Scan(&kind, &a, &b, &x, &y); err != nil {
			return nil, translate(engine.OpCatalog, err)
		}
		switch kind {
		case "d":
			cat.Databases = append(cat.Databases, a)
		case "u":
			users[[2]string{a, b}] = len(cat.Users)
			cat.Users = append(cat.Users, catalogUser(a, b, x, y))
		case "g":
			grants = append(grants, [4]string{a, b, x, y})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, translate(engine.OpCatalog, err)
	}
	for _, g := range grants {
		i, ok := users[[2]string{g[0], g[1]}]
		if !ok {
			continue
		}
		u := &cat.Users[i]
		if u.Grants == nil {
			u.Grants = map[string]engine.Access{}
		}
		u.Grants[unescapeGrantDB(g[2])] = grantLevel(g[3])
	}
	return cat, nil
}

// catalogUser builds a user from its catalog row; auth is "plugin string".
func catalogUser(name, host, auth, locked string) engine.CatalogUser {
	plugin, hash, _ := strings.Cut(auth, " ")
	fp := sha256.Sum256([]byte(auth))
	return engine.CatalogUser{
		Name:   name,
		Remote: host,
		Locked: locked == "Y",
		CheckPassword: func(password string) bool {
			if plugin != "mysql_native_password" && plugin != "" {
				return false
			}
			return subtle.ConstantTimeCompare([]byte(hash), []byte(passwordHash(password))) == 1
		},
		Fingerprint: hex.EncodeToString(fp[:]),
	}
}

// grantLevel reads the Y/N flags of privilegeColumns.
func grantLevel(flags string) engine.Access {
	held := map[string]bool{}
	for i, p := range privilegeColumns {
		if i < len(flags) && flags[i] == 'Y' {
			held[p.privilege] = true
		}
	}
	all := func(privs []string) bool {
		return !slices.ContainsFunc(privs, func(p string) bool { return !held[p] })
	}
	none := func(privs []string) bool { return !slices.ContainsFunc(privs, func(p string) bool { return held[p] }) }
	switch {
	case held["GRANT OPTION"]:
		return ""
	case all(tenantPrivileges):
		return engine.AccessActive
	case all(readOnlyPrivileges) && none(writePrivileges):
		return engine.AccessReadOnly
	}
	return ""
}

// unescapeGrantDB undoes grantDB: mysql.db stores `u\_a` for u_a.
func unescapeGrantDB(db string) string {
	return grantUnescaper.Replace(db)
}
