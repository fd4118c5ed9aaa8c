package mongo_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/engine/mongo"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

const (
	goldenDB       = "ugx_abcdefghij_1"
	goldenOwner    = "dugx_abcdefghij_1"
	goldenPassword = "Xq3k9ZpL0aVbN7mR2cT5wY8eH1jU4sDf"
)

// renderCases renders every request shape once, for both flavors where
// they differ. Keys are golden file names.
func renderCases(t *testing.T) map[string][]mongo.Cmd {
	t.Helper()
	ensure := engine.EnsureDatabaseRequest{Database: goldenDB, Owner: goldenOwner, Password: goldenPassword, Remote: "%"}
	drop := engine.DropDatabaseRequest{Database: goldenDB, Owner: goldenOwner}
	access := func(a engine.Access) engine.SetAccessRequest {
		return engine.SetAccessRequest{Database: goldenDB, Owner: goldenOwner, Access: a}
	}
	ours := mongo.State{DBExists: true, Users: []string{goldenOwner}}
	foreign := mongo.State{DBExists: true, Users: []string{goldenOwner, "someone_else"}}

	cases := map[string][]mongo.Cmd{
		"queries": {
			mongo.CmdPing, mongo.CmdBuildInfo, mongo.CmdPrivileges, mongo.CmdSizes,
			mongo.RenderUsersInfo(goldenDB), mongo.RenderDatabaseExists(goldenDB),
		},
		"find_user_mongodb":  {mongo.RenderFindUser(goldenOwner, mongo.FlavorMongoDB)},
		"find_user_ferretdb": {mongo.RenderFindUser(goldenOwner, mongo.FlavorFerretDB)},
	}
	add := func(name string) func([]mongo.Cmd, error) {
		return func(cmds []mongo.Cmd, err error) {
			t.Helper()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			cases[name] = cmds
		}
	}
	for _, f := range []struct {
		suffix string
		flavor mongo.Flavor
	}{{"mongodb", mongo.FlavorMongoDB}, {"ferretdb", mongo.FlavorFerretDB}} {
		add("ensure_new_" + f.suffix)(mongo.RenderEnsure(ensure, mongo.State{}, f.flavor))
		add("ensure_existing_database_" + f.suffix)(mongo.RenderEnsure(ensure, mongo.State{DBExists: true}, f.flavor))
		add("ensure_converged_" + f.suffix)(mongo.RenderEnsure(ensure, ours, f.flavor))
		add("drop_all_" + f.suffix)(mongo.RenderDrop(drop, ours, f.flavor))
		add("drop_gone_" + f.suffix)(mongo.RenderDrop(drop, mongo.State{}, f.flavor))
		add("drop_foreign_database_" + f.suffix)(mongo.RenderDrop(drop, foreign, f.flavor))
		add("set_password_" + f.suffix)(mongo.RenderSetPassword(engine.SetPasswordRequest{Owner: goldenOwner, Password: goldenPassword}, goldenDB))
	}
	add("set_access_active_mongodb")(mongo.RenderSetAccess(access(engine.AccessActive), mongo.FlavorMongoDB))
	add("set_access_read_only_mongodb")(mongo.RenderSetAccess(access(engine.AccessReadOnly), mongo.FlavorMongoDB))
	add("set_access_locked_mongodb")(mongo.RenderSetAccess(access(engine.AccessLocked), mongo.FlavorMongoDB))
	add("set_access_active_ferretdb")(mongo.RenderSetAccess(access(engine.AccessActive), mongo.FlavorFerretDB))
	return cases
}

