package cli_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/dbplane/dbplane/internal/dbtest"
)

// TestDriftCommands: a password changed behind dbplane's back is found
// and repaired by 'drift sweep', listed by 'drift list' with its repair,
// and the revealed password logs in again; a read-only key may list but
// not sweep.
func TestDriftCommands(t *testing.T) {
	t.Parallel()
	maria := dbtest.MariaDB(t)
	in := startInstance(t)
	in.addHost(t, maria)
	_, userKey := in.addTenant(t, "drift@example.com", 5)
	r := in.mustCLI(t, 0, userKey, "database", "create", "app", "-o", "json")
	var db struct {
		ID, DBName, DBUser, Password string
	}
	if err := json.Unmarshal([]byte(r.stdout), &db); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := maria.AdminDB().ExecContext(ctx, "ALTER USER '"+db.DBUser+"'@'%' IDENTIFIED BY 'changed-behind-its-back'"); err != nil {
		t.Fatal(err)
	}
	r = in.mustCLI(t, 0, userKey, "database", "create", "gone", "-o", "json")
	var gone struct{ DBName string }
	if err := json.Unmarshal([]byte(r.stdout), &gone); err != nil {
		t.Fatal(err)
	}
	if _, err := maria.AdminDB().ExecContext(ctx, "DROP DATABASE `"+gone.DBName+"`"); err != nil {
		t.Fatal(err)
	}
	if m := scrape(t, in.url, ""); m[`dbplane_drift_findings{kind="missing_database"}`] != 0 {
		t.Errorf("dbplane_drift_findings{missing_database} = %v before any sweep", m[`dbplane_drift_findings{kind="missing_database"}`])
	}

	r = in.mustCLI(t, 0, in.adminKey, "drift", "sweep")
	if !strings.Contains(r.stdout, "swept") || !strings.Contains(r.stdout, "repaired") {
		t.Errorf("drift sweep printed %q", r.stdout)
	}
	m := scrape(t, in.url, "")
	if m[`dbplane_drift_findings{kind="missing_database"}`] != 1 || m[`dbplane_drift_findings{kind="password_mismatch"}`] != 0 {
		t.Errorf("dbplane_drift_findings after the sweep: missing_database %v, password_mismatch %v; want 1 and 0 (repaired)",
			m[`dbplane_drift_findings{kind="missing_database"}`], m[`dbplane_drift_findings{kind="password_mismatch"}`])
	}
	r = in.mustCLI(t, 0, in.adminKey, "drift", "list", "--kind", "password_mismatch", "-o", "json")
	var findings []struct {
		Kind, Object, Repair string
		DatabaseID           *string
	}
	if err := json.Unmarshal([]byte(r.stdout), &findings); err != nil {
		t.Fatal(err)
	}
	if len(findings) != 1 || findings[0].Object != db.DBUser || findings[0].Repair != "repaired" || findings[0].DatabaseID == nil || *findings[0].DatabaseID != db.ID {
		t.Errorf("drift list --kind password_mismatch = %s, want the changed user, repaired", r.stdout)
	}
	r = in.mustCLI(t, 0, in.adminKey, "drift", "list")
	if !strings.Contains(r.stdout, "password_mismatch") || !strings.Contains(r.stdout, db.DBUser) {
		t.Errorf("drift list printed %q", r.stdout)
	}
	mustNotContain(t, "drift list", r.stdout, db.Password)
	if err := maria.ConnectAs(ctx, db.DBUser, db.Password, db.DBName); err != nil {
		t.Errorf("after drift sweep the stored password does not log in: %v", err)
	}

	in.mustCLI(t, 2, in.adminKey, "drift", "list", "--kind", "everything")
	k := in.mustCLI(t, 0, in.adminKey, "key", "create", "reader", "--admin", "--permissions", "server_databases:read", "-o", "json")
	var key struct{ Key string }
	if err := json.Unmarshal([]byte(k.stdout), &key); err != nil {
		t.Fatal(err)
	}
	in.mustCLI(t, 0, key.Key, "drift", "list")
	in.mustCLI(t, 4, key.Key, "drift", "sweep")
}
