package mariadb

import (
	"context"
	"fmt"
	"strings"

	"github.com/dbplane/dbplane/internal/engine"
)

// requirement is one global privilege the admin account needs.
type requirement struct {
	name      string   // as reported when missing
	anyOf     []string // PRIVILEGE_TYPE values that satisfy it
	grantable bool     // needed WITH GRANT OPTION, to pass it on to owners
}

// requirements lists what dbplane needs, and why (doc.go has the GRANT):
//   - every tenant privilege WITH GRANT OPTION, to grant it on a database;
//     CREATE and DROP also create and drop databases, and SELECT reads
//     mysql.db and mysql.user to decide who owns a name;
//   - CREATE USER, for CREATE, ALTER and DROP USER and ACCOUNT LOCK;
//   - PROCESS, to see other accounts' sessions;
//   - CONNECTION ADMIN (MariaDB 10.5.2 and later; SUPER before, and still
//     accepted), to KILL them.
//
// RELOAD is not needed: account statements take effect without FLUSH
// PRIVILEGES.
var requirements = func() []requirement {
	var rs []requirement
	for _, p := range tenantPrivileges {
		rs = append(rs, requirement{name: p, anyOf: []string{p}, grantable: true})
	}
	return append(rs,
		requirement{name: "CREATE USER", anyOf: []string{"CREATE USER"}},
		requirement{name: "PROCESS", anyOf: []string{"PROCESS"}},
		requirement{name: "CONNECTION ADMIN", anyOf: []string{"CONNECTION ADMIN", "CONNECTION_ADMIN", "SUPER"}},
	)
}()

// CheckPrivileges compares the admin account's global privileges with
// requirements. It returns an error wrapping engine.ErrAccessDenied that
// names every missing privilege. Privileges held only through a role are
// not seen.
func (c *conn) CheckPrivileges(ctx context.Context) error {
	s := renderCheckPrivileges()
	rows, err := c.db.QueryContext(ctx, s.SQL, s.Args...)
	if err != nil {
		return translate(opCheckPrivileges, err)
	}
	defer rows.Close()
	held := make(map[string]bool) // privilege → grantable
	for rows.Next() {
		var current, grantee, priv, grantable string
		if err := rows.Scan(&current, &grantee, &priv, &grantable); err != nil {
			return translate(opCheckPrivileges, err)
		}
		if grantee != granteeOf(current) {
			continue
		}
		held[priv] = held[priv] || grantable == "YES"
	}
	if err := rows.Err(); err != nil {
		return translate(opCheckPrivileges, err)
	}
	if missing := missingPrivileges(held); len(missing) > 0 {
		return &engine.Error{
			Op: opCheckPrivileges, Engine: driverName, Kind: engine.ErrAccessDenied,
			Err: fmt.Errorf("admin account lacks global privileges: %w", &engine.MissingPrivileges{Names: missing}),
		}
	}
	return nil
}

// granteeOf turns CURRENT_USER() ("user@host") into the GRANTEE form of
// information_schema ("'user'@'host'"). A host never holds "@".
func granteeOf(current string) string {
	i := strings.LastIndexByte(current, '@')
	if i < 0 {
		return current
	}
	return "'" + current[:i] + "'@'" + current[i+1:] + "'"
}

// missingPrivileges names each requirement that held does not meet, in
// requirements order. held maps a privilege to whether it is grantable.
func missingPrivileges(held map[string]bool) []string {
	var missing []string
	for _, r := range requirements {
		ok := false
		for _, p := range r.anyOf {
			grantable, has := held[p]
			if has && (grantable || !r.grantable) {
				ok = true
				break
			}
		}
		if ok {
			continue
		}
		name := r.name
		if r.grantable {
			name += " WITH GRANT OPTION"
		}
		missing = append(missing, name)
	}
	return missing
}
