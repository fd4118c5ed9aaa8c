package dbplane

import "strings"

// Permissions never widen (SPEC §4.5): a key hands out — to another key, a
// server's subuser, an account's role, or a way into an account (a user
// key, a password, a set-password link) — only what it could do itself.
// The rule lives here, once; every admin handler that hands something out
// asks the calling principal first, as wtf's CanEditDial is asked.

// SubuserPermissionNeeds returns the admin permissions a key must hold to
// give a subuser the database permission perm: what the same action needs
// on /api/application. Seeing databases and their passwords
// (database.read, database.view_password) is server_databases:read there
// (include=password); creating, rotating and deleting
// (database.create, database.update, database.delete) is
// server_databases:write. An unknown permission needs everything.
func SubuserPermissionNeeds(perm string) []Permission {
	switch perm {
	case PermDatabaseRead, PermDatabaseViewPassword:
		return []Permission{"server_databases:read"}
	case PermDatabaseCreate, PermDatabaseUpdate, PermDatabaseDelete:
		return []Permission{"server_databases:write"}
	}
	return AllPermissions()
}

// Reach is what a way into the account (a user key, its password, a
// set-password link) can do, in admin permissions: every account reveals
// and rotates its databases' passwords (server_databases:read and :write)
// and, signed in to the dashboard, mints its own user keys (keys:write);
// an admin account reaches every server on the client API and every
// operator page of the dashboard, which is every permission.
func (a *Account) Reach() []Permission {
	if a.Role == RoleAdmin {
		return AllPermissions()
	}
	return []Permission{"server_databases:read", "server_databases:write", "keys:write"}
}

// RoleReach is what an account of role r can do, in admin permissions:
// none for a user, every one for an admin.
func RoleReach(r Role) []Permission {
	if r == RoleAdmin {
		return AllPermissions()
	}
	return nil
}

// CanGrantKey returns nil when p may mint an admin key holding perms.
// Returns CodeForbidden naming the first permission p does not hold.
func (p *Principal) CanGrantKey(perms []Permission) error {
	return p.holds("An admin key with these permissions", perms)
}

// CanGrantSubuser returns nil when p may give a server's subuser the
// database permissions perms (SubuserPermissionNeeds). Returns
// CodeForbidden naming the first admin permission p does not hold.
func (p *Principal) CanGrantSubuser(perms []string) error {
	var need []Permission
	for _, perm := range perms {
		need = append(need, SubuserPermissionNeeds(perm)...)
	}
	return p.holds("A subuser with "+strings.Join(perms, ", "), need)
}

// CanActAs returns nil when p may open a way into a: mint or re-enable a
// user key of it, set its password or hand out a set-password link. Each
// of those can do what a.Reach() names. Returns CodeForbidden.
func (p *Principal) CanActAs(a *Account) error {
	return p.holds("A user key, password or set-password link of this account", a.Reach())
}

// CanCreateAccount returns nil when p may create an account of role r: an
// admin account can do everything, so creating one takes every
// permission. Returns CodeForbidden.
func (p *Principal) CanCreateAccount(r Role) error {
	return p.holds("An account with the role "+string(r), RoleReach(r))
}

// CanChangeAccount returns nil when p may change a (rename, quotas,
// suspend or unsuspend): only a key that holds everything an admin account
// can do changes one, so accounts:write alone cannot suspend the operator
// that holds more. Returns CodeForbidden.
func (p *Principal) CanChangeAccount(a *Account) error {
	return p.holds("Changing an account with the role "+string(a.Role), RoleReach(a.Role))
}

// CanDeleteAccount returns nil when p may delete a: what changing it
// needs (CanChangeAccount) and, with cascade, what deleting its servers
// and databases one by one would (servers:write, server_databases:write).
// Returns CodeForbidden.
func (p *Principal) CanDeleteAccount(a *Account, cascade bool) error {
	if err := p.CanChangeAccount(a); err != nil {
		return err
	}
	if !cascade {
		return nil
	}
	return p.holds("Deleting an account with its servers and databases", []Permission{"servers:write", "server_databases:write"})
}

// holds returns nil when p's key holds every permission of need, or a
// CodeForbidden error that says what needed it and which permission is
// missing. A nil principal holds nothing.
func (p *Principal) holds(what string, need []Permission) error {
	for _, perm := range need {
		if p == nil || p.Key == nil || !p.Key.Can(perm) {
			return Errorf(CodeForbidden, "%s needs the %s permission, which this API key does not hold", what, string(perm))
		}
	}
	return nil
}
