package mock

import (
	"context"
	"net/netip"

	"github.com/dbplane/dbplane"
)

var _ dbplane.KeyService = (*KeyService)(nil)

// KeyService is a dbplane.KeyService whose methods call its fields.
type KeyService struct {
	AuthenticateFn   func(ctx context.Context, raw, from string) (*dbplane.APIKey, *dbplane.Account, error)
	CreateKeyFn      func(ctx context.Context, in dbplane.KeyInput) (*dbplane.APIKey, dbplane.Secret, error)
	ListKeysFn       func(ctx context.Context, accountID string) ([]*dbplane.APIKey, error)
	SetKeyDisabledFn func(ctx context.Context, accountID, keyID string, disabled bool) (*dbplane.APIKey, error)
	// SetOwnKeyDisabledFn is called by SetOwnKeyDisabled.
	SetOwnKeyDisabledFn func(ctx context.Context, accountID, keyID string, disabled bool) (*dbplane.APIKey, error)
	// SetKeyAllowedIPsFn is called by SetKeyAllowedIPs.
	SetKeyAllowedIPsFn func(ctx context.Context, accountID, keyID string, ips []netip.Prefix) (*dbplane.APIKey, error)
	ListAdminKeysFn    func(ctx context.Context) ([]*dbplane.APIKey, error)
	DeleteKeyFn        func(ctx context.Context, keyID string) error
	// DeleteAccountKeyFn is called by DeleteAccountKey.
	DeleteAccountKeyFn func(ctx context.Context, accountID, keyID string) error
	// DeleteOwnKeyFn is called by DeleteOwnKey.
	DeleteOwnKeyFn func(ctx context.Context, accountID, keyID string) error
}

// Authenticate calls AuthenticateFn.
func (s *KeyService) Authenticate(ctx context.Context, raw, from string) (*dbplane.APIKey, *dbplane.Account, error) {
	if s.AuthenticateFn == nil {
		return nil, nil, notSet("KeyService.Authenticate")
	}
	return s.AuthenticateFn(ctx, raw, from)
}

// CreateKey calls CreateKeyFn.
func (s *KeyService) CreateKey(ctx context.Context, in dbplane.KeyInput) (*dbplane.APIKey, dbplane.Secret, error) {
	if s.CreateKeyFn == nil {
		return nil, "", notSet("KeyService.CreateKey")
	}
	return s.CreateKeyFn(ctx, in)
}

// ListKeys calls ListKeysFn.
func (s *KeyService) ListKeys(ctx context.Context, accountID string) ([]*dbplane.APIKey, error) {
	if s.ListKeysFn == nil {
		return nil, notSet("KeyService.ListKeys")
	}
	return s.ListKeysFn(ctx, accountID)
}

// SetOwnKeyDisabled calls SetOwnKeyDisabledFn.
func (s *KeyService) SetOwnKeyDisabled(ctx context.Context, accountID, keyID string, disabled bool) (*dbplane.APIKey, error) {
	if s.SetOwnKeyDisabledFn == nil {
		return nil, notSet("KeyService.SetOwnKeyDisabled")
	}
	return s.SetOwnKeyDisabledFn(ctx, accountID, keyID, disabled)
}

// SetKeyAllowedIPs calls SetKeyAllowedIPsFn.
func (s *KeyService) SetKeyAllowedIPs(ctx context.Context, accountID, keyID string, ips []netip.Prefix) (*dbplane.APIKey, error) {
	if s.SetKeyAllowedIPsFn == nil {
		return nil, notSet("KeyService.SetKeyAllowedIPs")
	}
	return s.SetKeyAllowedIPsFn(ctx, accountID, keyID, ips)
}

// SetKeyDisabled calls SetKeyDisabledFn.
func (s *KeyService) SetKeyDisabled(ctx context.Context, accountID, keyID string, disabled bool) (*dbplane.APIKey, error) {
	if s.SetKeyDisabledFn == nil {
		return nil, notSet("KeyService.SetKeyDisabled")
	}
	return s.SetKeyDisabledFn(ctx, accountID, keyID, disabled)
}

// ListAdminKeys calls ListAdminKeysFn.
func (s *KeyService) ListAdminKeys(ctx context.Context) ([]*dbplane.APIKey, error) {
	if s.ListAdminKeysFn == nil {
		return nil, notSet("KeyService.ListAdminKeys")
	}
	return s.ListAdminKeysFn(ctx)
}

// DeleteKey calls DeleteKeyFn.
func (s *KeyService) DeleteKey(ctx context.Context, keyID string) error {
	if s.DeleteKeyFn == nil {
		return notSet("KeyService.DeleteKey")
	}
	return s.DeleteKeyFn(ctx, keyID)
}

// DeleteAccountKey calls DeleteAccountKeyFn.
func (s *KeyService) DeleteAccountKey(ctx context.Context, accountID, keyID string) error {
	if s.DeleteAccountKeyFn == nil {
		return notSet("KeyService.DeleteAccountKey")
	}
	return s.DeleteAccountKeyFn(ctx, accountID, keyID)
}

// DeleteOwnKey calls DeleteOwnKeyFn.
func (s *KeyService) DeleteOwnKey(ctx context.Context, accountID, keyID string) error {
	if s.DeleteOwnKeyFn == nil {
		return notSet("KeyService.DeleteOwnKey")
	}
	return s.DeleteOwnKeyFn(ctx, accountID, keyID)
}
