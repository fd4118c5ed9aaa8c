// Package engine defines what the control plane needs from a database server,
// and nothing more. Engines live in subpackages; only internal/cli imports
// them, and wires them into a Registry.
package engine

import (
	"context"
	"errors"
	"strings"
)

// Driver makes Conns for one kind of server.
type Driver interface {
	// Name is the stable engine name ("mariadb", "postgres", "mongo").
	Name() string
	// Open validates cfg and returns a Conn. It does not dial: call Ping for
	// that. Unknown keys in cfg.Params are an error.
	Open(cfg Config) (Conn, error)
}

// Conn is a handle on one remote server, holding a small pool of admin
// connections. It is safe for concurrent use, and every method returns
// promptly once ctx is done.
//
// Errors are *Error values built from what the server or the network
// said, and never hold a password (the admin's or a request's), a SCRAM
// verifier, a password hash or a DSN: drivers do not format them into
// anything that can reach an error (no DSN carries a password; passwords
// are bound or sent as verifiers), and where a server may quote a
// statement that carries one, the driver keeps only the error's code. The
// Registry does not edit error text to make up for a driver that does.
type Conn interface {
	// Ping dials the server and checks the admin credentials.
	Ping(ctx context.Context) error
	// Version returns the server's version string.
	Version(ctx context.Context) (string, error)
	// CheckPrivileges returns nil when the admin user holds every privilege
	// dbplane needs, or an error wrapping ErrAccessDenied whose text names
	// each missing privilege.
	CheckPrivileges(ctx context.Context) error
	// EnsureDatabase creates the database and its owner user if they are
	// missing and sets the owner's password to req.Password, so that calling
	// it again converges on the same state. It returns an error wrapping
	// ErrExists if the database exists with a different owner.
	EnsureDatabase(ctx context.Context, req EnsureDatabaseRequest) (EnsureDatabaseResponse, error)
	// DropDatabase removes the database and its owner, ending the owner's
	// sessions. Already gone is not an error.
	DropDatabase(ctx context.Context, req DropDatabaseRequest) error
	// SetPassword replaces the owner's password; the old one is refused for
	// new logins when it returns. ErrNotExist when the user is missing.
	SetPassword(ctx context.Context, req SetPasswordRequest) error
	Sizer
	AccessSetter
	Cataloger
	Close() error
}

// Operation names, as they appear in Error.Op, in log lines and in the
// engine operation metrics (Observation.Op). Every driver and the Registry
// use these; there is no other spelling.
const (
	OpOpen            = "open"
	OpPing            = "ping"
	OpVersion         = "version"
	OpCheckPrivileges = "check"
	OpEnsure          = "ensure"
	OpDrop            = "drop"
	OpSetPassword     = "set_password"
	OpSetAccess       = "set_access"
	OpSizes           = "sizes"
	OpClose           = "close"
)

// Every Conn has these three (Cataloger is in catalog.go), named on their own for the code that needs only
// one of them. A driver whose server cannot do one still implements it, and
// answers with an error wrapping ErrUnsupported (FerretDB v1 has no roles,
// so the mongo driver's SetAccess does); callers never type-assert.

// Sizer reports the size of every database on the server in one round trip.
type Sizer interface {
	DatabaseSizes(ctx context.Context) (map[string]int64, error)
}

// AccessSetter changes what a database's owner may do (engine.Access).
// Each level is idempotent and may follow any other.
type AccessSetter interface {
	SetAccess(ctx context.Context, req SetAccessRequest) error
}

// TLSMode is how the admin connection uses TLS.
type TLSMode string

// TLS modes, named as libpq names them.
const (
	TLSDisable    TLSMode = "disable"
	TLSPrefer     TLSMode = "prefer"
	TLSRequire    TLSMode = "require"
	TLSVerifyFull TLSMode = "verify-full"
)

// Config is how to reach a server's admin account.
type Config struct {
	Host     string
	Port     int
	User     string
	Password string // plain here; drivers never put it into an error (see Conn)
	Database string // admin database; "" for the engine's default
	TLS      TLSMode
	// TLSCA is a PEM bundle of the CAs to trust instead of the system's,
	// and TLSServerName the name the certificate must hold instead of
	// Host. Either needs TLS verify-full (TLSConfig).
	TLSCA         string
	TLSServerName string
	// PoolSize is the most admin connections the Conn holds open at once.
	// 0 lets the driver choose: MariaDB and PostgreSQL take a quarter of
	// the server's max_connections (2 to 64), read at the first operation;
	// each engine's package doc says how. Negative is an error.
	PoolSize int
	Params   map[string]string // engine extras, documented in each engine's package doc
}

