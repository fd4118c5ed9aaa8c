package mongo

import (
	"errors"
	"fmt"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/dbplane/dbplane/internal/engine"
)

// flavor is the kind of server behind a Conn, learnt from buildInfo.
type flavor int

const (
	flavorMongoDB  flavor = iota // MongoDB: roles, authentication restrictions, sessions
	flavorFerretDB               // FerretDB v1: users without roles, nothing enforced
)

func (f flavor) String() string {
	if f == flavorFerretDB {
		return "FerretDB"
	}
	return "MongoDB"
}

// adminDB is where server-wide commands run.
const adminDB = "admin"

// markerCollection is the empty collection EnsureDatabase creates so that
// a new database exists (MongoDB only lists databases that hold a
// collection) and shows up in DatabaseSizes.
const markerCollection = "_dbplane"

// mechanism is the only SCRAM mechanism tenant users get; SCRAM-SHA-1
// stores an MD5-based digest and is not offered.
const mechanism = "SCRAM-SHA-256"

// cmd is one command and the database it runs against. Commands are built
// from names already checked by engine.CheckName and passed as BSON
// values, so nothing is ever parsed out of text.
type cmd struct {
	DB  string
	Doc bson.D
	// Ignore lists server error codes that mean the work is already done
	// (dropUser of a missing user, create of an existing collection).
	Ignore []int32
	// Secret marks a command that carries a password: it is never logged,
	// and an error from it is reduced to its code and name.
	Secret bool
}

// state is what the server holds for one tenant, read before a change.
type state struct {
	DBExists bool     // listDatabases lists the database
	Users    []string // users defined on the database (authSource = it)
}

func (st state) hasUser(u string) bool { return slices.Contains(st.Users, u) }

// foreign returns a user defined on the database other than owner, or "".
func (st state) foreign(owner string) string {
	for _, u := range st.Users {
		if u != owner {
			return u
		}
	}
	return ""
}

// Roles. A tenant owns its database through readWrite and dbAdmin on it.
func roles(db string, names ...string) bson.A {
	a := bson.A{}
	for _, n := range names {
		a = append(a, bson.D{{Key: "role", Value: n}, {Key: "db", Value: db}})
	}
	return a
}

// noLogin is an authentication restriction no client can meet: no
// connection ever comes from 0.0.0.0, so every login is refused.
func noLogin() bson.A {
	return bson.A{bson.D{{Key: "clientSource", Value: bson.A{"0.0.0.0/32"}}}}
}

func checkNames(db, owner string) error {
	if err := engine.CheckName("database", db); err != nil {
		return err
	}
	return engine.CheckName("user", owner)
}

func checkPassword(pw string) error {
	if pw == "" {
		return errors.New("engine: empty password")
	}
	return nil
}

// renderUsersInfo lists the users defined on db.
func renderUsersInfo(db string) cmd {
	return cmd{DB: db, Doc: bson.D{{Key: "usersInfo", Value: 1}}}
}

// renderDatabaseExists lists db if it exists, by name only.
func renderDatabaseExists(db string) cmd {
	return cmd{DB: adminDB, Doc: bson.D{
		{Key: "listDatabases", Value: 1},
		{Key: "nameOnly", Value: true},
		{Key: "filter", Value: bson.D{{Key: "name", Value: db}}},
	}}
}

// renderFindUser lists the users named owner in every database: a
// password change names only the user, and users live in their own
// database. FerretDB has no filter on usersInfo, so there the caller
// filters the full list.
func renderFindUser(owner string, f flavor) cmd {
	d := bson.D{{Key: "usersInfo", Value: bson.D{{Key: "forAllDBs", Value: true}}}}
	if f == flavorMongoDB {
		d = append(d, bson.E{Key: "filter", Value: bson.D{{Key: "user", Value: owner}}})
	}
	return cmd{DB: adminDB, Doc: d}
}

// renderEnsure creates the owner, or sets its password if it exists, and
// creates the marker collection if the database does not exist. An
// existing owner keeps its roles, so a retry does not undo SetAccess.
func renderEnsure(req engine.EnsureDatabaseRequest, st state, f flavor) ([]cmd, error) {
	if err := checkNames(req.Database, req.Owner); err != nil {
		return nil, err
	}
	if err := checkPassword(req.Password); err != nil {
		return nil, err
	}
	if u := st.foreign(req.Owner); u != "" {
		return nil, &engine.Error{Op: opEnsure, Engine: name, Kind: engine.ErrExists,
			Err: fmt.Errorf("database %s has another user, %s", req.Database, u)}
	}
	var cmds []cmd
	if st.hasUser(req.Owner) {
		cmds = append(cmds, renderUpdatePassword(req.Database, req.Owner, req.Password))
	} else {
		r := roles(req.Database, "readWrite", "dbAdmin")
		if f == flavorFerretDB {
			r = bson.A{} // FerretDB v1 refuses any role
		}
		cmds = append(cmds, cmd{DB: req.Database, Secret: true, Doc: bson.D{
			{Key: "createUser", Value: req.Owner},
			{Key: "pwd", Value: req.Password},
			{Key: "roles", Value: r},
			{Key: "mechanisms", Value: bson.A{mechanism}},
		}})
	}
	if !st.DBExists {
		cmds = append(cmds, cmd{DB: req.Database, Ignore: []int32{codeNamespaceExists},
			Doc: bson.D{{Key: "create", Value: markerCollection}}})
	}
	return cmds, nil
}

