package control

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dbplane/dbplane"
)

// Session lifetimes. A session ends after IdleTimeout without a request or
// AbsoluteTimeout after sign-in, whichever comes first.
const (
	DefaultSessionIdle     = 12 * time.Hour
	DefaultSessionAbsolute = 7 * 24 * time.Hour
	// PasswordLinkTTL is how long a set-password link works.
	PasswordLinkTTL = 72 * time.Hour
	// sessionTouchEvery bounds writes of last use: at most one a minute.
	sessionTouchEvery = time.Minute
	sessionTokenBytes = 32
	maxUserAgentLen   = 200
)

var _ dbplane.SignInService = (*Service)(nil)

// dummyPasswordHash is checked against when the email is unknown or has
// no password, so that such a sign-in costs what a real one does.
func (s *Service) dummyPasswordHash() string {
	s.dummyOnce.Do(func() {
		h, err := hashPassword(s.opt.Rand, s.opt.PasswordParams, "dbplane-dummy-password")
		if err != nil {
			panic(err) // the random source failed
		}
		s.dummyHash = h
	})
	return s.dummyHash
}

// SignIn checks the password and opens a session.
func (s *Service) SignIn(ctx context.Context, email string, password dbplane.Secret, meta dbplane.SessionMeta) (*dbplane.Session, dbplane.Secret, error) {
	email = strings.TrimSpace(email)
	if len(email) > 254 || len(password) > dbplane.MaxPasswordLen {
		return nil, "", dbplane.ErrBadCredentials
	}
	id, hash, err := s.store.AccountPassword(ctx, email)
	if err != nil && dbplane.ErrorCode(err) != dbplane.CodeNotFound {
		return nil, "", err
	}
	known := err == nil && hash != ""
	if !known {
		hash = s.dummyPasswordHash()
	}
	ok, err := s.checkPW(ctx, hash, string(password))
	if err != nil && (errors.Is(err, ErrBusy) || ctx.Err() != nil) {
		return nil, "", err
	}
	if err != nil {
		s.log.Error("stored password hash is malformed", "account_id", id)
		return nil, "", dbplane.ErrBadCredentials
	}
	if !ok || !known {
		return nil, "", dbplane.ErrBadCredentials
	}
	a, err := s.store.Account(ctx, id)
	if err != nil {
		return nil, "", err
	}
	if a.Suspended {
		return nil, "", dbplane.ErrAccountSuspended
	}
	return s.openSession(ctx, a.ID, meta)
}

func (s *Service) openSession(ctx context.Context, accountID string, meta dbplane.SessionMeta) (*dbplane.Session, dbplane.Secret, error) {
	token, sum, err := newToken(s.opt.Rand)
	if err != nil {
		return nil, "", err
	}
	id, err := newUUID(s.opt.Rand)
	if err != nil {
		return nil, "", err
	}
	now := s.opt.Now().UTC().Truncate(time.Millisecond)
	sess := &dbplane.Session{
		ID: id, AccountID: accountID, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(s.opt.SessionAbsolute),
		IP:        meta.IP, UserAgent: cleanUserAgent(meta.UserAgent),
	}
	if err := s.store.CreateSession(ctx, sess, sum[:]); err != nil {
		return nil, "", err
	}
	return sess, token, nil
}

// newToken returns 32 random bytes as unpadded base64url and their hash.
func newToken(r io.Reader) (dbplane.Secret, [32]byte, error) {
	b := make([]byte, sessionTokenBytes)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", [32]byte{}, fmt.Errorf("read random: %w", err)
	}
	t := base64.RawURLEncoding.EncodeToString(b)
	return dbplane.Secret(t), sha256.Sum256([]byte(t)), nil
}

// cleanUserAgent keeps a printable prefix of a user agent for the sessions
// list.
func cleanUserAgent(ua string) string {
	if !utf8.ValidString(ua) {
		ua = strings.ToValidUTF8(ua, "?")
	}
	ua = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, ua)
	if len(ua) > maxUserAgentLen {
		ua = ua[:maxUserAgentLen]
		for !utf8.ValidString(ua) {
			ua = ua[:len(ua)-1]
		}
	}
	return ua
}