// EnsureDatabaseRequest names a database and its owner. Names are validated
// by the caller ([a-z0-9_], at most 63 bytes) before they get here.
type EnsureDatabaseRequest struct {
	Database       string
	Owner          string
	Password       string
	Remote         string // MariaDB host pattern ("%" if empty); ignored elsewhere
	MaxConnections int    // 0 = unlimited
	// Fresh says the caller has no record of having tried these names
	// before: a first attempt, not a retry or a reconcile. A driver may then
	// skip its pre-create check and rely on the server's own "already
	// exists" errors, going back to the full check when one comes. The
	// outcome (created, converged or ErrExists with nothing changed) is the
	// same either way; only the cost differs.
	Fresh bool
	// Placeholder makes a warm database (issue 12): the database and its
	// owner as a normal Ensure makes them (ownership, PUBLIC's privileges
	// revoked), but the owner may not log in and has no password
	// (Password must be "", MaxConnections 0). PostgreSQL only: other
	// drivers answer with an error wrapping ErrUnsupported, having sent
	// nothing.
	Placeholder bool
	// Claim names a warm database made with Placeholder for this Ensure
	// to take over: while Database is missing and the warm database is
	// there, owned by its placeholder role, both are renamed to Database
	// and Owner, and the owner gets LOGIN, the password and the connection
	// limit, in one transaction. Once renamed (a replay), this is a normal
	// Ensure; with the warm database gone or not as Placeholder left it,
	// a normal Ensure of Database and Owner runs and the warm names are
	// left alone (the caller drops them). PostgreSQL only, as Placeholder.
	Claim *WarmNames
}

// WarmNames are the placeholder names of a warm database and its owner.
type WarmNames struct {
	Database string
	Owner    string
}

// EnsureDatabaseResponse reports what EnsureDatabase did.
type EnsureDatabaseResponse struct {
	Created bool // the database did not exist before
	// Claimed is true when the request's Claim was renamed into place
	// by this call, or had been by an earlier one (the database is owned
	// by Owner and the warm database is gone).
	Claimed bool
}

// WarmUnsupported is the error of a driver without warm databases when a
// request asks for one (EnsureDatabaseRequest.Placeholder or Claim).
func WarmUnsupported(op, engineName string) error {
	return &Error{Op: op, Engine: engineName, Kind: ErrUnsupported, NotSent: true, Err: errors.New("warm databases are PostgreSQL only")}
}

// DropDatabaseRequest names a database and its owner to remove.
type DropDatabaseRequest struct {
	Database string
	Owner    string
	Remote   string
}

// SetPasswordRequest names the owner whose password changes.
type SetPasswordRequest struct {
	Owner    string
	Remote   string
	Password string
}

// Access is what a database's owner may do.
type Access string

// Access levels.
const (
	AccessActive   Access = "active"    // everything on its own database
	AccessReadOnly Access = "read_only" // reads and deletes, no writes; sessions ended
	AccessLocked   Access = "locked"    // no logins; sessions ended
)

// SetAccessRequest changes a database owner's access.
type SetAccessRequest struct {
	Database string
	Owner    string
	Remote   string
	Access   Access
}

// Sentinel kinds. Engine errors wrap exactly one of them.
var (
	ErrExists       = errors.New("engine: already exists")
	ErrNotExist     = errors.New("engine: does not exist")
	ErrAccessDenied = errors.New("engine: access denied")
	ErrUnreachable  = errors.New("engine: server unreachable")
	ErrUnsupported  = errors.New("engine: not supported")
)

// ErrNotSent is what an Error with NotSent set wraps, beside its kind: the
// operation failed before any of its statements was sent to the server
// (no session could be had: a refused dial, a dial or handshake that timed
// out), so it changed nothing there. A timeout after a statement was sent
// is not NotSent: the server may still run it.
var ErrNotSent = errors.New("engine: nothing was sent to the server")

// Sent returns err as it stands once a statement of the operation has
// reached the server: an Error's NotSent cleared (on a copy), because
// what the operation sent before its failure may have changed something,
// whatever the failing step did. A later step that never left the client
// (a closed session, a refused redial) must not make the whole operation
// read as one that changed nothing.
func Sent(err error) error {
	ee, ok := errors.AsType[*Error](err)
	if !ok || !ee.NotSent {
		return err
	}
	cp := *ee
	cp.NotSent = false
	return &cp
}

// MissingPrivileges is what CheckPrivileges' error wraps, beside
// ErrAccessDenied, when the admin lacks privileges: their names, as the
// server spells them. It holds nothing else, so a caller may show it to an
// operator where it shows no other driver text.
type MissingPrivileges struct {
	Names []string
}

func (m *MissingPrivileges) Error() string { return strings.Join(m.Names, ", ") }

// Error carries both the sentinel kind and the raw server error, so both
// errors.Is(err, engine.ErrExists) and errors.As(err, &mysqlErr) work.
type Error struct {
	Op, Engine string // OpEnsure, "mariadb"
	Code       string // server code: "1007", "42P04"
	Kind       error  // one of the sentinels, or nil when unclassified
	// NotSent says the operation failed before any statement reached the
	// server; errors.Is(err, ErrNotSent) then holds.
	NotSent bool
	Err     error
}

func (e *Error) Error() string {
	s := e.Engine + ": " + e.Op
	if e.Code != "" {
		s += " [" + e.Code + "]"
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns the kind, ErrNotSent when NotSent, and the cause.
func (e *Error) Unwrap() []error {
	out := make([]error, 0, 3)
	if e.Kind != nil {
		out = append(out, e.Kind)
	}
	if e.NotSent {
		out = append(out, ErrNotSent)
	}
	return append(out, e.Err)
}
