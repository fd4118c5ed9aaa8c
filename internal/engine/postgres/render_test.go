package postgres_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/engine/postgres"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

const (
	goldenDB       = "upx_abcdefghij_1"
	goldenOwner    = "dupx_abcdefghij_1"
	goldenPassword = "Xq3k9ZpL0aVbN7mR2cT5wY8eH1jU4sDf"
)

// goldenVerifier is the verifier of goldenPassword with salt 00 01 .. 0f.
func goldenVerifier(t *testing.T) string {
	t.Helper()
	salt := []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}
	v, err := postgres.ScramVerifierSalt(goldenPassword, salt, 4096)
	if err != nil {
		t.Fatalf("ScramVerifierSalt: %v", err)
	}
	return v
}

// renderCases renders every request shape once, with verifier v.
func renderCases(t *testing.T, v string) map[string][]postgres.Stmt {
	t.Helper()
	ensure := engine.EnsureDatabaseRequest{Database: goldenDB, Owner: goldenOwner, Password: goldenPassword, Remote: "%", MaxConnections: 5}
	unlimited := ensure
	unlimited.MaxConnections, unlimited.Remote = 0, ""
	drop := engine.DropDatabaseRequest{Database: goldenDB, Owner: goldenOwner}
	access := func(a engine.Access) engine.SetAccessRequest {
		return engine.SetAccessRequest{Database: goldenDB, Owner: goldenOwner, Access: a}
	}
	ours := postgres.State{DBExists: true, DBOwner: goldenOwner, RoleExists: true}
	foreignDB := postgres.State{DBExists: true, DBOwner: "someone_else", RoleExists: true}
	foreignRole := postgres.State{DBExists: true, DBOwner: goldenOwner, RoleExists: true, RoleForeign: true}
	holder, _ := postgres.WallRoles(goldenOwner)
	walled := postgres.State{DBExists: true, DBOwner: holder, RoleExists: true}

	cases := map[string][]postgres.Stmt{
		"inspect": {{SQL: postgres.InspectQuery, Args: []any{goldenDB, goldenOwner}}},
		"lock": {
			{SQL: postgres.LockQuery, Args: []any{postgres.LockKey(goldenOwner)}},
			{SQL: postgres.UnlockQuery, Args: []any{postgres.LockKey(goldenOwner)}},
		},
		"queries": {{SQL: postgres.VersionQuery}, {SQL: postgres.PrivilegesQuery}, {SQL: postgres.SizesQuery}},
	}
	add := func(name string) func([]postgres.Stmt, error) {
		return func(stmts []postgres.Stmt, err error) {
			t.Helper()
			mustNil(t, name, err)
			cases[name] = stmts
		}
	}
	add("ensure_new")(postgres.RenderEnsure(ensure, v, postgres.State{}))
	add("ensure_new_unlimited")(postgres.RenderEnsure(unlimited, v, postgres.State{}))
	add("ensure_role_exists")(postgres.RenderEnsure(ensure, v, postgres.State{RoleExists: true}))
	add("ensure_converged")(postgres.RenderEnsure(ensure, v, ours))
	add("drop_all")(postgres.RenderDrop(drop, ours))
	add("drop_role_only")(postgres.RenderDrop(drop, postgres.State{RoleExists: true}))
	add("drop_database_only")(postgres.RenderDrop(drop, postgres.State{DBExists: true, DBOwner: goldenOwner}))
	add("drop_gone")(postgres.RenderDrop(drop, postgres.State{}))
	add("drop_foreign_database")(postgres.RenderDrop(drop, foreignDB))
	add("drop_foreign_role")(postgres.RenderDrop(drop, foreignRole))
	add("set_password")(postgres.RenderSetPassword(engine.SetPasswordRequest{Owner: goldenOwner, Password: goldenPassword}, v))
	add("set_access_active")(postgres.RenderSetAccess(access(engine.AccessActive), ours))
	add("set_access_read_only")(postgres.RenderSetAccess(access(engine.AccessReadOnly), ours))
	add("set_access_locked")(postgres.RenderSetAccess(access(engine.AccessLocked), ours))
	add("set_access_active_walled")(postgres.RenderSetAccess(access(engine.AccessActive), walled))
	add("set_access_read_only_walled")(postgres.RenderSetAccess(access(engine.AccessReadOnly), walled))
	add("set_access_locked_walled")(postgres.RenderSetAccess(access(engine.AccessLocked), walled))
	add("set_access_read_only_foreign_database")(postgres.RenderSetAccess(access(engine.AccessReadOnly), foreignDB))
	add("ensure_walled")(postgres.RenderEnsure(ensure, v, walled))
	add("drop_walled")(postgres.RenderDrop(drop, walled))
	return cases
}

func mustNil(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func TestRender_Golden(t *testing.T) {
	for name, stmts := range renderCases(t, goldenVerifier(t)) {
		t.Run(name, func(t *testing.T) {
			got := formatStmts(stmts)
			path := filepath.Join("testdata", name+".golden")
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
				t.Errorf("%s rendered (-want +got):\n-%s\n+%s", name, want, got)
			}
		})
	}
}

