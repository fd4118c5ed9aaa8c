package control

import (
	"context"
	"crypto/sha256"
	"net/netip"
	"strings"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/store"
)

// Limits of keys. Their prefixes (dbplane.KeyFormat.Layout) say what a
// key is when it turns up in a log or a leak scan.
const (
	keyShownPrefix = 12
	maxKeyLen      = 256
)

// keyCacheTTL bounds how long an authenticated key is reused without
// reading the store (keyCache; 0 with a shared store).
const keyCacheTTL = 5 * time.Second

// Authenticate finds the key for a raw bearer key used from the address
// from (dbplane.KeyService). The allowed ranges are checked here, after
// the key cache answered, so no path to a key skips them, and before the
// key's use is recorded, so a refused request records nothing.
func (s *Service) Authenticate(ctx context.Context, raw, from string) (*dbplane.APIKey, *dbplane.Account, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, nil, dbplane.ErrNoKey
	}
	if len(raw) > maxKeyLen {
		return nil, nil, dbplane.ErrBadKey
	}
	sum := sha256.Sum256([]byte(raw))
	now := s.opt.Now()
	k, a, err := s.lookupKey(ctx, sum, now)
	if err != nil {
		return nil, nil, err
	}
	if err := k.Usable(now); err != nil {
		return nil, nil, err
	}
	if !k.AllowsIP(from) {
		return k, a, dbplane.ErrKeyIPNotAllowed
	}
	// lastUsedAt is kept to the minute, so the hot path writes at most once
	// a minute per key.
	if k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) >= time.Minute {
		if err := s.store.TouchKey(ctx, k.ID, now); err != nil {
			s.log.Warn("record key use", "key_id", k.ID, "err", err)
		}
		s.keys.touched(sum, k.ID, now)
	}
	return k, a, nil
}

func (s *Service) lookupKey(ctx context.Context, sum [32]byte, now time.Time) (*dbplane.APIKey, *dbplane.Account, error) {
	k, a, gen, ok := s.keys.get(sum, now)
	if ok {
		return k, a, nil
	}
	k, a, err := s.store.KeyByHash(ctx, sum[:])
	if dbplane.ErrorCode(err) == dbplane.CodeNotFound {
		return nil, nil, dbplane.ErrBadKey
	}
	if err != nil {
		return nil, nil, err
	}
	s.keys.put(sum, gen, k, a, now)
	return k, a, nil
}

// forgetKeys clears the authentication cache after a change to keys or
// accounts.
func (s *Service) forgetKeys() { s.keys.forget() }

// CreateKey mints a key. The key itself is returned once and only its
// SHA-256 hash is stored.
func (s *Service) CreateKey(ctx context.Context, in dbplane.KeyInput) (*dbplane.APIKey, dbplane.Secret, error) {
	if in.Format == "" {
		in.Format = s.opt.KeyFormat // the deployment's default
	}
	if err := in.Validate(); err != nil {
		return nil, "", err
	}
	// Validate has no clock: an expiry already past would mint a key that
	// never works, which is always a mistake.
	if in.ExpiresAt != nil && !s.opt.Now().Before(*in.ExpiresAt) {
		return nil, "", dbplane.FieldErrorf("expiresAt", "The expiry must be in the future.")
	}
	// A key minted for a suspended account would be one the suspension
	// did not disable, and so one unsuspending would not account for.
	acct, err := s.store.Account(ctx, in.AccountID)
	if err != nil {
		return nil, "", err
	}
	if acct.Suspended {
		return nil, "", dbplane.ErrSuspendedAccountKey
	}
	id, err := newUUID(s.opt.Rand)
	if err != nil {
		return nil, "", err
	}
	prefix, n := in.Format.Layout(in.Kind)
	body, err := randomString(s.opt.Rand, n, alnum)
	if err != nil {
		return nil, "", err
	}
	raw := prefix + body
	sum := sha256.Sum256([]byte(raw))
	k := &dbplane.APIKey{
		ID: id, AccountID: in.AccountID, Kind: in.Kind, Name: in.Name, Prefix: raw[:keyShownPrefix],
		Hash: sum[:], Permissions: in.Permissions, ExpiresAt: in.ExpiresAt, AllowedIPs: in.AllowedIPs,
	}
	if err := s.store.CreateKey(ctx, k); err != nil {
		return nil, "", err
	}
	return k, dbplane.Secret(raw), nil
}

// ListKeys returns the account's keys, without key material.
func (s *Service) ListKeys(ctx context.Context, accountID string) ([]*dbplane.APIKey, error) {
	if _, err := s.store.Account(ctx, accountID); err != nil {
		return nil, err
	}
	return s.store.ListKeys(ctx, accountID)
}

// SetKeyDisabled is an operator's disable or enable of a key; it takes
// effect on the next request. A disable marks the key as the operator's,
// which its owner cannot undo (SetOwnKeyDisabled).
func (s *Service) SetKeyDisabled(ctx context.Context, accountID, keyID string, disabled bool) (*dbplane.APIKey, error) {
	defer s.forgetKeys()
	return s.store.SetKeyDisabled(ctx, accountID, keyID, disabled, store.ByOperator)
}

// SetOwnKeyDisabled is the owner's disable or enable of its key. An enable
// of a key an operator disabled is dbplane.ErrKeyDisabledByOperator.
func (s *Service) SetOwnKeyDisabled(ctx context.Context, accountID, keyID string, disabled bool) (*dbplane.APIKey, error) {
	defer s.forgetKeys()
	return s.store.SetKeyDisabled(ctx, accountID, keyID, disabled, store.ByOwner)
}

// SetKeyAllowedIPs replaces the ranges a key may be used from; the next
// request is checked against them (the key cache is cleared).
func (s *Service) SetKeyAllowedIPs(ctx context.Context, accountID, keyID string, ips []netip.Prefix) (*dbplane.APIKey, error) {
	ips, err := dbplane.ParseAllowedIPs("allowedIps", dbplane.FormatAllowedIPs(ips))
	if err != nil {
		return nil, err
	}
	defer s.forgetKeys()
	return s.store.SetKeyAllowedIPs(ctx, accountID, keyID, ips)
}

// ListAdminKeys returns every admin key, without key material.
func (s *Service) ListAdminKeys(ctx context.Context) ([]*dbplane.APIKey, error) {
	return s.store.ListKeysOfKind(ctx, dbplane.KeyAdmin)
}

// DeleteKey removes a key; it stops working on the next request.
func (s *Service) DeleteKey(ctx context.Context, keyID string) error {
	defer s.forgetKeys()
	return s.store.DeleteKey(ctx, keyID)
}

// DeleteAccountKey is an operator's delete of one of the account's keys.
// A key of another account reads as not found, as in SetKeyDisabled: the
// store deletes by key and account in one statement.
func (s *Service) DeleteAccountKey(ctx context.Context, accountID, keyID string) error {
	defer s.forgetKeys()
	return s.store.DeleteAccountKey(ctx, accountID, keyID)
}

// DeleteOwnKey is the owner's delete of its key. A key an operator
// disabled is dbplane.ErrKeyDisabledByOperator: deleting it would undo
// the operator's disable as surely as enabling it (SetOwnKeyDisabled).
func (s *Service) DeleteOwnKey(ctx context.Context, accountID, keyID string) error {
	defer s.forgetKeys()
	return s.store.DeleteOwnKey(ctx, accountID, keyID)
}
