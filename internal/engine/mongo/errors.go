package mongo

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"syscall"

	mgo "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"

	"github.com/dbplane/dbplane/internal/engine"
)

// Operation names, as they appear in errors and in the middleware's logs.
const (
	opOpen            = "open"
	opPing            = "ping"
	opVersion         = "version"
	opCheckPrivileges = "check privileges"
	opEnsure          = "ensure database"
	opDrop            = "drop database"
	opSetPassword     = "set password"
	opSetAccess       = "set access"
	opSizes           = "database sizes"
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
	e := &engine.Error{Op: op, Engine: name, Err: err}
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

// hide keeps secret out of err's text. Commands carry passwords in the
// clear (MongoDB hashes them server-side), and an error could echo part
// of one; the Registry middleware scrubs too, this is the driver's own
// guarantee.
func hide(err error, secret string) error {
	if err == nil || secret == "" || !strings.Contains(err.Error(), secret) {
		return err
	}
	return redactedError{err: err, secret: secret}
}

// redactedError hides a secret from an error's text and keeps the cause
// for errors.As.
type redactedError struct {
	err    error
	secret string
}

func (r redactedError) Error() string {
	return strings.ReplaceAll(r.err.Error(), r.secret, "[redacted]")
}

func (r redactedError) Unwrap() error { return r.err }
