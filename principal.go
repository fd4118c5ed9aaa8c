package dbplane

import "errors"

// OperatorKeys says which keys an operator surface takes besides admin
// keys.
type OperatorKeys int

const (
	// AdminKeysOnly: admin keys of admin accounts (/api/admin).
	AdminKeysOnly OperatorKeys = iota
	// AdminKeysAndRootUserKeys also takes a user key of an admin account,
	// with every permission, as Pterodactyl lets a root admin's account
	// key use its application API (SPEC §4.3).
	AdminKeysAndRootUserKeys
)

// Errors of Principal.Operate, beyond ErrWrongKeyKind and
// ErrAccountSuspended.
var (
	// ErrNotAdmin is an admin key whose account has been demoted: the key
	// outlives the demotion, but stops working with it.
	ErrNotAdmin = &Error{Code: CodeForbidden, Message: "This API key's account is not an administrator"}
	// ErrMissingPermission is the cause of the error of a key that lacks
	// the permission a route needs; the error's message names it.
	ErrMissingPermission = errors.New("missing permission")
)

// Operate reports whether p may act as an operator with permission perm:
// an admin key that holds perm, of an admin account in good standing (or,
// where keys allows, a user key of an admin account, which holds every
// permission). It returns nil, ErrWrongKeyKind, ErrAccountSuspended,
// ErrNotAdmin or a CodeForbidden error caused by ErrMissingPermission,
// checked in that order. It is the one place this rule is written; every
// operator surface calls it (wtf's CanEditDial).
func (p *Principal) Operate(perm Permission, keys OperatorKeys) error {
	if p == nil || p.Key == nil || p.Account == nil {
		return ErrWrongKeyKind
	}
	rootUserKey := p.Key.Kind == KeyUser && keys == AdminKeysAndRootUserKeys && p.Account.Role == RoleAdmin
	switch {
	case p.Key.Kind != KeyAdmin && !rootUserKey:
		return ErrWrongKeyKind
	case p.Account.Suspended:
		return ErrAccountSuspended
	case p.Account.Role != RoleAdmin:
		return ErrNotAdmin
	case rootUserKey:
		return nil
	case !p.Key.Can(perm):
		return &Error{Code: CodeForbidden, Message: "This API key lacks the " + string(perm) + " permission", Err: ErrMissingPermission}
	}
	return nil
}

// CanOperate reports whether Operate allows perm; it is what an include
// that needs a second permission checks (a missing one renders as
// Pterodactyl's null resource rather than failing the request).
func (p *Principal) CanOperate(perm Permission, keys OperatorKeys) bool {
	return p.Operate(perm, keys) == nil
}
