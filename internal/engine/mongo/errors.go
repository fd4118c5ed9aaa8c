package mongo

import (
	"context"
	"errors"
	"net"
	"strconv"
	"syscall"

	mgo "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"

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

// Server error codes the driver acts on
// (https://www.mongodb.com/docs/manual/reference/error-codes/).
const (
	codeUserNotFound    = 11
	codeNamespaceExists = 48
)

// kinds maps server error codes to engine sentinels.
var kinds = map[int32]error{
	51003: engine.ErrExists,       // Location51003: createUser of an existing user
	11000: engine.ErrExists,       // DuplicateKey: two createUser racing on admin.system.users
	48:    engine.ErrExists,       // NamespaceExists
	11:    engine.ErrNotExist,     // UserNotFound
	26:    engine.ErrNotExist,     // NamespaceNotFound
	13:    engine.ErrAccessDenied, // Unauthorized
	18:    engine.ErrAccessDenied, // AuthenticationFailed
	6:     engine.ErrUnreachable,  // HostUnreachable
	7:     engine.ErrUnreachable,  // HostNotFound
	89:    engine.ErrUnreachable,  // NetworkTimeout
	91:    engine.ErrUnreachable,  // ShutdownInProgress
	11600: engine.ErrUnreachable,  // InterruptedAtShutdown
	59:    engine.ErrUnsupported,  // CommandNotFound
	115:   engine.ErrUnsupported,  // CommandNotSupported
	238:   engine.ErrUnsupported,  // NotImplemented: FerretDB's answer to what it lacks
}

// translate wraps err in an *engine.Error for op, with the sentinel kind
// its server code or transport failure maps to. Errors that are already
// translated pass through; nil stays nil.
func translate(op string, err error) error {
	if err == nil {
		return nil
	}
	if _, ok := errors.AsType[*engine.Error](err); ok {
		return err
	}
	e := &engine.Error{Op: op, Engine: name, Err: err, NotSent: notSent(err)}
	if code, ok := serverCode(err); ok {
		e.Code = strconv.Itoa(int(code))
		e.Kind = kinds[code]
	}
	switch {
	case e.Kind != nil:
	case notImplemented(err):
		e.Kind = engine.ErrUnsupported
	case unreachable(err):
		e.Kind = engine.ErrUnreachable
	}
	return e
}

// serverCode returns the code of a server error: a command error, or the
// first write error of a write.
func serverCode(err error) (int32, bool) {
	if ce, ok := errors.AsType[mgo.CommandError](err); ok && ce.Code != 0 {
		return ce.Code, true
	}
	if we, ok := errors.AsType[mgo.WriteException](err); ok {
		if len(we.WriteErrors) > 0 {
			return int32(we.WriteErrors[0].Code), true
		}
		if we.WriteConcernError != nil {
			return int32(we.WriteConcernError.Code), true
		}
	}
	return 0, false
}

// notImplemented reports FerretDB's refusal of a command or field it does
// not implement, however it is coded.
func notImplemented(err error) bool {
	se, ok := errors.AsType[mgo.ServerError](err)
	return ok && (se.HasErrorMessage("not implemented") || se.HasErrorMessage("is not implemented"))
}

// notSent reports whether err shows the command never left the driver: no
// server could be selected (none answered a heartbeat in time, or the
// caller's context ended first). The driver returns a selection error only
// when no attempt of the operation was sent; once one was, it returns that
// attempt's error instead. A dial or handshake failure on a server the
// monitor still believes up, a dropped connection, a timeout after the
// command was written: all of these may follow a sent command, or cannot
// be told apart from one, and are not NotSent.
func notSent(err error) bool {
	_, ok := errors.AsType[topology.ServerSelectionError](err)
	return ok
}

// unreachable reports whether err means the server could not be reached or
// went away: no server selected in time, a failed dial, a dropped
// connection, a timeout. A context cancelled by the caller is not the
// server's fault.
func unreachable(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}
	if _, ok := errors.AsType[topology.ServerSelectionError](err); ok {
		return true
	}
	if _, ok := errors.AsType[topology.ConnectionError](err); ok {
		return true
	}
	if _, ok := errors.AsType[net.Error](err); ok {
		return true
	}
	return mgo.IsNetworkError(err) ||
		mgo.IsTimeout(err) ||
		errors.Is(err, mgo.ErrClientDisconnected) ||
		errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE)
}

// hide returns err for a command that carried a password (secret is not
// empty): MongoDB takes passwords in the clear and a server message could
// echo part of the command, so only the error's structure is kept — its
// server code and code name — and the server's message is dropped,
// whatever it says. Transport errors (no server reply) keep their text:
// they are built from addresses and system calls. Nothing here looks at
// the password's value.
func hide(err error, secret string) error {
	if err == nil || secret == "" {
		return err
	}
	e, ok := errors.AsType[*engine.Error](err)
	if !ok {
		return err
	}
	ce, ok := errors.AsType[mgo.CommandError](err)
	if !ok {
		if _, ok := errors.AsType[mgo.WriteException](err); !ok {
			return err
		}
	}
	out := *e
	out.Err = quietError{err: e.Err, name: ce.Name}
	return &out
}

// quietError is a server error whose message is not shown: its text is
// the code name, and errors.As still reaches the driver's error.
type quietError struct {
	err  error
	name string
}

func (q quietError) Error() string {
	if q.name == "" {
		return "server error (message withheld: the command carried a password)"
	}
	return q.name + " (message withheld: the command carried a password)"
}

func (q quietError) Unwrap() error { return q.err }
