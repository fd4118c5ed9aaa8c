package web_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/dbplane/dbplane/internal/dbtest"
)

// TestAdminRetireHostAndDeleteAccount: the operator retires a killed
// MariaDB from its page (after typing its name), sees the orphan left on
// it, the tenant sees the database as orphaned, and the operator deletes
// the tenant's account: refused without ticking the cascade, done with it.
func TestAdminRetireHostAndDeleteAccount(t *testing.T) {
	doomed, err := dbtest.StartMariaDB(context.Background(), t.TempDir())
	if errors.Is(err, dbtest.ErrNotInstalled) && os.Getenv("CI") != "true" {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { doomed.Stop() })
	a := newApp(t)
	doomedID := a.addHost(t, "doomed", doomed)
	const email, pw = "orphan@example.com", "the tenant's long password"
	acct := a.tenant(t, email, 5, pw)
	// Only the doomed host takes the database.
	a.api(t, 200, "PATCH", "/api/admin/database-hosts/"+a.mariaID, a.adminKey, map[string]any{"enabled": false})
	key := a.api(t, 201, "POST", "/api/admin/accounts/"+acct+"/keys", a.adminKey, map[string]any{"name": "k"})["key"].(string)
	d := a.api(t, 201, "POST", "/api/v1/db/databases", key, map[string]any{"name": "shop", "engine": "mariadb"})
	dbName := d["dbName"].(string)
	a.api(t, 200, "PATCH", "/api/admin/database-hosts/"+a.mariaID, a.adminKey, map[string]any{"enabled": true})
	if err := doomed.Stop(); err != nil {
		t.Fatal(err)
	}

	op, _ := a.admOperator(t)
	page := op.get("/admin/hosts/" + doomedID)
	admStatus(t, "GET the host", page, http.StatusOK)
	if !page.hasButton("Retire host") {
		t.Fatalf("the host page has no Retire host button: %s", page.text())
	}
	p := op.post("/admin/hosts/"+doomedID+"/retire", admForm("confirm", "not its name"))
	admStatus(t, "retire with the wrong name", p, http.StatusUnprocessableEntity)
	if h := a.api(t, 200, "GET", "/api/admin/database-hosts/"+doomedID, a.adminKey, nil); h["retiredAt"] != nil {
		t.Fatalf("a refused retire retired the host: %v", h["retiredAt"])
	}
	p = op.post("/admin/hosts/"+doomedID+"/retire", admForm("confirm", "doomed"))
	admStatus(t, "retire", p, http.StatusOK)
	checkPage(t, "admin-host retired", p)
	if o := p.byID("orphans"); o == nil || !strings.Contains(nodeText(o), dbName) {
		t.Errorf("the retired host's page does not list the orphan %s: %s", dbName, p.text())
	}

	tenant := a.signIn(t, email, pw)
	if home := tenant.get("/"); !strings.Contains(home.text(), "orphaned") {
		t.Errorf("the tenant's databases page does not show orphaned: %s", home.text())
	}
	// Its page offers only the delete: reveal and rotate cannot work.
	dp := tenant.get("/databases/" + d["id"].(string))
	admStatus(t, "GET the orphaned database", dp, http.StatusOK)
	checkPage(t, "database orphaned", dp)
	for _, label := range []string{"Reveal password", "Rotate password"} {
		if dp.hasButton(label) {
			t.Errorf("the orphaned database's page offers %q", label)
		}
	}
	if !dp.hasButton("Delete") {
		t.Errorf("the orphaned database's page has no Delete button: %s", dp.text())
	}

	p = op.post("/admin/accounts/"+acct+"/delete", admForm("confirm", email))
	admStatus(t, "delete without cascade", p, http.StatusConflict)
	if !strings.Contains(p.text(), "cascade") {
		t.Errorf("the refusal does not say why: %s", p.text())
	}
	p = op.post("/admin/accounts/"+acct+"/delete", admForm("confirm", email, "cascade", "on"))
	admStatus(t, "delete with cascade", p, http.StatusSeeOther)
	if loc := p.header.Get("Location"); loc != "/admin/accounts?m=deleted" {
		t.Errorf("after the delete, Location %q", loc)
	}
	a.api(t, 404, "GET", "/api/admin/accounts/"+acct, a.adminKey, nil)
	// The retired host is empty now and can go.
	a.api(t, 204, "DELETE", "/api/admin/database-hosts/"+doomedID, a.adminKey, nil)
}
