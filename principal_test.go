package dbplane_test

import (
	"errors"
	"testing"

	"github.com/dbplane/dbplane"
)

func TestPrincipal_Operate(t *testing.T) {
	t.Parallel()
	admin := &dbplane.Account{ID: "a", Role: dbplane.RoleAdmin}
	user := &dbplane.Account{ID: "u", Role: dbplane.RoleUser}
	suspendedAdmin := &dbplane.Account{ID: "s", Role: dbplane.RoleAdmin, Suspended: true}
	adminKey := func(ps ...dbplane.Permission) *dbplane.APIKey {
		return &dbplane.APIKey{Kind: dbplane.KeyAdmin, Permissions: ps}
	}
	userKey := &dbplane.APIKey{Kind: dbplane.KeyUser}
	const perm = dbplane.Permission("servers:read")
	tests := []struct {
		name string
		p    *dbplane.Principal
		keys dbplane.OperatorKeys
		want error // nil, a sentinel, or ErrMissingPermission as a cause
	}{
		{"AdminKeyWithPerm", &dbplane.Principal{Key: adminKey(perm), Account: admin}, dbplane.AdminKeysOnly, nil},
		{"AdminKeyWithoutPerm", &dbplane.Principal{Key: adminKey("servers:write"), Account: admin}, dbplane.AdminKeysOnly, dbplane.ErrMissingPermission},
		{"AdminKeyDemoted", &dbplane.Principal{Key: adminKey(perm), Account: user}, dbplane.AdminKeysOnly, dbplane.ErrNotAdmin},
		{"AdminKeySuspended", &dbplane.Principal{Key: adminKey(perm), Account: suspendedAdmin}, dbplane.AdminKeysOnly, dbplane.ErrAccountSuspended},
		{"RootUserKeyOnAdminAPI", &dbplane.Principal{Key: userKey, Account: admin}, dbplane.AdminKeysOnly, dbplane.ErrWrongKeyKind},
		{"RootUserKeyOnApplicationAPI", &dbplane.Principal{Key: userKey, Account: admin}, dbplane.AdminKeysAndRootUserKeys, nil},
		{"SuspendedRootUserKey", &dbplane.Principal{Key: userKey, Account: suspendedAdmin}, dbplane.AdminKeysAndRootUserKeys, dbplane.ErrAccountSuspended},
		{"TenantUserKey", &dbplane.Principal{Key: userKey, Account: user}, dbplane.AdminKeysAndRootUserKeys, dbplane.ErrWrongKeyKind},
		{"Nil", nil, dbplane.AdminKeysAndRootUserKeys, dbplane.ErrWrongKeyKind},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := tc.p.Operate(perm, tc.keys)
			if (got == nil) != (tc.want == nil) || tc.want != nil && !errors.Is(got, tc.want) {
				t.Errorf("Operate(%s) = %v, want %v", perm, got, tc.want)
			}
			if tc.p.CanOperate(perm, tc.keys) != (tc.want == nil) {
				t.Errorf("CanOperate(%s) disagrees with Operate (%v)", perm, got)
			}
			if tc.want != nil && dbplane.ErrorCode(got) != dbplane.CodeForbidden {
				t.Errorf("Operate(%s) code = %s, want forbidden", perm, dbplane.ErrorCode(got))
			}
		})
	}
}
