package web_test

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/config"
)

// TestAdminOverview: the overview shows hosts, databases by status,
// engine changes not settled with their error and accounts over quota;
// with a host hung it still answers at once, Check hosts now is bounded
// and marks the hung host down, and the overview then says why.
func TestAdminOverview(t *testing.T) {
	a := newApp(t, appOptions{config: func(c *config.Config) { c.EngineTimeout = 2 * time.Second }})
	ctx := context.Background()
	svc := a.srv.Service()
	op, _ := a.admOperator(t)
	proxy := startProxy(t, a.maria)
	ph, pp, _ := net.SplitHostPort(proxy.addr)
	port, _ := strconv.Atoi(pp)
	cfg := a.maria.AdminConfig()
	hung := a.addHostAt(t, "maria-hang", a.maria, ph, port)
	maria := a.mariaID

	// Ada is over quota on maria-1; Bob has a database on maria-hang.
	ada := a.tenant(t, "ada@example.com", nil, "ada's long password")
	a.api(t, 200, "PATCH", "/api/admin/database-hosts/"+hung, a.adminKey, map[string]any{"enabled": false})
	cr, err := svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: ada, Label: "app"})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.maria.ExecAs(ctx, cr.Database.DBUser, string(cr.Password), cr.Database.DBName, "CREATE TABLE t (x INT)"); err != nil {
		t.Fatal(err)
	}
	a.api(t, 200, "PATCH", "/api/admin/accounts/"+ada, a.adminKey, map[string]any{"storageBytes": 1})
	a.api(t, 200, "PATCH", "/api/admin/database-hosts/"+hung, a.adminKey, map[string]any{"enabled": true})
	a.api(t, 200, "PATCH", "/api/admin/database-hosts/"+maria, a.adminKey, map[string]any{"enabled": false})
	bob := a.tenant(t, "bob@example.com", nil, "bob's long password")
	bobDB, err := svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: bob, Label: "bobdb"})
	if err != nil {
		t.Fatal(err)
	}
	if bobDB.Database.HostID != hung {
		t.Fatalf("bob's database is on %s, want maria-hang", bobDB.Database.HostID)
	}
	a.api(t, 200, "PATCH", "/api/admin/database-hosts/"+maria, a.adminKey, map[string]any{"enabled": true})
	a.api(t, 200, "POST", "/api/admin/quota/refresh", a.adminKey, nil)

	p := op.get("/admin")
	admStatus(t, "GET /admin", p, http.StatusOK)
	checkPage(t, "admin-overview", p)
	for _, want := range []string{"maria-1", "maria-hang", "Databases by status", "over_quota", "ada@example.com", "1 account(s) over quota"} {
		if !strings.Contains(p.text(), want) {
			t.Errorf("the overview does not show %q: %s", want, p.text())
		}
	}
	if !admHasLink(p, "/admin/databases?engine=mariadb&status=over_quota") {
		t.Error("the status table does not link to the filtered list")
	}

	// The host hangs: a rotate on it times out and stays unsettled.
	proxy.hang()
	if _, err := svc.RotatePassword(ctx, bob, bobDB.Database.ID); err == nil {
		t.Fatal("a rotate on a hung host succeeded")
	}
	_ = svc.Reconcile(ctx, 0) // records the attempt's error

	start := time.Now()
	p = op.get("/admin")
	if took := time.Since(start); took > time.Second {
		t.Errorf("the overview took %s with a host hung", took)
	}
	admStatus(t, "GET /admin with a host hung", p, http.StatusOK)
	changes := p.text()[strings.Index(p.text(), "Engine changes not settled Each"):]
	for _, want := range []string{"rotate", bobDB.Database.DBName, "maria-hang"} {
		if !strings.Contains(changes, want) {
			t.Errorf("the unsettled changes do not show %q: %s", want, changes)
		}
	}

	start = time.Now()
	p = op.post("/admin/check-hosts", nil)
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("Check hosts now took %s with a host hung", took)
	}
	admStatus(t, "Check hosts now", p, http.StatusOK)
	checkPage(t, "admin-overview checked", p)
	row := func(p *page, name string) string {
		for _, tr := range p.all("tr") {
			if txt := strings.Join(strings.Fields(nodeText(tr)), " "); strings.HasPrefix(strings.ReplaceAll(txt, " ", ""), name+"MariaDB") {
				return txt
			}
		}
		return ""
	}
	if r := row(p, "maria-hang"); !strings.Contains(r, "down") {
		t.Errorf("after the check maria-hang reads %q, want down", r)
	}
	if r := row(p, "maria-1"); !strings.Contains(r, "up") || !strings.Contains(r, "Connection successful") {
		t.Errorf("after the check maria-1 reads %q, want up", r)
	}
	// The overview now knows, without a check, why the host is down.
	p = op.get("/admin")
	if r := row(p, "maria-hang"); !strings.Contains(r, "down") || !strings.Contains(r, "did not answer") {
		t.Errorf("the overview after the check reads %q for maria-hang", r)
	}
	hosts := op.get("/admin/hosts")
	if r := row(hosts, "maria-hang"); !strings.Contains(r, "down") {
		t.Errorf("the hosts list reads %q for maria-hang, want down", r)
	}
	if r := row(hosts, "maria-1"); strings.Contains(r, "down") {
		t.Errorf("the hosts list reads %q for maria-1", r)
	}
	if strings.Contains(p.body, cfg.Password) || strings.Contains(a.logs.String(), cfg.Password) {
		t.Error("the host password appears in the overview or the logs")
	}
}