func formatStmts(stmts []postgres.Stmt) string {
	var b bytes.Buffer
	for i, s := range stmts {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(s.SQL + ";\n")
		if len(s.Args) > 0 {
			args := make([]string, len(s.Args))
			for i, a := range s.Args {
				args[i] = fmt.Sprintf("%#v", a)
			}
			fmt.Fprintf(&b, "-- args: %s\n", strings.Join(args, ", "))
		}
		if s.Drain {
			b.WriteString("-- repeated until it returns 0\n")
		}
		if s.In != "" {
			fmt.Fprintf(&b, "-- in database %s, on a session of its own\n", s.In)
		}
	}
	return b.String()
}

func TestRender_NoPlaintextPassword(t *testing.T) {
	v, err := postgres.ScramVerifier(bytesReader(16), goldenPassword)
	mustNil(t, "ScramVerifier", err)
	for name, stmts := range renderCases(t, v) {
		for _, s := range stmts {
			text := s.SQL + fmt.Sprint(s.Args...)
			if strings.Contains(text, goldenPassword) {
				t.Errorf("%s: statement %q carries the plaintext password", name, s.SQL)
			}
		}
	}
}

// TestRender_OnlyQuotedIdentifiers checks that names reach SQL text only
// quoted: double-quoted as identifiers, or single-quoted as literals where
// PL/pgSQL needs the value; otherwise they are bound arguments.
func TestRender_OnlyQuotedIdentifiers(t *testing.T) {
	quoted := regexp.MustCompile(`"[^"]*"|'(?:[^']|'')*'`)
	for name, stmts := range renderCases(t, goldenVerifier(t)) {
		for _, s := range stmts {
			bare := quoted.ReplaceAllString(s.SQL, "")
			for _, ident := range []string{goldenDB, goldenOwner} {
				if strings.Contains(bare, ident) {
					t.Errorf("%s: %q has %s unquoted", name, s.SQL, ident)
				}
			}
		}
	}
}

func TestRender_Errors(t *testing.T) {
	v := goldenVerifier(t)
	ensure := engine.EnsureDatabaseRequest{Database: goldenDB, Owner: goldenOwner, Password: goldenPassword}
	with := func(f func(r *engine.EnsureDatabaseRequest)) engine.EnsureDatabaseRequest {
		r := ensure
		f(&r)
		return r
	}
	access := engine.SetAccessRequest{Database: goldenDB, Owner: goldenOwner, Access: engine.AccessLocked}
	tests := []struct {
		name     string
		render   func() ([]postgres.Stmt, error)
		wantKind error // nil: any error without a kind
	}{
		{"ensure remote host pattern", func() ([]postgres.Stmt, error) {
			return postgres.RenderEnsure(with(func(r *engine.EnsureDatabaseRequest) { r.Remote = "10.0.0.%" }), v, postgres.State{})
		}, nil},
		{"ensure negative connection limit", func() ([]postgres.Stmt, error) {
			return postgres.RenderEnsure(with(func(r *engine.EnsureDatabaseRequest) { r.MaxConnections = -1 }), v, postgres.State{})
		}, nil},
		{"ensure quote in database name", func() ([]postgres.Stmt, error) {
			return postgres.RenderEnsure(with(func(r *engine.EnsureDatabaseRequest) { r.Database = `x"; DROP DATABASE y; --` }), v, postgres.State{})
		}, nil},
		{"ensure owner starting with a digit", func() ([]postgres.Stmt, error) {
			return postgres.RenderEnsure(with(func(r *engine.EnsureDatabaseRequest) { r.Owner = "9owner" }), v, postgres.State{})
		}, nil},
		{"ensure database owned by another role", func() ([]postgres.Stmt, error) {
			return postgres.RenderEnsure(ensure, v, postgres.State{DBExists: true, DBOwner: "someone_else", RoleExists: true})
		}, engine.ErrExists},
		{"ensure foreign role", func() ([]postgres.Stmt, error) {
			return postgres.RenderEnsure(ensure, v, postgres.State{RoleExists: true, RoleForeign: true})
		}, engine.ErrExists},
		{"drop empty name", func() ([]postgres.Stmt, error) {
			return postgres.RenderDrop(engine.DropDatabaseRequest{Owner: goldenOwner}, postgres.State{})
		}, nil},
		{"set password bad name", func() ([]postgres.Stmt, error) {
			return postgres.RenderSetPassword(engine.SetPasswordRequest{Owner: "x'; DROP ROLE postgres; --", Password: goldenPassword}, v)
		}, nil},
		{"set access missing role", func() ([]postgres.Stmt, error) {
			return postgres.RenderSetAccess(access, postgres.State{})
		}, engine.ErrNotExist},
		{"set access foreign role", func() ([]postgres.Stmt, error) {
			return postgres.RenderSetAccess(access, postgres.State{RoleExists: true, RoleForeign: true})
		}, engine.ErrExists},
		{"set access unknown level", func() ([]postgres.Stmt, error) {
			a := access
			a.Access = "read_write"
			return postgres.RenderSetAccess(a, postgres.State{RoleExists: true})
		}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			stmts, err := tc.render()
			if err == nil {
				t.Fatalf("render = %v, want an error", stmts)
			}
			if tc.wantKind != nil && !errors.Is(err, tc.wantKind) {
				t.Errorf("render error = %v, want kind %v", err, tc.wantKind)
			}
			if strings.Contains(err.Error(), goldenPassword) || strings.Contains(err.Error(), "SCRAM-SHA-256$") {
				t.Errorf("render error %q carries a secret", err)
			}
		})
	}
}

type countingReader byte

func (c *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(*c)
		*c++
	}
	return len(p), nil
}

func bytesReader(seed byte) *countingReader { c := countingReader(seed); return &c }
