package postgres

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/dbplane/dbplane/internal/engine"
)

var _ engine.Cataloger = (*conn)(nil)

// catalogRoles is the role part of the catalog queries: every role but the
// admin and the server's own (pg_*), with its stored password (pg_authid,
// which only a superuser may read), its settings and whether it may log in.
const catalogRoles = `SELECT 'u', r.rolname::text, {password}, COALESCE((SELECT array_to_string(s.setconfig, ',') FROM pg_db_role_setting s WHERE s.setrole = r.oid AND s.setdatabase = 0), ''), r.rolcanlogin
FROM {table} r WHERE r.rolname <> current_user AND r.rolname NOT LIKE 'pg\_%'`

// catalogDatabases lists every database but the templates, with its owner.
const catalogDatabases = `SELECT 'd', d.datname::text, pg_get_userbyid(d.datdba)::text, ''::text, false FROM pg_database d WHERE NOT d.datistemplate`

func catalogQuery(authid bool) string {
	pw, table := "''", "pg_roles"
	if authid {
		pw, table = "COALESCE(r.rolpassword, '')", "pg_authid"
	}
	return catalogDatabases + "\nUNION ALL\n" + strings.NewReplacer("{password}", pw, "{table}", table).Replace(catalogRoles)
}

// Catalog reads databases and roles in one query. With a superuser admin
// it reads pg_authid, so each role's SCRAM-SHA-256 verifier (or md5 hash)
// checks a password without logging in; an admin that may not read
// pg_authid (CREATEROLE only) gets a second query on pg_roles, and no
// password checks. A role owning its database is AccessActive on it; its
// holding role owning it (the read-only wall, wall.go) is AccessReadOnly;
// Locked is NOLOGIN.
func (c *conn) Catalog(ctx context.Context) (*engine.Catalog, error) {
	cat, err := c.catalog(ctx, true)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42501" { // insufficient_privilege
		cat, err = c.catalog(ctx, false)
	}
	if err != nil {
		return nil, translate(engine.OpCatalog, err)
	}
	return cat, nil
}

func (c *conn) catalog(ctx context.Context, authid bool) (*engine.Catalog, error) {
	p, err := c.pool(ctx, engine.OpCatalog)
	if err != nil {
		return nil, err
	}
	rows, err := p.Query(ctx, catalogQuery(authid))
	if err != nil {
		return nil, err
	}
	cat := &engine.Catalog{AccessKnown: true}
	owners := map[string][]string{}
	var (
		kind, a, b, cfg string
		login           bool
	)
	_, err = pgx.ForEachRow(rows, []any{&kind, &a, &b, &cfg, &login}, func() error {
		switch kind {
		case "d":
			if a != "postgres" {
				cat.Databases = append(cat.Databases, a)
			}
			owners[b] = append(owners[b], a)
		case "u":
			cat.Users = append(cat.Users, catalogRole(a, b, login))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// A database its owner owns is active; one its owner's holding role
	// owns is behind the read-only wall (wall.go).
	for i := range cat.Users {
		u := &cat.Users[i]
		holder, _ := wallRoles(u.Name)
		for level, dbs := range map[engine.Access][]string{engine.AccessActive: owners[u.Name], engine.AccessReadOnly: owners[holder]} {
			for _, db := range dbs {
				if u.Grants == nil {
					u.Grants = map[string]engine.Access{}
				}
				u.Grants[db] = level
			}
		}
	}
	return cat, nil
}

// catalogRole builds a role from its row.
func catalogRole(name, password string, login bool) engine.CatalogUser {
	u := engine.CatalogUser{Name: name, Locked: !login}
	if password != "" {
		fp := sha256.Sum256([]byte(password))
		u.Fingerprint = hex.EncodeToString(fp[:])
		u.CheckPassword = func(pw string) bool { return checkStored(password, name, pw) }
	}
	return u
}

// checkStored reports whether pw matches what pg_authid.rolpassword holds
// for role: a SCRAM-SHA-256 verifier
// (SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>), or an md5
// hash ("md5" + md5(password + role name)). Anything else never matches.
func checkStored(stored, role, pw string) bool {
	if checkPassword(pw) != nil {
		return false
	}
	if rest, ok := strings.CutPrefix(stored, "md5"); ok && len(rest) == 32 {
		sum := md5.Sum([]byte(pw + role))
		return subtle.ConstantTimeCompare([]byte(hex.EncodeToString(sum[:])), []byte(rest)) == 1
	}
	rest, ok := strings.CutPrefix(stored, "SCRAM-SHA-256$")
	if !ok {
		return false
	}
	params, keys, ok := strings.Cut(rest, "$")
	if !ok {
		return false
	}
	iter, salt64, ok1 := strings.Cut(params, ":")
	stored64, server64, ok2 := strings.Cut(keys, ":")
	if !ok1 || !ok2 {
		return false
	}
	n, err := strconv.Atoi(iter)
	if err != nil {
		return false
	}
	dec := base64.StdEncoding.DecodeString
	salt, err1 := dec(salt64)
	storedKey, err2 := dec(stored64)
	serverKey, err3 := dec(server64)
	if err1 != nil || err2 != nil || err3 != nil {
		return false
	}
	return engine.VerifySCRAMSHA256(pw, salt, n, storedKey, serverKey)
}
