package dbplane_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/dbplane/dbplane"
)

func TestValidateLabel(t *testing.T) {
	tests := []struct {
		label string
		ok    bool
	}{
		{"my-app", true}, {"a", true}, {"9lives", true}, {"A_b-C", true}, {strings.Repeat("x", 63), true},
		{"", false}, {strings.Repeat("x", 64), false}, {"-app", false}, {"_app", false}, {"my app", false},
		{"app;drop", false}, {"app'", false}, {"ünï", false}, {"app\x00", false}, {"app/..", false},
	}
	for _, tc := range tests {
		err := dbplane.ValidateLabel(tc.label)
		if (err == nil) != tc.ok {
			t.Errorf("ValidateLabel(%q) = %v, want ok=%v", tc.label, err, tc.ok)
		}
		if err != nil && (dbplane.ErrorCode(err) != dbplane.CodeInvalid || dbplane.ErrorField(err) != "name") {
			t.Errorf("ValidateLabel(%q) = %v, want CodeInvalid on field name", tc.label, err)
		}
	}
}

func TestManagedNames(t *testing.T) {
	tests := []struct {
		engine   dbplane.Engine
		account  string
		n        int64
		db, user string
	}{
		{dbplane.EngineMariaDB, "3f2a9c1e-0000-4000-8000-0a1b2c3d4e5f", 1, "um_1b2c3d4e5f_1", "dum_1b2c3d4e5f_1"},
		{dbplane.EnginePostgres, "3f2a9c1e-0000-4000-8000-0a1b2c3d4e5f", 12, "up_1b2c3d4e5f_12", "dup_1b2c3d4e5f_12"},
		{dbplane.EngineMongo, "01HV-AB_CD.EF", 3, "ug_vxabxcdxef_3", "dug_vxabxcdxef_3"},
		{dbplane.EngineMariaDB, "short", 1, "um_short_1", "dum_short_1"},
	}
	for _, tc := range tests {
		db, user := dbplane.ManagedNames(tc.engine, tc.account, tc.n)
		if db != tc.db || user != tc.user {
			t.Errorf("ManagedNames(%s, %q, %d) = %s, %s; want %s, %s", tc.engine, tc.account, tc.n, db, user, tc.db, tc.user)
		}
	}
}

// FuzzManagedNames: whatever the account id, the names are safe
// identifiers for every engine: [a-z0-9_], at most 63 bytes.
func FuzzManagedNames(f *testing.F) {
	f.Add("3f2a9c1e-0000-4000-8000-0a1b2c3d4e5f", int64(1))
	f.Add("'; DROP DATABASE x; --", int64(1<<62))
	f.Add("ÄÖÜ\x00\n`\"", int64(7))
	f.Fuzz(func(t *testing.T, account string, n int64) {
		if n < 1 {
			return
		}
		for _, e := range dbplane.Engines {
			db, user := dbplane.ManagedNames(e, account, n)
			for _, name := range []string{db, user} {
				if len(name) > 63 {
					t.Fatalf("ManagedNames(%q, %d) = %q: longer than 63 bytes", account, n, name)
				}
				for i := 0; i < len(name); i++ {
					c := name[i]
					if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_') {
						t.Fatalf("ManagedNames(%q, %d) = %q: byte %q outside [a-z0-9_]", account, n, name, c)
					}
				}
			}
		}
	})
}

// FuzzValidateLabel: an accepted label is exactly the documented set.
func FuzzValidateLabel(f *testing.F) {
	for _, s := range []string{"my-app", "", "-x", "a b", "x'--", strings.Repeat("a", 64)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := dbplane.ValidateLabel(s)
		ok := len(s) >= 1 && len(s) <= 63
		for i := 0; ok && i < len(s); i++ {
			c := s[i]
			alnum := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
			ok = alnum || (i > 0 && (c == '_' || c == '-'))
		}
		if (err == nil) != ok {
			t.Fatalf("ValidateLabel(%q) = %v, want ok=%v", s, err, ok)
		}
	})
}

func TestValidateServerDatabaseName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    string
		min   int
		cause error // nil = valid
	}{
		{"One", "a", 1, nil},
		{"OneOnClient", "a", 3, dbplane.ErrTooShort},
		{"AlphaDash", "my_db-2", 3, nil},
		{"Max", strings.Repeat("a", 48), 1, nil},
		{"TooLong", strings.Repeat("a", 49), 1, dbplane.ErrTooLong},
		{"Dot", "my.db", 1, dbplane.ErrCharacters},
		{"NonASCII", "bäh", 1, dbplane.ErrCharacters},
		// Characters first, as Laravel's alpha_dash comes before max.
		{"LongAndBad", strings.Repeat("a", 49) + "!", 1, dbplane.ErrCharacters},
		{"Empty", "", 1, dbplane.ErrTooShort},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := dbplane.ValidateServerDatabaseName(tc.in, tc.min)
			if tc.cause == nil && err != nil || tc.cause != nil && !errors.Is(err, tc.cause) {
				t.Errorf("ValidateServerDatabaseName(%q, %d) = %v, want cause %v", tc.in, tc.min, err, tc.cause)
			}
			if err != nil && (dbplane.ErrorCode(err) != dbplane.CodeInvalid || dbplane.ErrorField(err) != "database") {
				t.Errorf("ValidateServerDatabaseName(%q) = %v, want invalid database", tc.in, err)
			}
		})
	}
}

func TestValidateRemote(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    string
		cause error
	}{
		{"Any", "%", nil},
		{"Pattern", "10.0.0.%", nil},
		{"IPv6CIDR", "2001:db8::/32", nil},
		{"Empty", "", dbplane.ErrTooShort},
		{"Max", strings.Repeat("1", 255), nil},
		{"TooLong", strings.Repeat("1", 256), dbplane.ErrTooLong},
		{"Quote", "%'; DROP", dbplane.ErrCharacters},
		{"Space", "10.0.0.1 ", dbplane.ErrCharacters},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := dbplane.ValidateRemote(tc.in)
			if tc.cause == nil && err != nil || tc.cause != nil && !errors.Is(err, tc.cause) {
				t.Errorf("ValidateRemote(%q) = %v, want cause %v", tc.in, err, tc.cause)
			}
			if err != nil && dbplane.ErrorField(err) != "remote" {
				t.Errorf("ValidateRemote(%q) field = %q, want remote", tc.in, dbplane.ErrorField(err))
			}
		})
	}
}
