package dbplane

import (
	"errors"
	"fmt"
)

// Code classifies an Error. Each API surface maps codes to its own statuses.
type Code string

// The codes the product reports. Surfaces translate them in one table each.
const (
	CodeInvalid         Code = "invalid"
	CodeNotFound        Code = "not_found"
	CodeConflict        Code = "conflict"
	CodeUnauthenticated Code = "unauthenticated"
	CodeForbidden       Code = "forbidden"
	CodeQuotaExceeded   Code = "quota_exceeded"
	CodeEngineDisabled  Code = "engine_disabled"
	CodeUnavailable     Code = "unavailable" // a remote engine is down or rejects our credentials
	CodeRateLimited     Code = "rate_limited"
	CodeInternal        Code = "internal"
)

// Error is an error the product means to report. Message is safe to show to
// users; Err is the cause, for logs only.
type Error struct {
	Code    Code
	Message string
	// Field names the input field at fault, when there is one (for
	// surfaces that report errors per field).
	Field string
	Err   error
}

func (e *Error) Error() string {
	s := string(e.Code) + ": " + e.Message
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is the same sentinel: sentinels compare by
// identity, and a wrapped copy made by Wrap keeps its sentinel's identity.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t == e
}

// Errorf returns an *Error with a formatted user-facing message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldErrorf returns an CodeInvalid *Error that names the field at fault.
func FieldErrorf(field, format string, args ...any) *Error {
	return &Error{Code: CodeInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an error that reads as sentinel to errors.Is and ErrorCode,
// with cause attached for the logs.
func Wrap(sentinel *Error, cause error) error {
	return &wrapped{sentinel: sentinel, cause: cause}
}

type wrapped struct {
	sentinel *Error
	cause    error
}

func (w *wrapped) Error() string   { return w.sentinel.Error() + ": " + w.cause.Error() }
func (w *wrapped) Unwrap() []error { return []error{w.sentinel, w.cause} }

// ErrorCode returns the code of the first *Error in err's chain, or
// CodeInternal when there is none. A nil error has no code.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the user-facing message of err, or "Internal error".
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error"
}

// ErrorField returns the input field named by err, if any.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// Sentinels for the distinctions a surface reports beyond the code. Match
// them with errors.Is.
var (
	ErrNoKey       = &Error{Code: CodeUnauthenticated, Message: "Missing API key"}
	ErrBadKey      = &Error{Code: CodeUnauthenticated, Message: "Invalid API key"}
	ErrKeyDisabled = &Error{Code: CodeUnauthenticated, Message: "API key is disabled"}
	ErrKeyExpired  = &Error{Code: CodeUnauthenticated, Message: "API key has expired"}
	// ErrKeyDisabledByOperator refuses a tenant's enable or delete of a
	// key an operator disabled.
	ErrKeyDisabledByOperator = &Error{Code: CodeForbidden, Message: "An operator disabled this API key; only an operator can enable or delete it"}
	ErrAccountSuspended      = &Error{Code: CodeForbidden, Message: "Account is suspended"}
	ErrWrongKeyKind          = &Error{Code: CodeForbidden, Message: "This API key is not allowed to use this API"}
	ErrOutOfSlots            = &Error{Code: CodeQuotaExceeded, Message: "No free database slots"}
	ErrOutOfStorage          = &Error{Code: CodeQuotaExceeded, Message: "Storage quota reached"}
	ErrHostFull              = &Error{Code: CodeQuotaExceeded, Message: "No database host has room for another database"}
	ErrServerLimit           = &Error{Code: CodeQuotaExceeded, Message: "The server has reached its database limit"}
	ErrEngineDisabled        = &Error{Code: CodeEngineDisabled, Message: "The requested engine is not available on this deployment"}
	ErrHostUnavailable       = &Error{Code: CodeUnavailable, Message: "The database host cannot be reached"}
	ErrDatabaseNotFound      = &Error{Code: CodeNotFound, Message: "Database not found"}
	ErrDuplicateLabel        = &Error{Code: CodeConflict, Message: "You already have a database with that name"}
	ErrLastAdmin             = &Error{Code: CodeConflict, Field: "role", Message: "This is the last admin account; make another account admin first"}
	// ErrDatabaseOrphaned answers a reveal or rotate of a database whose
	// host was retired: the engine is gone, only a delete still works.
	ErrDatabaseOrphaned = &Error{Code: CodeUnavailable, Message: "The database's host was retired by the operator; the database is no longer reachable and can only be deleted"}
	// ErrHostRetired refuses to enable a retired host again.
	ErrHostRetired = &Error{Code: CodeConflict, Field: "enabled", Message: "The host was retired; a retired host takes no databases again"}
	// ErrInitAdmin refuses to delete the init admin account (the oldest
	// admin account, the one 'dbplane init' made).
	ErrInitAdmin = &Error{Code: CodeConflict, Message: "This is the init admin account; it cannot be deleted"}
	// ErrLastAdminDelete refuses to delete the last admin account.
	ErrLastAdminDelete = &Error{Code: CodeConflict, Message: "This is the last admin account; it cannot be deleted"}
	ErrSubuserExists   = &Error{Code: CodeConflict, Message: "That account is already a subuser of this server; use PUT to change its permissions"}
	// ErrSuspendedAccountKey refuses to mint a key for a suspended account.
	ErrSuspendedAccountKey = &Error{Code: CodeConflict, Message: "The account is suspended; unsuspend it before minting keys for it"}
)
