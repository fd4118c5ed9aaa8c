package dbplane_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbplane/dbplane"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestAdminGrants pins the statements per engine, with names that need
// quoting. The statements are also run on a real MariaDB by the web
// tests (TestAdminHostGrantFix).
func TestAdminGrants(t *testing.T) {
	var sb strings.Builder
	for _, e := range dbplane.Engines {
		for _, user := range []string{"dbplane", `o'brien\"x`} {
			sb.WriteString("-- " + string(e) + " " + user + "\n")
			for _, s := range dbplane.AdminGrants(e, user, "") {
				sb.WriteString(s + "\n")
			}
		}
	}
	sb.WriteString("-- mongo dbplane, authenticated on ops\n")
	for _, s := range dbplane.AdminGrants(dbplane.EngineMongo, "dbplane", "ops") {
		sb.WriteString(s + "\n")
	}
	if got := dbplane.AdminGrants("oracle", "x", ""); got != nil {
		t.Errorf("AdminGrants(oracle) = %q, want nil", got)
	}
	golden := filepath.Join("testdata", "grants.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(sb.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if sb.String() != string(want) {
		t.Errorf("AdminGrants differ from %s (go test -run TestAdminGrants -update):\n%s", golden, sb.String())
	}
}
