package web_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/dbplane/dbplane"
)

// TestAdminOverview_Drift: the overview counts the drift findings a sweep
// could not repair (a database dropped behind dbplane's back).
func TestAdminOverview_Drift(t *testing.T) {
	a := newApp(t, appOptions{})
	ctx := context.Background()
	svc := a.srv.Service()
	op, _ := a.admOperator(t)
	if p := op.get("/admin"); !strings.Contains(p.text(), "0 drift finding(s) not repaired") {
		t.Fatalf("overview before any drift: %q", p.text())
	}
	acct := a.tenant(t, "drift@example.com", nil, "drift's long password")
	cr, err := svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: acct, Label: "gone"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.maria.AdminDB().ExecContext(ctx, "DROP DATABASE `"+cr.Database.DBName+"`"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SweepDrift(ctx); err != nil {
		t.Fatal(err)
	}
	// Other tests' databases on the shared server are unknown to this
	// store and count too: at least the dropped one.
	p := op.get("/admin")
	m := regexp.MustCompile(`(\d+) drift finding\(s\) not repaired`).FindStringSubmatch(p.text())
	if m == nil || m[1] == "0" || !strings.Contains(p.text(), "dbplane drift list") {
		t.Errorf("overview after a database was dropped: %q", p.text())
	}
}
