// Package mongo is the MongoDB engine, built on the official Go driver
// (go.mongodb.org/mongo-driver/v2): each tenant database gets one owner
// user defined on that database, with roles readWrite and dbAdmin on it
// (SPEC §2). Clients log in with authSource set to the database itself,
// as in the connection strings the control plane builds
// (mongodb://user:pass@host:port/db?authSource=db).
//
// # Tested versions
//
// The conformance suite and the driver's own tests run against FerretDB
// v1.24.2 with the SQLite backend and --test-enable-new-auth (Debian ships
// no MongoDB server; scripts/build-ferretdb.sh builds FerretDB). The
// MongoDB commands are written for MongoDB 4.4 to 8.0 and pinned by golden
// tests, but no MongoDB server runs in our tests; point
// DBPLANE_TEST_MONGO_URL at one to run the suite there, SetAccess and the
// limited-privileges case included.
//
// # Config
//
// Host and User are required; Port defaults to 27017. Database is the
// admin user's authSource ("admin" when empty). TLS: disable, "" and
// prefer connect in plain text (the wire protocol cannot negotiate TLS,
// so there is nothing to prefer); require encrypts without checking the
// certificate; verify-full checks the chain and the host name (against
// Config.TLSCA, a PEM bundle, and Config.TLSServerName when set; both need
// verify-full). Params, all optional (any other key is an error):
//
//	connect_timeout           Go duration to dial and handshake, default 5s
//	server_selection_timeout  Go duration to find the server, default 3s;
//	                          an unreachable host fails after this long
//	max_pool_size             admin connections, 1 to 100, default 8;
//	                          Config.PoolSize (the host's setting) wins over it
//	tls_ca_file               PEM file of CAs to trust (verify-full only)
//
// Open dials nothing; the driver's client is made on first use. Retryable
// writes are off: every operation is idempotent and retried by the caller.
//
// # FerretDB
//
// The driver tells FerretDB from MongoDB by the ferretdbVersion field of
// buildInfo, read once per Conn, and Version reports it ("FerretDB 1.24.2
// (MongoDB 7.0.77 compatible)"). FerretDB v1 refuses createUser with any
// role (NotImplemented), has no authentication restrictions and no
// sessions to kill, and checks no privileges at all: any authenticated
// user may run any command on any database. So on FerretDB:
//
//   - owners are created with roles: []. What is enforced is the login:
//     a user exists on one database only, so it can log in only with
//     authSource set to that database and its current password, and a
//     password change or DropDatabase refuses its next login. What is NOT
//     enforced is isolation once logged in: an owner can read and write
//     other tenants' databases and create users. Do not hand FerretDB
//     databases to tenants who must not see each other.
//   - SetAccess(read_only) and SetAccess(locked) return an error wrapping
//     engine.ErrUnsupported, and change nothing. SetAccess(active) returns
//     nil and does nothing: an owner there already has every right.
//   - CheckPrivileges succeeds for any user that can log in.
//   - Sessions already open when a password changes or a user is dropped
//     stay open (FerretDB checks credentials at login only).
//
// # Required privileges (MongoDB)
//
// CheckPrivileges reads connectionStatus with showPrivileges and names
// each missing one. On every database (resource {db: "", collection: ""}):
// createUser, dropUser, grantRole, revokeRole, changePassword, viewUser,
// setAuthenticationRestriction, createCollection, dropDatabase. On the
// cluster: listDatabases, killAnySession and impersonate (killing another
// user's sessions by name needs both). The built-in root role holds all of
// them; otherwise make a custom role with exactly these.
//
// # Databases and owners
//
// Names are checked with engine.CheckName and passed as BSON values, never
// parsed from text. EnsureDatabase reads the users defined on the database
// (usersInfo) and whether it exists (one listDatabases filtered by name),
// then either creates the owner (createUser with pwd, roles readWrite and
// dbAdmin on the database, mechanisms SCRAM-SHA-256) or, if it exists,
// replaces its password (updateUser with pwd) and leaves its roles alone,
// so a retry does not undo SetAccess. It returns ErrExists, changing
// nothing, when another user is defined on the database. A database that
// exists without users is adopted. Because MongoDB lists (and sizes) only
// databases that hold a collection, EnsureDatabase creates an empty
// collection named _dbplane in a new database; tenants may drop it, and
// the database then shows up again once it holds data. Created is true
// when neither the database nor the owner existed.
//
// DropDatabase drops the owner (dropUser: dropDatabase does not drop the
// users defined on a database), ends its sessions on MongoDB, and drops
// the database unless another user is defined on it. Already gone is
// success.
//
// SetPassword is given only the owner's name, so it first finds the one
// database the user is defined on (usersInfo forAllDBs, filtered by name
// on MongoDB and here on FerretDB, which has no filter), then runs
// updateUser. No such user is ErrNotExist; the same name on several
// databases is an error rather than a guess.
//
// # Passwords
//
// MongoDB hashes SCRAM-SHA-256 credentials on the server (digestPassword
// cannot be false for SHA-256), so createUser and updateUser carry the
// password itself: use TLS between dbplane and a server on another
// machine. MongoDB redacts pwd from its own logs. The driver never logs a
// command, and an error from a command that carries a password has the
// password replaced by [redacted] before it leaves the driver (the
// Registry middleware scrubs too).
//
// # Access levels (MongoDB)
//
// Each level is one updateUser that replaces both the owner's roles and
// its authentication restrictions, so any level may follow any other and
// each is idempotent:
//
//	active     readWrite and dbAdmin on the database; no restrictions
//	read_only  read and dbAdmin: documents can be read but not inserted,
//	           updated or deleted; collections and the database can still
//	           be dropped (how an over-quota tenant frees space), and
//	           dbAdmin still allows creating indexes and empty collections
//	locked     no roles, and a clientSource restriction (0.0.0.0/32) that
//	           no client meets, so every login is refused
//
// read_only and locked then end the owner's sessions and running
// operations (killAllSessionsByPattern). Connections already logged in
// lose their rights at once, because updateUser invalidates the user
// cache; they are not closed.
//
// # Sizes
//
// DatabaseSizes is one listDatabases and reports sizeOnDisk of every
// database, the server's own (admin, config, local) included.
//
// # Catalog
//
// Catalog (the drift sweep) is two commands: listDatabases and usersInfo
// for all databases with showCredentials. A password is checked against
// the stored SCRAM-SHA-256 credential (salt, iterations, StoredKey,
// ServerKey) without logging in; FerretDB v1 shows it too. A database its
// owner is defined on counts as present (MongoDB has no empty databases).
// On MongoDB, roles give the access level and any authentication
// restriction is locked; FerretDB keeps no roles, so the catalog says
// nothing about access there.
//
// # Errors
//
// Server codes map to kinds: 51003 and 11000 (user exists, duplicate
// key) and 48 to ErrExists; 11 (UserNotFound) and 26 (NamespaceNotFound)
// to ErrNotExist; 13 and 18 (AuthenticationFailed) to ErrAccessDenied; 59
// (CommandNotFound), 115 and 238 or any "not implemented" (FerretDB) to
// ErrUnsupported; server selection, connection and network errors and
// timeouts to ErrUnreachable. A server selection error is also NotSent
// (engine.ErrNotSent): the driver returns one only when no attempt of the
// command was sent. Other transport errors are not, since a command may
// have gone out before them.
package mongo
