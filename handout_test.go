package dbplane_test

import (
	"testing"

	"github.com/dbplane/dbplane"
)

// principal returns an admin key's principal that holds perms.
func principal(perms ...dbplane.Permission) *dbplane.Principal {
	return &dbplane.Principal{
		Key:     &dbplane.APIKey{Kind: dbplane.KeyAdmin, Permissions: perms},
		Account: &dbplane.Account{Role: dbplane.RoleAdmin},
	}
}

func TestPrincipal_HandsOutOnlyWhatItHolds(t *testing.T) {
	t.Parallel()
	tenant := &dbplane.Account{Role: dbplane.RoleUser}
	admin := &dbplane.Account{Role: dbplane.RoleAdmin}
	all := principal(dbplane.AllPermissions()...)
	serversWrite := principal("servers:write")
	dbRead := principal("servers:write", "server_databases:read")
	dbBoth := principal("servers:write", "accounts:write", "keys:write", "server_databases:read", "server_databases:write")
	tests := []struct {
		name string
		err  error
		want bool // allowed
	}{
		{"SubuserViewPasswordServersWrite", serversWrite.CanGrantSubuser([]string{dbplane.PermDatabaseViewPassword}), false},
		{"SubuserReadServersWrite", serversWrite.CanGrantSubuser([]string{dbplane.PermDatabaseRead}), false},
		{"SubuserNothingServersWrite", serversWrite.CanGrantSubuser(nil), true},
		{"SubuserViewPasswordRead", dbRead.CanGrantSubuser([]string{dbplane.PermDatabaseRead, dbplane.PermDatabaseViewPassword}), true},
		{"SubuserUpdateRead", dbRead.CanGrantSubuser([]string{dbplane.PermDatabaseUpdate}), false},
		{"SubuserEverything", dbBoth.CanGrantSubuser(dbplane.DatabasePermissions), true},
		{"SubuserUnknown", dbBoth.CanGrantSubuser([]string{"control.console"}), false},
		{"ActAsTenant", dbBoth.CanActAs(tenant), true},
		{"ActAsTenantReadOnly", dbRead.CanActAs(tenant), false},
		{"ActAsAdmin", dbBoth.CanActAs(admin), false},
		{"ActAsAdminAll", all.CanActAs(admin), true},
		{"CreateUser", principal("accounts:write").CanCreateAccount(dbplane.RoleUser), true},
		{"CreateAdmin", principal("accounts:write").CanCreateAccount(dbplane.RoleAdmin), false},
		{"CreateAdminAll", all.CanCreateAccount(dbplane.RoleAdmin), true},
		{"ChangeTenant", principal("accounts:write").CanChangeAccount(tenant), true},
		{"ChangeAdmin", dbBoth.CanChangeAccount(admin), false},
		{"ChangeAdminAll", all.CanChangeAccount(admin), true},
		{"KeyHeld", dbRead.CanGrantKey([]dbplane.Permission{"server_databases:read"}), true},
		{"KeyNotHeld", dbRead.CanGrantKey([]dbplane.Permission{"server_databases:write"}), false},
		{"NilPrincipal", (*dbplane.Principal)(nil).CanGrantSubuser([]string{dbplane.PermDatabaseRead}), false},
		{"UserKey", (&dbplane.Principal{Key: &dbplane.APIKey{Kind: dbplane.KeyUser}}).CanActAs(tenant), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.err == nil; got != tc.want {
				t.Errorf("allowed = %v (%v), want %v", got, tc.err, tc.want)
			}
			if tc.err != nil && dbplane.ErrorCode(tc.err) != dbplane.CodeForbidden {
				t.Errorf("code = %s, want %s", dbplane.ErrorCode(tc.err), dbplane.CodeForbidden)
			}
		})
	}
}