func TestRender_Golden(t *testing.T) {
	for name, cmds := range renderCases(t) {
		t.Run(name, func(t *testing.T) {
			got := formatCmds(t, cmds)
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

// formatCmds writes each command as its database and its canonical
// extended JSON, which keeps BSON types (int32 against double) visible.
func formatCmds(t *testing.T, cmds []mongo.Cmd) string {
	t.Helper()
	var b bytes.Buffer
	if len(cmds) == 0 {
		b.WriteString("// nothing to run\n")
	}
	for i, c := range cmds {
		if i > 0 {
			b.WriteString("\n")
		}
		j, err := bson.MarshalExtJSON(c.Doc, true, false)
		if err != nil {
			t.Fatalf("MarshalExtJSON(%v): %v", c.Doc, err)
		}
		fmt.Fprintf(&b, "// db: %s\n", c.DB)
		if len(c.Ignore) > 0 {
			fmt.Fprintf(&b, "// ignore codes: %v\n", c.Ignore)
		}
		if c.Secret {
			b.WriteString("// carries a password: never logged\n")
		}
		b.Write(j)
		b.WriteString("\n")
	}
	return b.String()
}

// TestRender_SecretMarked: every command that carries the password is
// marked Secret, and no other command carries it.
func TestRender_SecretMarked(t *testing.T) {
	for name, cmds := range renderCases(t) {
		for _, c := range cmds {
			j, err := bson.MarshalExtJSON(c.Doc, true, false)
			if err != nil {
				t.Fatal(err)
			}
			if has := strings.Contains(string(j), goldenPassword); has != c.Secret {
				t.Errorf("%s: %s carries the password = %v, Secret = %v", name, c.Doc[0].Key, has, c.Secret)
			}
		}
	}
}

func TestRender_Errors(t *testing.T) {
	ensure := engine.EnsureDatabaseRequest{Database: goldenDB, Owner: goldenOwner, Password: goldenPassword}
	with := func(f func(r *engine.EnsureDatabaseRequest)) engine.EnsureDatabaseRequest {
		r := ensure
		f(&r)
		return r
	}
	access := func(a engine.Access) engine.SetAccessRequest {
		return engine.SetAccessRequest{Database: goldenDB, Owner: goldenOwner, Access: a}
	}
	tests := []struct {
		name     string
		render   func() ([]mongo.Cmd, error)
		wantKind error // nil: any error without a kind
	}{
		{"ensure operator in database name", func() ([]mongo.Cmd, error) {
			return mongo.RenderEnsure(with(func(r *engine.EnsureDatabaseRequest) { r.Database = "x$where" }), mongo.State{}, mongo.FlavorMongoDB)
		}, nil},
		{"ensure dotted owner", func() ([]mongo.Cmd, error) {
			return mongo.RenderEnsure(with(func(r *engine.EnsureDatabaseRequest) { r.Owner = "admin.root" }), mongo.State{}, mongo.FlavorMongoDB)
		}, nil},
		{"ensure empty password", func() ([]mongo.Cmd, error) {
			return mongo.RenderEnsure(with(func(r *engine.EnsureDatabaseRequest) { r.Password = "" }), mongo.State{}, mongo.FlavorMongoDB)
		}, nil},
		{"ensure database with another user", func() ([]mongo.Cmd, error) {
			return mongo.RenderEnsure(ensure, mongo.State{DBExists: true, Users: []string{"someone_else"}}, mongo.FlavorMongoDB)
		}, engine.ErrExists},
		{"drop empty owner", func() ([]mongo.Cmd, error) {
			return mongo.RenderDrop(engine.DropDatabaseRequest{Database: goldenDB}, mongo.State{}, mongo.FlavorMongoDB)
		}, nil},
		{"set password bad database", func() ([]mongo.Cmd, error) {
			return mongo.RenderSetPassword(engine.SetPasswordRequest{Owner: goldenOwner, Password: goldenPassword}, "")
		}, nil},
		{"set access unknown level", func() ([]mongo.Cmd, error) {
			return mongo.RenderSetAccess(access("read_write"), mongo.FlavorMongoDB)
		}, nil},
		{"set access read_only on FerretDB", func() ([]mongo.Cmd, error) {
			return mongo.RenderSetAccess(access(engine.AccessReadOnly), mongo.FlavorFerretDB)
		}, engine.ErrUnsupported},
		{"set access locked on FerretDB", func() ([]mongo.Cmd, error) {
			return mongo.RenderSetAccess(access(engine.AccessLocked), mongo.FlavorFerretDB)
		}, engine.ErrUnsupported},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmds, err := tc.render()
			if err == nil {
				t.Fatalf("render = %v, want an error", cmds)
			}
			if tc.wantKind != nil && !errors.Is(err, tc.wantKind) {
				t.Errorf("render error = %v, want kind %v", err, tc.wantKind)
			}
			if strings.Contains(err.Error(), goldenPassword) {
				t.Errorf("render error %q carries the password", err)
			}
		})
	}
}
