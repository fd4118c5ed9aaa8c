package control

import (
	"context"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/store"
)

// CreateAccount validates and inserts an account.
func (s *Service) CreateAccount(ctx context.Context, in dbplane.AccountInput) (*dbplane.Account, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	id, err := newUUID(s.opt.Rand)
	if err != nil {
		return nil, err
	}
	a := &dbplane.Account{ID: id, Email: in.Email, Name: in.Name, Role: in.Role, Slots: in.Slots, StorageBytes: in.StorageBytes, ExternalID: in.ExternalID}
	if err := s.store.CreateAccount(ctx, a); err != nil {
		return nil, err
	}
	return s.store.Account(ctx, id)
}

// Account returns one account.
func (s *Service) Account(ctx context.Context, id string) (*dbplane.Account, error) {
	return s.store.Account(ctx, id)
}

// FindAccounts returns the page of the accounts f selects and how many it
// selects.
func (s *Service) FindAccounts(ctx context.Context, f dbplane.AccountFilter) ([]*dbplane.Account, int, error) {
	return s.store.FindAccounts(ctx, f)
}

// EachAccount calls fn with every account, oldest first, as the store
// reads them (one query).
func (s *Service) EachAccount(ctx context.Context, fn func(*dbplane.Account) error) error {
	return s.store.EachAccount(ctx, fn)
}

// UpdateAccount changes quotas, name or suspension. Suspending disables the
// account's keys at once; unsuspending re-enables only the keys the
// suspension disabled.
func (s *Service) UpdateAccount(ctx context.Context, id string, u dbplane.AccountUpdate) (*dbplane.Account, error) {
	if err := u.Validate(); err != nil {
		return nil, err
	}
	a, err := s.store.UpdateAccount(ctx, id, u)
	s.forgetKeys() // a principal carries its account
	if err != nil || u.Suspended == nil {
		return a, err
	}
	// The store flagged the databases in the same transaction; now the
	// engines follow. Failures are retried by the background reconciler.
	drifted, err := s.store.Drifted(ctx, store.DriftFilter{AccountID: id})
	if err != nil {
		return nil, err
	}
	if _, err := s.converge(ctx, drifted); err != nil {
		s.log.Warn("suspension not yet applied on every engine; will retry", "account_id", id, "err", err)
	}
	return s.store.Account(ctx, id)
}
