package mariadb_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/engine/mariadb"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current rendering")

const testPassword = "Zq8v3KpL0wXy7TnB5mRd2HsC9fJe4GaU"

func one(s mariadb.Stmt) ([]mariadb.Stmt, error) { return []mariadb.Stmt{s}, nil }

func oneOrErr(s mariadb.Stmt, err error) ([]mariadb.Stmt, error) {
	if err != nil {
		return nil, err
	}
	return []mariadb.Stmt{s}, nil
}

// fresh is renderEnsureFresh's statements in the order they may run.
func fresh(req engine.EnsureDatabaseRequest) ([]mariadb.Stmt, error) {
	user, database, grants, undo, err := mariadb.RenderEnsureFresh(req)
	if err != nil {
		return nil, err
	}
	return []mariadb.Stmt{user, database, grants, undo}, nil
}

func ensureReq() engine.EnsureDatabaseRequest {
	return engine.EnsureDatabaseRequest{Database: "um_abc_1", Owner: "dum_abc_1", Password: testPassword}
}

// renderCases are every statement sequence the driver can send, one golden
// file each.
var renderCases = []struct {
	name   string
	render func() ([]mariadb.Stmt, error)
}{
	{"version", func() ([]mariadb.Stmt, error) { return one(mariadb.RenderVersion()) }},
	{"check_privileges", func() ([]mariadb.Stmt, error) { return one(mariadb.RenderCheckPrivileges()) }},
	{"database_sizes", func() ([]mariadb.Stmt, error) { return one(mariadb.RenderSizes()) }},
	{"table_sizes", func() ([]mariadb.Stmt, error) {
		return mariadb.RenderTableSizes([2]string{"um_abc_1", "t"}, [2]string{"s1_web", "it's"}), nil
	}},
	{"kill", func() ([]mariadb.Stmt, error) { return one(mariadb.RenderKill(42)) }},
	{"ensure_probe", func() ([]mariadb.Stmt, error) { return oneOrErr(mariadb.RenderEnsureProbe(ensureReq())) }},
	{"ensure_probe_custom_remote", func() ([]mariadb.Stmt, error) {
		req := ensureReq()
		req.Remote = "10.0.%"
		return oneOrErr(mariadb.RenderEnsureProbe(req))
	}},
	{"ensure_new_user", func() ([]mariadb.Stmt, error) {
		return mariadb.RenderEnsure(ensureReq(), mariadb.EnsureState{})
	}},
	{"ensure_new_user_max_connections", func() ([]mariadb.Stmt, error) {
		req := ensureReq()
		req.MaxConnections = 5
		return mariadb.RenderEnsure(req, mariadb.EnsureState{})
	}},
	{"ensure_existing_user", func() ([]mariadb.Stmt, error) {
		return mariadb.RenderEnsure(ensureReq(), mariadb.EnsureState{DatabaseExists: true, UserExists: true})
	}},
	{"ensure_existing_user_max_connections", func() ([]mariadb.Stmt, error) {
		req := ensureReq()
		req.MaxConnections = 12
		return mariadb.RenderEnsure(req, mariadb.EnsureState{UserExists: true})
	}},
	{"ensure_custom_remote", func() ([]mariadb.Stmt, error) {
		req := ensureReq()
		req.Remote = "192.168.1.%"
		return mariadb.RenderEnsure(req, mariadb.EnsureState{})
	}},
	{"ensure_fresh", func() ([]mariadb.Stmt, error) { return fresh(ensureReq()) }},
	{"ensure_fresh_max_connections", func() ([]mariadb.Stmt, error) {
		req := ensureReq()
		req.MaxConnections = 5
		req.Remote = "10.0.%"
		return fresh(req)
	}},
	{"drop", func() ([]mariadb.Stmt, error) {
		return mariadb.RenderDrop(engine.DropDatabaseRequest{Database: "um_abc_1", Owner: "dum_abc_1"})
	}},
	{"drop_custom_remote", func() ([]mariadb.Stmt, error) {
		return mariadb.RenderDrop(engine.DropDatabaseRequest{Database: "s12_web", Owner: "u12_abcdefghij", Remote: "db.example.com"})
	}},
	{"set_password", func() ([]mariadb.Stmt, error) {
		return mariadb.RenderSetPassword(engine.SetPasswordRequest{Owner: "dum_abc_1", Password: testPassword})
	}},
	{"set_password_custom_remote", func() ([]mariadb.Stmt, error) {
		return mariadb.RenderSetPassword(engine.SetPasswordRequest{Owner: "dum_abc_1", Remote: "::1", Password: testPassword})
	}},
	{"set_access_active", func() ([]mariadb.Stmt, error) {
		return mariadb.RenderSetAccess(engine.SetAccessRequest{Database: "um_abc_1", Owner: "dum_abc_1", Access: engine.AccessActive})
	}},
	{"set_access_read_only", func() ([]mariadb.Stmt, error) {
		return mariadb.RenderSetAccess(engine.SetAccessRequest{Database: "um_abc_1", Owner: "dum_abc_1", Access: engine.AccessReadOnly})
	}},
	{"set_access_locked", func() ([]mariadb.Stmt, error) {
		return mariadb.RenderSetAccess(engine.SetAccessRequest{Database: "um_abc_1", Owner: "dum_abc_1", Access: engine.AccessLocked})
	}},
}

