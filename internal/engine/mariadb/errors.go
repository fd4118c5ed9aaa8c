package mariadb

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"regexp"
	"strconv"
	"syscall"

	"github.com/go-sql-driver/mysql"

	"github.com/dbplane/dbplane/internal/engine"
)

// Operation names: engine's, under short local names.
const (
	opPing            = engine.OpPing
	opVersion         = engine.OpVersion
	opCheckPrivileges = engine.OpCheckPrivileges
	opEnsure          = engine.OpEnsure
	opDrop            = engine.OpDrop
	opSetPassword     = engine.OpSetPassword
	opSetAccess       = engine.OpSetAccess
	opSizes           = engine.OpSizes
)

// serverKinds maps MariaDB server error numbers to kinds. 1396 ("Operation
// CREATE USER / ALTER USER / DROP USER failed") depends on the operation and
// is handled in kindOf.
var serverKinds = map[uint16]error{
	1007: engine.ErrExists, // ER_DB_CREATE_EXISTS

	1008: engine.ErrNotExist, // ER_DB_DROP_EXISTS
	1049: engine.ErrNotExist, // ER_BAD_DB_ERROR
	1094: engine.ErrNotExist, // ER_NO_SUCH_THREAD (KILL of a session that ended)
	1133: engine.ErrNotExist, // ER_PASSWORD_NO_MATCH: GRANT to a missing account
	1141: engine.ErrNotExist, // ER_NONEXISTING_GRANT
	1147: engine.ErrNotExist, // ER_NONEXISTING_TABLE_GRANT

	1044: engine.ErrAccessDenied, // ER_DBACCESS_DENIED_ERROR
	1045: engine.ErrAccessDenied, // ER_ACCESS_DENIED_ERROR: bad admin credentials
	1130: engine.ErrAccessDenied, // ER_HOST_NOT_PRIVILEGED: admin may not connect from here
	1142: engine.ErrAccessDenied, // ER_TABLEACCESS_DENIED_ERROR
	1143: engine.ErrAccessDenied, // ER_COLUMNACCESS_DENIED_ERROR
	1095: engine.ErrAccessDenied, // ER_KILL_DENIED_ERROR
	1227: engine.ErrAccessDenied, // ER_SPECIFIC_ACCESS_DENIED_ERROR
	1370: engine.ErrAccessDenied, // ER_PROCACCESS_DENIED_ERROR
	1410: engine.ErrAccessDenied, // ER_CANT_CREATE_USER_WITH_GRANT
	1698: engine.ErrAccessDenied, // ER_ACCESS_DENIED_NO_PASSWORD_ERROR
	4151: engine.ErrAccessDenied, // ER_ACCOUNT_HAS_BEEN_LOCKED: the admin account is locked

	1040: engine.ErrUnreachable, // ER_CON_COUNT_ERROR: too many connections
	1053: engine.ErrUnreachable, // ER_SERVER_SHUTDOWN
	1129: engine.ErrUnreachable, // ER_HOST_IS_BLOCKED
	1927: engine.ErrUnreachable, // ER_CONNECTION_KILLED

	1235: engine.ErrUnsupported, // ER_NOT_SUPPORTED_YET
}

// kindOf classifies a server error number for op.
func kindOf(op string, number uint16) error {
	if number == 1396 { // ER_CANNOT_USER
		// Only EnsureDatabase creates accounts; everywhere else the
		// account was expected to exist.
		if op == opEnsure {
			return engine.ErrExists
		}
		return engine.ErrNotExist
	}
	return serverKinds[number]
}

// passwordHashes matches mysql_native_password verifiers, which are
// password-equivalent enough to keep out of logs.
var passwordHashes = regexp.MustCompile(`\*[0-9A-Fa-f]{40}`)

// translate wraps err into an *engine.Error with its kind. Server errors
// keep their type (errors.As with *mysql.MySQLError works) but lose any
// password hash a message might quote; the plaintext password is never sent
// to the server, so no server message can hold it.
func translate(op string, err error) error {
	if err == nil {
		return nil
	}
	var ee *engine.Error
	if errors.As(err, &ee) {
		return err
	}
	e := &engine.Error{Op: op, Engine: driverName, Err: err}
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		e.Code = strconv.Itoa(int(me.Number))
		e.Kind = kindOf(op, me.Number)
		if passwordHashes.MatchString(me.Message) {
			scrubbed := *me
			scrubbed.Message = passwordHashes.ReplaceAllString(me.Message, "[redacted]")
			e.Err = &scrubbed
		}
		return e
	}
	if unreachable(err) {
		e.Kind = engine.ErrUnreachable
	}
	if errors.Is(err, mysql.ErrNoTLS) {
		e.Err = engine.NoTLS(err)
	}
	return e
}

// unreachable reports whether err means the server could not be reached or
// stopped answering: a failed dial, a dropped connection, a TLS handshake
// that failed, or a deadline that ran out. A cancelled context is the
// caller's choice and is not classified.
func unreachable(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}
	for _, target := range []error{
		context.DeadlineExceeded,
		driver.ErrBadConn,
		mysql.ErrInvalidConn,
		mysql.ErrNoTLS,
		io.EOF,
		io.ErrUnexpectedEOF,
		syscall.ECONNREFUSED,
		syscall.ECONNRESET,
		syscall.EHOSTUNREACH,
		syscall.ENETUNREACH,
		syscall.ETIMEDOUT,
	} {
		if errors.Is(err, target) {
			return true
		}
	}
	var (
		netErr    net.Error
		verifyErr *tls.CertificateVerificationError
		authErr   x509.UnknownAuthorityError
		hostErr   x509.HostnameError
		certErr   x509.CertificateInvalidError
		recordErr tls.RecordHeaderError
		alertErr  tls.AlertError
	)
	return errors.As(err, &netErr) || errors.As(err, &verifyErr) ||
		errors.As(err, &authErr) || errors.As(err, &hostErr) || errors.As(err, &certErr) ||
		errors.As(err, &recordErr) || errors.As(err, &alertErr)
}
