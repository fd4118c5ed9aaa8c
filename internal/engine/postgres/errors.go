package postgres

import (
	"context"
	"errors"
	"io"
	"net"
	"regexp"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/dbplane/dbplane/internal/engine"
)

// Operation names: engine's, under short local names.
const (
	opOpen            = engine.OpOpen
	opPing            = engine.OpPing
	opVersion         = engine.OpVersion
	opCheckPrivileges = engine.OpCheckPrivileges
	opEnsure          = engine.OpEnsure
	opDrop            = engine.OpDrop
	opSetPassword     = engine.OpSetPassword
	opSetAccess       = engine.OpSetAccess
	opSizes           = engine.OpSizes
)

// kinds maps SQLSTATE codes to engine sentinels
// (https://www.postgresql.org/docs/current/errcodes-appendix.html).
var kinds = map[string]error{
	"42P04": engine.ErrExists,       // duplicate_database
	"42710": engine.ErrExists,       // duplicate_object: CREATE ROLE of an existing role
	"23505": engine.ErrExists,       // unique_violation: two CREATE ROLE racing on pg_authid
	"3D000": engine.ErrNotExist,     // invalid_catalog_name: no such database
	"42704": engine.ErrNotExist,     // undefined_object: no such role
	"28P01": engine.ErrAccessDenied, // invalid_password
	"28000": engine.ErrAccessDenied, // invalid_authorization_specification: pg_hba rejects, NOLOGIN
	"42501": engine.ErrAccessDenied, // insufficient_privilege
	"57P01": engine.ErrUnreachable,  // admin_shutdown
	"57P02": engine.ErrUnreachable,  // crash_shutdown
	"57P03": engine.ErrUnreachable,  // cannot_connect_now: starting up, shutting down, recovering
	"53300": engine.ErrUnreachable,  // too_many_connections
	"0A000": engine.ErrUnsupported,  // feature_not_supported
}

// translate wraps err in an *engine.Error for op, with the sentinel kind
// its SQLSTATE or transport failure maps to. Errors that are already
// translated pass through; nil stays nil.
func translate(op string, err error) error {
	if err == nil {
		return nil
	}
	if _, ok := errors.AsType[*engine.Error](err); ok {
		return err
	}
	e := &engine.Error{Op: op, Engine: name, Err: err}
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok {
		e.Code = pgErr.Code
		e.Kind = kinds[pgErr.Code]
	} else if unreachable(err) {
		e.Kind = engine.ErrUnreachable
	}
	if refusedTLS(err) {
		e.Err = engine.NoTLS(err)
	}
	// A failed connect, or what pgconn guarantees happened before any
	// byte was sent, changed nothing on the server.
	_, connect := errors.AsType[*pgconn.ConnectError](err)
	e.NotSent = connect || pgconn.SafeToRetry(err)
	if verifierPattern.MatchString(err.Error()) {
		e.Err = redactedError{err}
	}
	return e
}

// transient reports whether err is a server error that the same statements
// may not meet again: a serialization failure, a deadlock, or an internal
// error such as "tuple concurrently updated", which two ALTER ROLEs of the
// same role at once can raise.
func transient(err error) bool {
	pgErr, ok := errors.AsType[*pgconn.PgError](err)
	if !ok {
		return false
	}
	switch pgErr.Code {
	case "40001", "40P01", "XX000":
		return true
	}
	return false
}

// unreachable reports whether err means the server could not be reached or
// went away: a failed dial, a dropped connection, a timeout. A context
// cancelled by the caller is not the server's fault.
func unreachable(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}
	if _, ok := errors.AsType[*pgconn.ConnectError](err); ok {
		return true
	}
	if _, ok := errors.AsType[net.Error](err); ok {
		return true
	}
	return errors.Is(err, context.DeadlineExceeded) ||
		pgconn.Timeout(err) ||
		errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, pgconn.ErrConnClosed) ||
		errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE)
}

// refusedTLS reports whether err is pgconn's answer to a server that
// refuses TLS (sslmode require or verify-full against ssl=off), which it
// gives as text only.
func refusedTLS(err error) bool {
	_, ok := errors.AsType[*pgconn.ConnectError](err)
	return ok && strings.Contains(err.Error(), "server refused TLS connection")
}

// verifierPattern matches a SCRAM verifier. Statements carry verifiers,
// never passwords, but a server error may quote a statement, and a verifier
// is still material for an offline guess.
var verifierPattern = regexp.MustCompile(`SCRAM-SHA-256\$[0-9]+:[A-Za-z0-9+/=]*\$[A-Za-z0-9+/=]*:[A-Za-z0-9+/=]*`)

// redactedError hides verifiers from an error's text and keeps the cause
// for errors.As.
type redactedError struct{ err error }

func (r redactedError) Error() string {
	return verifierPattern.ReplaceAllString(r.err.Error(), "[redacted]")
}

func (r redactedError) Unwrap() error { return r.err }