// format prints statements the way the golden files hold them.
func format(stmts []mariadb.Stmt) string {
	var b strings.Builder
	for _, s := range stmts {
		b.WriteString(s.SQL)
		b.WriteString(";\n")
		if len(s.Args) > 0 {
			args := make([]string, len(s.Args))
			for i, a := range s.Args {
				args[i] = fmt.Sprintf("%v", a)
				if str, ok := a.(string); ok {
					args[i] = fmt.Sprintf("%q", str)
				}
			}
			b.WriteString("-- args: " + strings.Join(args, ", ") + "\n")
		}
		if s.KillEach {
			b.WriteString("-- then KILL CONNECTION ? for each ID\n")
		}
	}
	return b.String()
}

func TestRender_Golden(t *testing.T) {
	for _, tc := range renderCases {
		t.Run(tc.name, func(t *testing.T) {
			stmts, err := tc.render()
			if err != nil {
				t.Fatalf("render %s: %v", tc.name, err)
			}
			got := format(stmts)
			path := filepath.Join("testdata", tc.name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden file (run go test -update to create it): %v", err)
			}
			if got != string(want) {
				t.Errorf("render %s:\n%s\nwant (%s):\n%s", tc.name, got, path, want)
			}
		})
	}
}

// TestRender_NoPlaintextPassword renders every statement that carries a
// password and checks that only its hash is sent.
func TestRender_NoPlaintextPassword(t *testing.T) {
	hash := mariadb.PasswordHash(testPassword)
	sawHash := false
	for _, tc := range renderCases {
		stmts, err := tc.render()
		if err != nil {
			t.Fatalf("render %s: %v", tc.name, err)
		}
		for _, s := range stmts {
			text := s.SQL + fmt.Sprint(s.Args...)
			if strings.Contains(text, testPassword) {
				t.Errorf("render %s: statement %q holds the plaintext password", tc.name, s.SQL)
			}
			sawHash = sawHash || strings.Contains(s.SQL, hash)
		}
	}
	if !sawHash {
		t.Errorf("no rendered statement holds the password hash %s", hash)
	}
}

func TestPasswordHash(t *testing.T) {
	// Values of MariaDB's PASSWORD() function.
	for _, tc := range []struct{ name, password, want string }{
		{"word", "password", "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19"},
		{"empty", "", "*BE1BDEC0AA74B4DCB079943E70528096CCA985F8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := mariadb.PasswordHash(tc.password); got != tc.want {
				t.Errorf("PasswordHash(%q) = %s, want %s", tc.password, got, tc.want)
			}
		})
	}
}

