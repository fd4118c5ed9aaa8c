package mock

import (
	"context"

	"github.com/dbplane/dbplane"
)

var _ dbplane.AccountService = (*AccountService)(nil)

// AccountService is a dbplane.AccountService whose methods call its fields.
type AccountService struct {
	CreateAccountFn func(ctx context.Context, in dbplane.AccountInput) (*dbplane.Account, error)
	AccountFn       func(ctx context.Context, id string) (*dbplane.Account, error)
	EachAccountFn   func(ctx context.Context, fn func(*dbplane.Account) error) error
	FindAccountsFn  func(ctx context.Context, f dbplane.AccountFilter) ([]*dbplane.Account, int, error)
	UpdateAccountFn func(ctx context.Context, id string, u dbplane.AccountUpdate) (*dbplane.Account, error)

	PreviewSuspensionFn func(ctx context.Context, id string, suspend bool) (*dbplane.SuspensionPreview, error)
	DeleteAccountFn     func(ctx context.Context, id string, cascade bool) (*dbplane.AccountDeletion, error)
}

// CreateAccount calls CreateAccountFn.
func (s *AccountService) CreateAccount(ctx context.Context, in dbplane.AccountInput) (*dbplane.Account, error) {
	if s.CreateAccountFn == nil {
		return nil, notSet("AccountService.CreateAccount")
	}
	return s.CreateAccountFn(ctx, in)
}

// Account calls AccountFn.
func (s *AccountService) Account(ctx context.Context, id string) (*dbplane.Account, error) {
	if s.AccountFn == nil {
		return nil, notSet("AccountService.Account")
	}
	return s.AccountFn(ctx, id)
}

// FindAccounts calls FindAccountsFn.
func (s *AccountService) FindAccounts(ctx context.Context, f dbplane.AccountFilter) ([]*dbplane.Account, int, error) {
	if s.FindAccountsFn == nil {
		return nil, 0, notSet("AccountService.FindAccounts")
	}
	return s.FindAccountsFn(ctx, f)
}

// EachAccount calls EachAccountFn.
func (s *AccountService) EachAccount(ctx context.Context, fn func(*dbplane.Account) error) error {
	if s.EachAccountFn == nil {
		return notSet("AccountService.EachAccount")
	}
	return s.EachAccountFn(ctx, fn)
}

// UpdateAccount calls UpdateAccountFn.
func (s *AccountService) UpdateAccount(ctx context.Context, id string, u dbplane.AccountUpdate) (*dbplane.Account, error) {
	if s.UpdateAccountFn == nil {
		return nil, notSet("AccountService.UpdateAccount")
	}
	return s.UpdateAccountFn(ctx, id, u)
}

// PreviewSuspension calls PreviewSuspensionFn.
func (s *AccountService) PreviewSuspension(ctx context.Context, id string, suspend bool) (*dbplane.SuspensionPreview, error) {
	if s.PreviewSuspensionFn == nil {
		return nil, notSet("AccountService.PreviewSuspension")
	}
	return s.PreviewSuspensionFn(ctx, id, suspend)
}

// DeleteAccount calls DeleteAccountFn.
func (s *AccountService) DeleteAccount(ctx context.Context, id string, cascade bool) (*dbplane.AccountDeletion, error) {
	if s.DeleteAccountFn == nil {
		return nil, notSet("AccountService.DeleteAccount")
	}
	return s.DeleteAccountFn(ctx, id, cascade)
}
