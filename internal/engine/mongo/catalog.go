package mongo

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/dbplane/dbplane/internal/engine"
)

var _ engine.Cataloger = (*conn)(nil)

// renderCatalogUsers lists every user of every database with its stored
// credentials and, on MongoDB, its authentication restrictions.
func renderCatalogUsers(f flavor) cmd {
	d := bson.D{
		{Key: "usersInfo", Value: bson.D{{Key: "forAllDBs", Value: true}}},
		{Key: "showCredentials", Value: true},
	}
	if f == flavorMongoDB {
		d = append(d, bson.E{Key: "showAuthenticationRestrictions", Value: true})
	}
	return cmd{DB: adminDB, Doc: d}
}

// cmdCatalogDatabases lists every database by name.
var cmdCatalogDatabases = cmd{DB: adminDB, Doc: bson.D{{Key: "listDatabases", Value: 1}, {Key: "nameOnly", Value: true}}}

// scramCredential is one mechanism's stored credential in usersInfo.
type scramCredential struct {
	IterationCount int    `bson:"iterationCount"`
	Salt           string `bson:"salt"`
	StoredKey      string `bson:"storedKey"`
	ServerKey      string `bson:"serverKey"`
}

type catalogUsersReply struct {
	Users []struct {
		User        string `bson:"user"`
		DB          string `bson:"db"`
		Credentials struct {
			SHA256 *scramCredential `bson:"SCRAM-SHA-256"`
		} `bson:"credentials"`
		Roles []struct {
			Role string `bson:"role"`
			DB   string `bson:"db"`
		} `bson:"roles"`
		Restrictions bson.A `bson:"authenticationRestrictions"`
	} `bson:"users"`
}

// Catalog reads the server's databases (listDatabases) and users
// (usersInfo for all databases with showCredentials): two commands. A
// user's password is checked against its SCRAM-SHA-256 credential. The
// server's own databases (admin, config, local) and the users defined on
// admin are left out. MongoDB has no empty databases: one whose owner is
// defined on it counts as present even when listDatabases leaves it out
// (the tenant dropped every collection), so a dropped MongoDB database is
// never reported missing; its owner still logs in and starts it afresh.
// On MongoDB, roles readWrite+dbAdmin on the database are AccessActive,
// read+dbAdmin AccessReadOnly, and any authentication restriction is
// Locked. FerretDB v1 keeps no roles, so AccessKnown is false there.
func (c *conn) Catalog(ctx context.Context) (*engine.Catalog, error) {
	f, _, err := c.detect(ctx, engine.OpCatalog)
	if err != nil {
		return nil, err
	}
	var dbs listDatabasesReply
	if err := c.run(ctx, engine.OpCatalog, cmdCatalogDatabases, &dbs, ""); err != nil {
		return nil, err
	}
	var users catalogUsersReply
	if err := c.run(ctx, engine.OpCatalog, renderCatalogUsers(f), &users, ""); err != nil {
		return nil, err
	}
	cat := &engine.Catalog{AccessKnown: f == flavorMongoDB}
	system := []string{adminDB, "config", "local"}
	for _, d := range dbs.Databases {
		if !slices.Contains(system, d.Name) {
			cat.Databases = append(cat.Databases, d.Name)
		}
	}
	for _, u := range users.Users {
		if u.DB == "" || slices.Contains(system, u.DB) {
			continue
		}
		if !slices.Contains(cat.Databases, u.DB) {
			cat.Databases = append(cat.Databases, u.DB)
		}
		cu := engine.CatalogUser{Name: u.User, Database: u.DB, Locked: len(u.Restrictions) > 0}
		if cat.AccessKnown {
			var held []string
			for _, r := range u.Roles {
				if r.DB == u.DB {
					held = append(held, r.Role)
				}
			}
			slices.Sort(held)
			level := engine.Access("")
			switch {
			case slices.Equal(held, []string{"dbAdmin", "readWrite"}):
				level = engine.AccessActive
			case slices.Equal(held, []string{"dbAdmin", "read"}):
				level = engine.AccessReadOnly
			}
			if len(held) > 0 || !cu.Locked {
				cu.Grants = map[string]engine.Access{u.DB: level}
			}
		}
		if cr := u.Credentials.SHA256; cr != nil {
			cu.CheckPassword, cu.Fingerprint = scramCheck(*cr)
		}
		cat.Users = append(cat.Users, cu)
	}
	return cat, nil
}

// scramCheck returns a password check against cr and cr's fingerprint.
func scramCheck(cr scramCredential) (func(string) bool, string) {
	fp := sha256.Sum256([]byte(cr.Salt + "$" + cr.StoredKey + ":" + cr.ServerKey))
	dec := base64.StdEncoding.DecodeString
	salt, err1 := dec(cr.Salt)
	storedKey, err2 := dec(cr.StoredKey)
	serverKey, err3 := dec(cr.ServerKey)
	bad := err1 != nil || err2 != nil || err3 != nil
	return func(pw string) bool {
		return !bad && checkPassword(pw) == nil &&
			engine.VerifySCRAMSHA256(pw, salt, cr.IterationCount, storedKey, serverKey)
	}, hex.EncodeToString(fp[:])
}
