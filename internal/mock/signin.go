package mock

import (
	"context"
	"time"

	"github.com/dbplane/dbplane"
)

var _ dbplane.SignInService = (*SignInService)(nil)

// SignInService is a dbplane.SignInService whose methods call its fields.
type SignInService struct {
	SignInFn             func(ctx context.Context, email string, password dbplane.Secret, meta dbplane.SessionMeta) (*dbplane.Session, dbplane.Secret, error)
	SessionByTokenFn     func(ctx context.Context, token dbplane.Secret) (*dbplane.Session, *dbplane.Account, error)
	SignOutFn            func(ctx context.Context, token dbplane.Secret) error
	ListSessionsFn       func(ctx context.Context, accountID string) ([]*dbplane.Session, error)
	RevokeSessionFn      func(ctx context.Context, accountID, sessionID string) error
	ChangePasswordFn     func(ctx context.Context, accountID string, current, next dbplane.Secret, keep string) error
	SetPasswordFn        func(ctx context.Context, accountID string, password dbplane.Secret) error
	CreatePasswordLinkFn func(ctx context.Context, accountID string) (dbplane.Secret, time.Time, error)
	UsePasswordLinkFn    func(ctx context.Context, token, password dbplane.Secret) (*dbplane.Account, error)
}

// SignIn calls SignInFn.
func (s *SignInService) SignIn(ctx context.Context, email string, password dbplane.Secret, meta dbplane.SessionMeta) (*dbplane.Session, dbplane.Secret, error) {
	if s.SignInFn == nil {
		return nil, "", notSet("SignInService.SignIn")
	}
	return s.SignInFn(ctx, email, password, meta)
}

// SessionByToken calls SessionByTokenFn.
func (s *SignInService) SessionByToken(ctx context.Context, token dbplane.Secret) (*dbplane.Session, *dbplane.Account, error) {
	if s.SessionByTokenFn == nil {
		return nil, nil, notSet("SignInService.SessionByToken")
	}
	return s.SessionByTokenFn(ctx, token)
}

// SignOut calls SignOutFn.
func (s *SignInService) SignOut(ctx context.Context, token dbplane.Secret) error {
	if s.SignOutFn == nil {
		return notSet("SignInService.SignOut")
	}
	return s.SignOutFn(ctx, token)
}

// ListSessions calls ListSessionsFn.
func (s *SignInService) ListSessions(ctx context.Context, accountID string) ([]*dbplane.Session, error) {
	if s.ListSessionsFn == nil {
		return nil, notSet("SignInService.ListSessions")
	}
	return s.ListSessionsFn(ctx, accountID)
}

// RevokeSession calls RevokeSessionFn.
func (s *SignInService) RevokeSession(ctx context.Context, accountID, sessionID string) error {
	if s.RevokeSessionFn == nil {
		return notSet("SignInService.RevokeSession")
	}
	return s.RevokeSessionFn(ctx, accountID, sessionID)
}

// ChangePassword calls ChangePasswordFn.
func (s *SignInService) ChangePassword(ctx context.Context, accountID string, current, next dbplane.Secret, keep string) error {
	if s.ChangePasswordFn == nil {
		return notSet("SignInService.ChangePassword")
	}
	return s.ChangePasswordFn(ctx, accountID, current, next, keep)
}

// SetPassword calls SetPasswordFn.
func (s *SignInService) SetPassword(ctx context.Context, accountID string, password dbplane.Secret) error {
	if s.SetPasswordFn == nil {
		return notSet("SignInService.SetPassword")
	}
	return s.SetPasswordFn(ctx, accountID, password)
}

// CreatePasswordLink calls CreatePasswordLinkFn.
func (s *SignInService) CreatePasswordLink(ctx context.Context, accountID string) (dbplane.Secret, time.Time, error) {
	if s.CreatePasswordLinkFn == nil {
		return "", time.Time{}, notSet("SignInService.CreatePasswordLink")
	}
	return s.CreatePasswordLinkFn(ctx, accountID)
}

// UsePasswordLink calls UsePasswordLinkFn.
func (s *SignInService) UsePasswordLink(ctx context.Context, token, password dbplane.Secret) (*dbplane.Account, error) {
	if s.UsePasswordLinkFn == nil {
		return nil, notSet("SignInService.UsePasswordLink")
	}
	return s.UsePasswordLinkFn(ctx, token, password)
}
