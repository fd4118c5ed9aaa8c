package dbplane_test

import (
	"testing"

	"github.com/dbplane/dbplane"
)

func TestServerAccess_Can(t *testing.T) {
	t.Parallel()
	view := dbplane.PermDatabaseViewPassword
	tests := []struct {
		name   string
		access dbplane.ServerAccess
		want   bool
	}{
		{"Owner", dbplane.ServerAccess{Owner: true}, true},
		{"Admin", dbplane.ServerAccess{Admin: true}, true},
		{"SubuserWithIt", dbplane.ServerAccess{Permissions: []string{view}}, true},
		{"SubuserWithout", dbplane.ServerAccess{Permissions: []string{dbplane.PermDatabaseRead}}, false},
		{"SubuserOwnerSuspended", dbplane.ServerAccess{Permissions: []string{view}, OwnerSuspended: true}, false},
		{"OwnerSuspended", dbplane.ServerAccess{Owner: true, OwnerSuspended: true}, false},
		{"AdminOwnerSuspended", dbplane.ServerAccess{Admin: true, OwnerSuspended: true}, true},
	}
	for _, tc := range tests {
		if got := tc.access.Can(view); got != tc.want {
			t.Errorf("%s: %+v.Can(%s) = %v, want %v", tc.name, tc.access, view, got, tc.want)
		}
	}
}