// renderUpdatePassword replaces owner's credentials on db.
func renderUpdatePassword(db, owner, password string) cmd {
	return cmd{DB: db, Secret: true, Doc: bson.D{
		{Key: "updateUser", Value: owner},
		{Key: "pwd", Value: password},
		{Key: "mechanisms", Value: bson.A{mechanism}},
	}}
}

// renderSetPassword sets owner's password on db, the database a lookup
// found it in.
func renderSetPassword(req engine.SetPasswordRequest, db string) ([]cmd, error) {
	if err := checkNames(db, req.Owner); err != nil {
		return nil, err
	}
	if err := checkPassword(req.Password); err != nil {
		return nil, err
	}
	return []cmd{renderUpdatePassword(db, req.Owner, req.Password)}, nil
}

// renderKillSessions ends owner's sessions and their operations (MongoDB
// only; FerretDB v1 has no sessions to kill). A user already gone has none.
func renderKillSessions(db, owner string) cmd {
	return cmd{DB: adminDB, Ignore: []int32{codeUserNotFound}, Doc: bson.D{{Key: "killAllSessionsByPattern", Value: bson.A{
		bson.D{{Key: "users", Value: bson.A{bson.D{{Key: "user", Value: owner}, {Key: "db", Value: db}}}}},
	}}}}
}

// renderDrop drops the owner (ending its sessions on MongoDB) and the
// database. It leaves the database alone when another user is defined on
// it: that database is not the request's to drop. Dropping a database
// does not drop the users defined on it, so the owner goes first.
func renderDrop(req engine.DropDatabaseRequest, st state, f flavor) ([]cmd, error) {
	if err := checkNames(req.Database, req.Owner); err != nil {
		return nil, err
	}
	var cmds []cmd
	if st.hasUser(req.Owner) {
		cmds = append(cmds, cmd{DB: req.Database, Ignore: []int32{codeUserNotFound},
			Doc: bson.D{{Key: "dropUser", Value: req.Owner}}})
		if f == flavorMongoDB {
			cmds = append(cmds, renderKillSessions(req.Database, req.Owner))
		}
	}
	if st.DBExists && st.foreign(req.Owner) == "" {
		cmds = append(cmds, cmd{DB: req.Database, Doc: bson.D{{Key: "dropDatabase", Value: 1}}})
	}
	return cmds, nil
}

// renderSetAccess sets the owner's roles and login restriction for an
// access level, in one updateUser that replaces both, so any level may
// follow any other and each is idempotent. FerretDB v1 has neither roles
// nor restrictions: there read_only and locked are ErrUnsupported and
// active, the only state it knows, is nothing to do.
func renderSetAccess(req engine.SetAccessRequest, f flavor) ([]cmd, error) {
	if err := checkNames(req.Database, req.Owner); err != nil {
		return nil, err
	}
	var r, restrict bson.A
	switch req.Access {
	case engine.AccessActive:
		r, restrict = roles(req.Database, "readWrite", "dbAdmin"), bson.A{}
	case engine.AccessReadOnly:
		r, restrict = roles(req.Database, "read", "dbAdmin"), bson.A{}
	case engine.AccessLocked:
		r, restrict = bson.A{}, noLogin()
	default:
		return nil, fmt.Errorf("engine: unknown access level %q", req.Access)
	}
	if f == flavorFerretDB {
		if req.Access == engine.AccessActive {
			return nil, nil
		}
		return nil, &engine.Error{Op: opSetAccess, Engine: name, Kind: engine.ErrUnsupported,
			Err: fmt.Errorf("FerretDB v1 has no roles or login restrictions, so %s cannot be enforced", req.Access)}
	}
	cmds := []cmd{{DB: req.Database, Doc: bson.D{
		{Key: "updateUser", Value: req.Owner},
		{Key: "roles", Value: r},
		{Key: "authenticationRestrictions", Value: restrict},
	}}}
	if req.Access != engine.AccessActive {
		cmds = append(cmds, renderKillSessions(req.Database, req.Owner))
	}
	return cmds, nil
}

// Fixed commands.
var (
	cmdPing       = cmd{DB: adminDB, Doc: bson.D{{Key: "ping", Value: 1}}}
	cmdBuildInfo  = cmd{DB: adminDB, Doc: bson.D{{Key: "buildInfo", Value: 1}}}
	cmdPrivileges = cmd{DB: adminDB, Doc: bson.D{{Key: "connectionStatus", Value: 1}, {Key: "showPrivileges", Value: true}}}
	cmdSizes      = cmd{DB: adminDB, Doc: bson.D{{Key: "listDatabases", Value: 1}, {Key: "nameOnly", Value: false}}}
)
