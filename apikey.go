package dbplane

import (
	"context"
	"net/netip"
	"time"
)

// KeyKind says which surfaces a key opens.
type KeyKind string

// Key kinds: admin keys open /api/admin and /api/application; user keys open
// /api/v1/db and /api/client.
const (
	KeyAdmin KeyKind = "admin"
	KeyUser  KeyKind = "user"
)

// Permission is "<resource>:<read|write>", for admin keys.
type Permission string

// Admin resources that permissions name.
var AdminResources = []string{"database_hosts", "server_databases", "servers", "nodes", "accounts", "keys"}

// ReadOnlyAdminResources are admin resources that only have a read
// permission: the audit log (audit:read), which no key writes.
var ReadOnlyAdminResources = []string{"audit"}

// AllPermissions returns read and write on every admin resource, and read
// on every read-only one.
func AllPermissions() []Permission {
	var ps []Permission
	for _, r := range AdminResources {
		ps = append(ps, Permission(r+":read"), Permission(r+":write"))
	}
	for _, r := range ReadOnlyAdminResources {
		ps = append(ps, Permission(r+":read"))
	}
	return ps
}

// APIKey is a key's metadata. The key itself is shown once at creation and
// stored only as a SHA-256 hash.
type APIKey struct {
	ID          string // ULID
	AccountID   string
	Kind        KeyKind
	Name        string
	Prefix      string // first characters of the key, to recognise it in lists
	Hash        []byte // SHA-256 of the whole key
	Permissions []Permission
	Disabled    bool
	// DisabledBySuspension is set when a suspension disabled the key, so that
	// unsuspending restores exactly what it changed.
	DisabledBySuspension bool
	// DisabledByOperator is set when an operator disabled the key: its
	// owner may not enable or delete it (ErrKeyDisabledByOperator), an
	// operator may.
	DisabledByOperator bool
	// AllowedIPs limits where the key may be used from (AllowsIP); empty
	// means anywhere.
	AllowedIPs []netip.Prefix
	ExpiresAt  *time.Time
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

// Can reports whether the key holds permission p. A user key holds none.
func (k *APIKey) Can(p Permission) bool {
	if k.Kind != KeyAdmin {
		return false
	}
	for _, q := range k.Permissions {
		if q == p {
			return true
		}
	}
	return false
}

// Usable reports whether the key may authenticate at now: nil, or
// ErrKeyDisabled or ErrKeyExpired.
func (k *APIKey) Usable(now time.Time) error {
	if k.Disabled {
		return ErrKeyDisabled
	}
	if k.ExpiresAt != nil && !now.Before(*k.ExpiresAt) {
		return ErrKeyExpired
	}
	return nil
}

// KeyFormat is how a minted key is written. Every format is hashed and
// checked alike and opens the surfaces of its kind; the formats exist
// because client libraries check a key's prefix or length before sending
// it.
type KeyFormat string

// Key formats.
const (
	// KeyFormatDBPlane is dbplane's own: dbpa_ (admin) or dbpu_ (user)
	// and 40 characters.
	KeyFormatDBPlane KeyFormat = "dbplane"
	// KeyFormatPterodactyl is the panel's: ptla_ (application) or ptlc_
	// (client) and 43 characters, 48 in all.
	KeyFormatPterodactyl KeyFormat = "pterodactyl"
	// KeyFormatPelican is Pelican's: papp_ or pacc_ and 43 characters.
	KeyFormatPelican KeyFormat = "pelican"
)

// Layout returns the prefix of a key of kind in format f and how many
// random [A-Za-z0-9] characters follow it. "" is KeyFormatDBPlane.
func (f KeyFormat) Layout(kind KeyKind) (prefix string, random int) {
	admin := kind == KeyAdmin
	switch f {
	case KeyFormatPterodactyl:
		return pick(admin, "ptla_", "ptlc_"), 43
	case KeyFormatPelican:
		return pick(admin, "papp_", "pacc_"), 43
	}
	return pick(admin, "dbpa_", "dbpu_"), 40
}

func pick(admin bool, a, u string) string {
	if admin {
		return a
	}
	return u
}

// KeyInput is what mints a key.
type KeyInput struct {
	AccountID   string
	Kind        KeyKind
	Name        string
	Permissions []Permission
	ExpiresAt   *time.Time
	Format      KeyFormat // "" = KeyFormatDBPlane
	// AllowedIPs limits where the key may be used from; read with
	// ParseAllowedIPs. Empty: anywhere.
	AllowedIPs []netip.Prefix
}

// Validate reports the first invalid field.
func (in *KeyInput) Validate() error {
	name, err := ValidateName("name", in.Name, 100)
	if err != nil {
		return err
	}
	in.Name = name
	if in.Kind != KeyAdmin && in.Kind != KeyUser {
		return FieldErrorf("kind", "The kind must be admin or user.")
	}
	valid := map[Permission]bool{}
	for _, p := range AllPermissions() {
		valid[p] = true
	}
	for _, p := range in.Permissions {
		if !valid[p] {
			return FieldErrorf("permissions", "Unknown permission %q.", string(p))
		}
	}
	if in.Kind == KeyUser && len(in.Permissions) > 0 {
		return FieldErrorf("permissions", "User keys carry no admin permissions.")
	}
	switch in.Format {
	case "", KeyFormatDBPlane, KeyFormatPterodactyl, KeyFormatPelican:
	default:
		return FieldErrorf("format", "The format must be dbplane, pterodactyl or pelican.")
	}
	// Ranges built in code rather than parsed pass the same rule.
	ips, err := ParseAllowedIPs("allowedIps", FormatAllowedIPs(in.AllowedIPs))
	if err != nil {
		return err
	}
	in.AllowedIPs = ips
	return nil
}

// KeyService mints and checks keys.
type KeyService interface {
	// Authenticate returns the key and its account for a raw key used from
	// the address from (the client's IP). It returns ErrNoKey, ErrBadKey,
	// ErrKeyDisabled, ErrKeyExpired, or ErrKeyIPNotAllowed when from is
	// outside the key's allowed ranges (AllowsIP). Only a key that
	// authenticates is recorded as used (LastUsedAt): a refused request
	// changes nothing. With ErrKeyIPNotAllowed, and no other error, it also
	// returns the key and its account, so that the caller can say whose
	// key was refused (the audit log keeps refused requests).
	Authenticate(ctx context.Context, raw, from string) (*APIKey, *Account, error)
	// CreateKey returns the key's metadata and the key itself, once.
	CreateKey(ctx context.Context, in KeyInput) (*APIKey, Secret, error)
	ListKeys(ctx context.Context, accountID string) ([]*APIKey, error)
	// SetKeyDisabled is an operator's disable or enable. A disable marks
	// the key DisabledByOperator, an enable clears the mark. It returns
	// CodeNotFound when the key is not the account's.
	SetKeyDisabled(ctx context.Context, accountID, keyID string, disabled bool) (*APIKey, error)
	// SetOwnKeyDisabled is the key's owner's disable or enable: it
	// refuses to enable a key an operator disabled
	// (ErrKeyDisabledByOperator). CodeNotFound as SetKeyDisabled.
	SetOwnKeyDisabled(ctx context.Context, accountID, keyID string, disabled bool) (*APIKey, error)
	// SetKeyAllowedIPs replaces the ranges the key may be used from
	// (empty: anywhere); it holds from the next request. CodeNotFound as
	// SetKeyDisabled.
	SetKeyAllowedIPs(ctx context.Context, accountID, keyID string, ips []netip.Prefix) (*APIKey, error)
	// ListAdminKeys returns every admin key of every account.
	ListAdminKeys(ctx context.Context) ([]*APIKey, error)
	// DeleteKey removes a key; it stops working at once. CodeNotFound.
	DeleteKey(ctx context.Context, keyID string) error
	// DeleteAccountKey is an operator's delete of one of the account's
	// keys; it stops working at once. It returns CodeNotFound when the key
	// is not the account's.
	DeleteAccountKey(ctx context.Context, accountID, keyID string) error
	// DeleteOwnKey is the key's owner's delete: it refuses a key an
	// operator disabled (ErrKeyDisabledByOperator), so the operator's
	// disable cannot be undone by deleting the key. CodeNotFound as
	// DeleteAccountKey, so a tenant deletes only its own keys.
	DeleteOwnKey(ctx context.Context, accountID, keyID string) error
}
