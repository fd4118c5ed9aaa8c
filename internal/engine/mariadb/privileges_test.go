package mariadb_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dbplane/dbplane/internal/engine/mariadb"
)

func TestGranteeOf(t *testing.T) {
	for _, tc := range []struct{ name, current, want string }{
		{"root", "root@localhost", "'root'@'localhost'"},
		{"pattern", "dbplane@10.0.%", "'dbplane'@'10.0.%'"},
		{"at in user", "a@b@%", "'a@b'@'%'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := mariadb.GranteeOf(tc.current); got != tc.want {
				t.Errorf("granteeOf(%q) = %q, want %q", tc.current, got, tc.want)
			}
		})
	}
}

func TestMissingPrivileges(t *testing.T) {
	all := func(grantable bool) map[string]bool {
		held := map[string]bool{"CREATE USER": false, "PROCESS": false, "CONNECTION ADMIN": false}
		for _, p := range mariadb.TenantPrivileges {
			held[p] = grantable
		}
		return held
	}
	for _, tc := range []struct {
		name string
		held map[string]bool
		want []string
	}{
		{"everything", all(true), nil},
		{"SUPER instead of CONNECTION ADMIN", func() map[string]bool {
			h := all(true)
			delete(h, "CONNECTION ADMIN")
			h["SUPER"] = false
			return h
		}(), nil},
		{"no PROCESS, no CREATE USER", func() map[string]bool {
			h := all(true)
			delete(h, "PROCESS")
			delete(h, "CREATE USER")
			return h
		}(), []string{"CREATE USER", "PROCESS"}},
		{"TRIGGER not grantable", func() map[string]bool {
			h := all(true)
			h["TRIGGER"] = false
			return h
		}(), []string{"TRIGGER WITH GRANT OPTION"}},
		{"nothing", map[string]bool{"USAGE": false}, func() []string {
			var want []string
			for _, p := range mariadb.TenantPrivileges {
				want = append(want, p+" WITH GRANT OPTION")
			}
			return append(want, "CREATE USER", "PROCESS", "CONNECTION ADMIN")
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := mariadb.MissingPrivileges(tc.held)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("missingPrivileges(%v) (-want +got):\n%s", tc.held, diff)
			}
		})
	}
}
