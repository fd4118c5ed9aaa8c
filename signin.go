package dbplane

import (
	"context"
	"time"
	"unicode"
	"unicode/utf8"
)

// Session is one signed-in browser of an account (the dashboard). Its
// token is shown once, in a cookie, and stored only as a SHA-256 hash.
type Session struct {
	ID        string // UUID; names the session in lists and revocations
	AccountID string
	CreatedAt time.Time
	// LastSeenAt is kept to the minute. A session is refused once it has
	// been idle for the idle timeout or lived for the absolute one.
	LastSeenAt time.Time
	ExpiresAt  time.Time // absolute expiry
	IP         string
	UserAgent  string
}

// SessionMeta says where a sign-in comes from, for the sessions list.
type SessionMeta struct {
	IP        string
	UserAgent string
}

// Password lengths accepted for accounts. The upper bound keeps hashing
// cheap for a request anyone can send.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 256
)

// ValidatePassword reports whether pw may become an account's password.
// The error names the field "password".
func ValidatePassword(pw Secret) error {
	s := string(pw)
	if !utf8.ValidString(s) {
		return FieldErrorf("password", "The password must be valid UTF-8.")
	}
	n := utf8.RuneCountInString(s)
	if n < MinPasswordLen || len(s) > MaxPasswordLen {
		return FieldErrorf("password", "The password must be %d to %d characters.", MinPasswordLen, MaxPasswordLen)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return FieldErrorf("password", "The password must not contain control characters.")
		}
	}
	return nil
}

// Sign-in errors. ErrBadCredentials is the same for an unknown email and a
// wrong password, so a form never says which emails exist.
var (
	ErrBadCredentials = &Error{Code: CodeUnauthenticated, Message: "Wrong email or password"}
	ErrNoSession      = &Error{Code: CodeUnauthenticated, Message: "Please sign in"}
	ErrBadLink        = &Error{Code: CodeInvalid, Message: "This link is invalid, used or expired; ask for a new one"}
	ErrWrongPassword  = &Error{Code: CodeInvalid, Field: "current", Message: "The current password is wrong"}
)

// SignInService signs accounts in to the dashboard and manages their
// passwords and sessions.
type SignInService interface {
	// SignIn checks email and password and opens a session. It returns
	// ErrBadCredentials (also for an account without a password, taking as
	// long as a real check) or ErrAccountSuspended.
	SignIn(ctx context.Context, email string, password Secret, meta SessionMeta) (*Session, Secret, error)
	// SessionByToken returns the live session of a cookie token and its
	// account, refreshing its last use. It returns ErrNoSession when the
	// token is unknown, idle too long or expired, and ErrAccountSuspended.
	SessionByToken(ctx context.Context, token Secret) (*Session, *Account, error)
	// SignOut ends the session of token; an unknown token is not an error.
	SignOut(ctx context.Context, token Secret) error
	// ListSessions returns the account's live sessions, newest first.
	ListSessions(ctx context.Context, accountID string) ([]*Session, error)
	// RevokeSession ends one of the account's sessions (CodeNotFound).
	RevokeSession(ctx context.Context, accountID, sessionID string) error
	// ChangePassword checks current (ErrWrongPassword) and sets next; every
	// session of the account ends but keep, the session making the change
	// ("" ends them all).
	ChangePassword(ctx context.Context, accountID string, current, next Secret, keep string) error
	// SetPassword sets an account's password as an operator does; every
	// session of the account ends.
	SetPassword(ctx context.Context, accountID string, password Secret) error
	// CreatePasswordLink returns a one-time token that sets the account's
	// password, valid until the returned time.
	CreatePasswordLink(ctx context.Context, accountID string) (Secret, time.Time, error)
	// UsePasswordLink sets the password of the link's account and spends
	// the link. It returns ErrBadLink.
	UsePasswordLink(ctx context.Context, token, password Secret) (*Account, error)
}