// TestRender_Rejects checks that nothing unchecked reaches statement text.
func TestRender_Rejects(t *testing.T) {
	good := ensureReq()
	for _, tc := range []struct {
		name   string
		render func() error
	}{
		{"database with a quote", func() error {
			req := good
			req.Database = "a`; DROP DATABASE mysql; --"
			_, err := mariadb.RenderEnsure(req, mariadb.EnsureState{})
			return err
		}},
		{"database starting with a digit", func() error {
			req := good
			req.Database = "9abc"
			_, err := mariadb.RenderEnsureProbe(req)
			return err
		}},
		{"owner with a quote", func() error {
			req := good
			req.Owner = "x'@'%"
			_, err := mariadb.RenderEnsure(req, mariadb.EnsureState{})
			return err
		}},
		{"owner too long", func() error {
			req := good
			req.Owner = strings.Repeat("a", 64)
			_, err := mariadb.RenderEnsure(req, mariadb.EnsureState{})
			return err
		}},
		{"remote with a quote", func() error {
			req := good
			req.Remote = "%' IDENTIFIED BY 'x"
			_, err := mariadb.RenderEnsure(req, mariadb.EnsureState{})
			return err
		}},
		{"remote with a backslash", func() error {
			_, err := mariadb.RenderSetPassword(engine.SetPasswordRequest{Owner: "a", Remote: `10.0.0.\`, Password: "x"})
			return err
		}},
		{"fresh: database with a quote", func() error {
			req := good
			req.Database = "a`; DROP DATABASE mysql; --"
			_, err := fresh(req)
			return err
		}},
		{"fresh: owner with a quote", func() error {
			req := good
			req.Owner = "x'@'%"
			_, err := fresh(req)
			return err
		}},
		{"fresh: remote with a quote", func() error {
			req := good
			req.Remote = "%' IDENTIFIED BY 'x"
			_, err := fresh(req)
			return err
		}},
		{"fresh: negative max connections", func() error {
			req := good
			req.MaxConnections = -1
			_, err := fresh(req)
			return err
		}},
		{"negative max connections", func() error {
			req := good
			req.MaxConnections = -1
			_, err := mariadb.RenderEnsure(req, mariadb.EnsureState{})
			return err
		}},
		{"drop empty database", func() error {
			_, err := mariadb.RenderDrop(engine.DropDatabaseRequest{Owner: "a"})
			return err
		}},
		{"drop bad owner", func() error {
			_, err := mariadb.RenderDrop(engine.DropDatabaseRequest{Database: "a", Owner: "root@localhost"})
			return err
		}},
		{"set access unknown level", func() error {
			_, err := mariadb.RenderSetAccess(engine.SetAccessRequest{Database: "a", Owner: "a", Access: "admin"})
			return err
		}},
		{"set access bad database", func() error {
			_, err := mariadb.RenderSetAccess(engine.SetAccessRequest{Database: "*", Owner: "a", Access: engine.AccessLocked})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.render(); err == nil {
				t.Errorf("render with %s: err = nil, want an error", tc.name)
			}
		})
	}
}

// TestPrivilegeSets checks that read-only plus write is exactly the active
// set, with no privilege in both.
func TestPrivilegeSets(t *testing.T) {
	union := append(slices.Clone(mariadb.ReadOnlyPrivileges), mariadb.WritePrivileges...)
	slices.Sort(union)
	tenant := slices.Clone(mariadb.TenantPrivileges)
	slices.Sort(tenant)
	if !slices.Equal(union, tenant) {
		t.Errorf("read-only + write privileges = %v, want the tenant privileges %v", union, tenant)
	}
	for _, p := range mariadb.ReadOnlyPrivileges {
		if slices.Contains(mariadb.WritePrivileges, p) {
			t.Errorf("privilege %s is both kept and revoked in read-only", p)
		}
	}
	for _, p := range []string{"SELECT", "DELETE"} {
		if !slices.Contains(mariadb.ReadOnlyPrivileges, p) {
			t.Errorf("read-only privileges %v lack %s (SPEC §5: reads and deletes still work)", mariadb.ReadOnlyPrivileges, p)
		}
	}
	for _, p := range []string{"INSERT", "UPDATE", "CREATE", "ALTER"} {
		if !slices.Contains(mariadb.WritePrivileges, p) {
			t.Errorf("read-only keeps %s, want it revoked", p)
		}
	}
}
