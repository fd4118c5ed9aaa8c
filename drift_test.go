package dbplane_test

import (
	"strings"
	"testing"

	"github.com/dbplane/dbplane"
)

func TestInNamingScheme(t *testing.T) {
	db, user := dbplane.ManagedNames(dbplane.EnginePostgres, "01HZXAMPLE0123456789ABCDEF", 7)
	sdb, suser := dbplane.ServerDatabaseNames(12, "My-data_1", "abcdefghij")
	cases := []struct {
		name     string
		database bool
		want     bool
	}{
		{db, true, true},
		{user, false, true},
		{db, false, false},
		{user, true, false},
		{sdb, true, true},
		{suser, false, true},
		{"um_abc_1", true, true},
		{"ug_a_0", true, true},
		{"ux_abc_1", true, false},         // no such engine letter
		{"um_abcdefghijk_1", true, false}, // slug over 10
		{"um__1", true, false},
		{"um_abc_", true, false},
		{"um_abc_1x", true, false},
		{"dum_abc_12", false, true},
		{"u12_abcdefghi", false, false}, // suffix of 9
		{"u12_abcdefghij", false, true},
		{"u_abcdefghij", false, false},
		{"s12_", true, false},
		{"s12_x", true, true},
		{"s12_" + strings.Repeat("x", 45), true, false}, // over 48
		{"mysql", true, false},
		{"postgres", true, false},
		{"root", false, false},
		{"", true, false},
		{"", false, false},
	}
	for _, c := range cases {
		if got := dbplane.InNamingScheme(c.name, c.database); got != c.want {
			t.Errorf("InNamingScheme(%q, database=%v) = %v, want %v", c.name, c.database, got, c.want)
		}
	}
}

// FuzzInNamingScheme: every name ManagedNames and ServerDatabaseNames make
// is in the scheme, and a name in the scheme is plain [A-Za-z0-9_-].
func FuzzInNamingScheme(f *testing.F) {
	f.Add("01HZXAMPLE0123456789ABCDEF", int64(3), "name", "abcdefghij", "um_x_1")
	f.Add("a", int64(0), "-", "0123456789", "s1_-")
	f.Fuzz(func(t *testing.T, account string, n int64, label, suffix, raw string) {
		if n >= 0 {
			for _, e := range dbplane.Engines {
				db, user := dbplane.ManagedNames(e, account, n)
				// Account ids are ULIDs: ASCII letters and digits.
				ascii := strings.Trim(account, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") == ""
				if account != "" && ascii && (!dbplane.InNamingScheme(db, true) || !dbplane.InNamingScheme(user, false)) {
					t.Fatalf("ManagedNames(%s, %q, %d) = %q, %q: not in the scheme", e, account, n, db, user)
				}
			}
		}
		if dbplane.ValidateServerDatabaseName(label, 1) == nil && len(suffix) == 10 && strings.Trim(suffix, "abcdefghijklmnopqrstuvwxyz0123456789") == "" && n >= 0 {
			db, user := dbplane.ServerDatabaseNames(n, label, suffix)
			if !dbplane.InNamingScheme(db, true) || !dbplane.InNamingScheme(user, false) {
				t.Fatalf("ServerDatabaseNames(%d, %q, %q) = %q, %q: not in the scheme", n, label, suffix, db, user)
			}
		}
		for _, database := range []bool{true, false} {
			if dbplane.InNamingScheme(raw, database) && strings.Trim(raw, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != "" {
				t.Fatalf("InNamingScheme(%q) = true for a name with other characters", raw)
			}
		}
	})
}