// SessionByToken returns a live session and its account.
func (s *Service) SessionByToken(ctx context.Context, token dbplane.Secret) (*dbplane.Session, *dbplane.Account, error) {
	if len(token) == 0 || len(token) > 128 {
		return nil, nil, dbplane.ErrNoSession
	}
	sum := sha256.Sum256([]byte(token))
	sess, a, err := s.store.SessionByHash(ctx, sum[:])
	if dbplane.ErrorCode(err) == dbplane.CodeNotFound {
		return nil, nil, dbplane.ErrNoSession
	}
	if err != nil {
		return nil, nil, err
	}
	now := s.opt.Now()
	if !now.Before(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) >= s.opt.SessionIdle {
		if err := s.store.DeleteSessionByHash(ctx, sum[:]); err != nil {
			s.log.Warn("delete expired session", "err", err)
		}
		return nil, nil, dbplane.ErrNoSession
	}
	if a.Suspended {
		return nil, nil, dbplane.ErrAccountSuspended
	}
	if now.Sub(sess.LastSeenAt) >= sessionTouchEvery {
		if err := s.store.TouchSession(ctx, sess.ID, now); err != nil {
			s.log.Warn("record session use", "session_id", sess.ID, "err", err)
		}
		sess.LastSeenAt = now
	}
	return sess, a, nil
}

// SignOut ends the session of token.
func (s *Service) SignOut(ctx context.Context, token dbplane.Secret) error {
	if len(token) == 0 || len(token) > 128 {
		return nil
	}
	sum := sha256.Sum256([]byte(token))
	return s.store.DeleteSessionByHash(ctx, sum[:])
}

// ListSessions returns the account's live sessions, newest first.
func (s *Service) ListSessions(ctx context.Context, accountID string) ([]*dbplane.Session, error) {
	now := s.opt.Now()
	return s.store.ListSessions(ctx, accountID, now, now.Add(-s.opt.SessionIdle))
}

// RevokeSession ends one of the account's sessions.
func (s *Service) RevokeSession(ctx context.Context, accountID, sessionID string) error {
	return s.store.DeleteSession(ctx, accountID, sessionID)
}

// ChangePassword checks the current password and sets the next one.
func (s *Service) ChangePassword(ctx context.Context, accountID string, current, next dbplane.Secret, keep string) error {
	if err := dbplane.ValidatePassword(next); err != nil {
		return err
	}
	hash, err := s.store.AccountPasswordByID(ctx, accountID)
	if err != nil {
		return err
	}
	if hash == "" {
		hash = s.dummyPasswordHash()
	}
	if len(current) > dbplane.MaxPasswordLen {
		return dbplane.ErrWrongPassword
	}
	ok, err := s.checkPW(ctx, hash, string(current))
	if errors.Is(err, ErrBusy) {
		return err
	}
	if err != nil || !ok {
		return dbplane.ErrWrongPassword
	}
	return s.storePassword(ctx, accountID, next, keep)
}

// SetPassword sets a password as an operator does.
func (s *Service) SetPassword(ctx context.Context, accountID string, password dbplane.Secret) error {
	if err := dbplane.ValidatePassword(password); err != nil {
		return err
	}
	return s.storePassword(ctx, accountID, password, "")
}

func (s *Service) storePassword(ctx context.Context, accountID string, pw dbplane.Secret, keep string) error {
	h, err := s.hashPW(ctx, string(pw))
	if err != nil {
		return err
	}
	return s.store.SetAccountPassword(ctx, accountID, h, keep)
}

// CreatePasswordLink returns a one-time set-password token.
func (s *Service) CreatePasswordLink(ctx context.Context, accountID string) (dbplane.Secret, time.Time, error) {
	token, sum, err := newToken(s.opt.Rand)
	if err != nil {
		return "", time.Time{}, err
	}
	until := s.opt.Now().UTC().Add(PasswordLinkTTL).Truncate(time.Millisecond)
	if err := s.store.CreatePasswordLink(ctx, accountID, sum[:], until); err != nil {
		return "", time.Time{}, err
	}
	return token, until, nil
}

// UsePasswordLink sets the password of the link's account.
func (s *Service) UsePasswordLink(ctx context.Context, token, password dbplane.Secret) (*dbplane.Account, error) {
	if len(token) == 0 || len(token) > 128 {
		return nil, dbplane.ErrBadLink
	}
	if err := dbplane.ValidatePassword(password); err != nil {
		return nil, err
	}
	// A made-up link costs a lookup, not a hash.
	sum := sha256.Sum256([]byte(token))
	if ok, err := s.store.PasswordLinkValid(ctx, sum[:]); err != nil {
		return nil, err
	} else if !ok {
		return nil, dbplane.ErrBadLink
	}
	h, err := s.hashPW(ctx, string(password))
	if err != nil {
		return nil, err
	}
	id, err := s.store.UsePasswordLink(ctx, sum[:], h)
	if dbplane.ErrorCode(err) == dbplane.CodeNotFound {
		return nil, dbplane.ErrBadLink
	}
	if err != nil {
		return nil, err
	}
	return s.store.Account(ctx, id)
}

// SweepSessions deletes expired sessions and links.
func (s *Service) SweepSessions(ctx context.Context) error {
	now := s.opt.Now()
	_, err := s.store.DeleteStaleSessions(ctx, now, now.Add(-s.opt.SessionIdle))
	return err
}
