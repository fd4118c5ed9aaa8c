package postgres_test

import (
	"strings"
	"testing"

	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/engine/postgres"
)

// TestRenderClaim pins what a claim does in each state its look can find:
// rename only when the warm database is there as Placeholder made it and
// the wanted names are free; otherwise a normal Ensure (with LOGIN, as
// the role may be the renamed NOLOGIN one).
func TestRenderClaim(t *testing.T) {
	const warm = "dbplane_warm_01jabcdefghjkmnpqrstvwxyz0"
	req := engine.EnsureDatabaseRequest{Database: goldenDB, Owner: goldenOwner, Password: goldenPassword, Remote: "%", MaxConnections: 5,
		Claim: &engine.WarmNames{Database: warm, Owner: warm}}
	ready := postgres.State{WarmDBExists: true, WarmDBOwner: warm, WarmRoleExists: true}
	for _, tc := range []struct {
		name    string
		st      postgres.State
		rename  bool
		claimed bool
		first   string // prefix of the first statement
	}{
		{"warm database ready", ready, true, true, `ALTER ROLE "` + warm + `" RENAME TO "` + goldenOwner + `"; ALTER DATABASE "` + warm + `" RENAME TO "` + goldenDB + `"; ALTER ROLE "` + goldenOwner + `" WITH LOGIN PASSWORD `},
		{"replay after the rename", postgres.State{DBExists: true, DBOwner: goldenOwner, RoleExists: true}, false, true, `ALTER ROLE "` + goldenOwner + `" WITH LOGIN PASSWORD `},
		{"warm database gone", postgres.State{}, false, false, `CREATE ROLE "` + goldenOwner + `" WITH LOGIN PASSWORD `},
		{"warm role foreign", postgres.State{WarmDBExists: true, WarmDBOwner: warm, WarmRoleExists: true, WarmRoleForeign: true}, false, false, `CREATE ROLE`},
		{"warm database owned by another role", postgres.State{WarmDBExists: true, WarmDBOwner: "x", WarmRoleExists: true}, false, false, `CREATE ROLE`},
		{"wanted role exists", postgres.State{RoleExists: true, WarmDBExists: true, WarmDBOwner: warm, WarmRoleExists: true}, false, false, `ALTER ROLE "` + goldenOwner + `" WITH LOGIN`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stmts, claimed, err := postgres.RenderClaim(req, "SCRAM-SHA-256$4096:c2FsdA==$a2V5:c2Vy", tc.st)
			if err != nil {
				t.Fatal(err)
			}
			if claimed != tc.claimed || len(stmts) == 0 || !strings.HasPrefix(stmts[0].SQL, tc.first) {
				t.Fatalf("RenderClaim = %d statements, first %q, claimed %v; want first %q…, claimed %v", len(stmts), stmts[0].SQL, claimed, tc.first, tc.claimed)
			}
			if rename := strings.Contains(stmts[0].SQL, "RENAME"); rename != tc.rename || (tc.rename && len(stmts) != 1) {
				t.Errorf("RenderClaim: %d statements, rename %v; want rename %v in one statement", len(stmts), rename, tc.rename)
			}
		})
	}
	// A claim into the warm names themselves, or of a placeholder, is a mistake.
	bad := req
	bad.Claim = &engine.WarmNames{Database: goldenDB, Owner: warm}
	if _, _, err := postgres.RenderClaim(bad, "v", ready); err == nil {
		t.Error("RenderClaim into the warm database's own name = nil, want an error")
	}
	bad = req
	bad.Claim = &engine.WarmNames{Database: warm, Owner: "1bad name"}
	if _, _, err := postgres.RenderClaim(bad, "v", ready); err == nil {
		t.Error("RenderClaim with an invalid warm name = nil, want an error")
	}
}
