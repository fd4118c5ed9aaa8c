package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/dbplane/dbplane"
)

// TestAdminPagesHiddenFromUsers: every operator page is the 404 page for a
// tenant, GET or POST, and a redirect to sign in when signed out; an
// operator sees each of them, and each passes checkPage.
func TestAdminPagesHiddenFromUsers(t *testing.T) {
	a := newApp(t)
	op, opID := a.admOperator(t)
	host := a.mariaID
	ada := a.tenant(t, "ada@example.com", 3, "ada's long password")
	cr, err := a.srv.Service().CreateDatabase(context.Background(), dbplane.CreateDatabaseInput{AccountID: ada, Label: "app"})
	if err != nil {
		t.Fatal(err)
	}
	db := cr.Database.ID
	node, err := a.srv.Service().CreateNode(context.Background(), "node-a")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := a.srv.Service().CreateServer(context.Background(), dbplane.ServerInput{Name: "mc", OwnerID: ada, NodeID: node.ID})
	if err != nil {
		t.Fatal(err)
	}
	keys, _ := a.srv.Service().ListAdminKeys(context.Background())
	key, keyAcct := keys[0].ID, keys[0].AccountID
	tenant := a.signIn(t, "ada@example.com", "ada's long password")
	pages := []string{
		"/admin", "/admin/hosts", "/admin/hosts/new", "/admin/hosts/" + host,
		"/admin/accounts", "/admin/accounts/" + opID,
		"/admin/databases", "/admin/databases?engine=mariadb&status=active", "/admin/databases/" + db + "/delete",
		"/admin/nodes", "/admin/servers", "/admin/servers/" + srv.ID, "/admin/keys",
	}
	posts := []string{
		"/admin/check-hosts", "/admin/hosts", "/admin/hosts/test", "/admin/hosts/" + host, "/admin/hosts/" + host + "/test",
		"/admin/hosts/" + host + "/disable", "/admin/hosts/" + host + "/delete",
		"/admin/accounts", "/admin/accounts/" + opID, "/admin/accounts/" + opID + "/suspend",
		"/admin/accounts/" + opID + "/password-link",
		"/admin/databases/quota-pass", "/admin/databases/" + db + "/disable", "/admin/databases/" + db + "/delete",
		"/admin/nodes", "/admin/servers", "/admin/servers/" + srv.ID, "/admin/servers/" + srv.ID + "/delete",
		"/admin/servers/" + srv.ID + "/subusers", "/admin/keys", "/admin/keys/" + key + "/disable", "/admin/keys/" + key + "/delete",
		"/admin/accounts/" + keyAcct + "/keys/" + key + "/disable", "/admin/accounts/" + keyAcct + "/keys/" + key + "/delete",
	}
	for _, path := range pages {
		p := op.get(path)
		if p.status != http.StatusOK {
			t.Errorf("operator GET %s = %d", path, p.status)
			continue
		}
		checkPage(t, path, p)
		if !strings.Contains(p.body, `aria-current="page"`) {
			t.Errorf("%s marks no current page", path)
		}
		if p := tenant.get(path); p.status != http.StatusNotFound {
			t.Errorf("tenant GET %s = %d, want 404", path, p.status)
		}
		if p := a.browser(t).get(path); p.status != http.StatusSeeOther {
			t.Errorf("signed-out GET %s = %d, want 303", path, p.status)
		}
	}
	for _, path := range posts {
		if p := tenant.post(path, admForm("name", "x", "email", "x@example.com")); p.status != http.StatusNotFound {
			t.Errorf("tenant POST %s = %d, want 404", path, p.status)
		}
	}
	// Nothing the tenant sent changed anything.
	if p := op.get("/admin/hosts/" + host); !p.hasButton("Disable") {
		t.Error("the tenant's POST disabled the host")
	}
	if strings.Contains(op.get("/admin/accounts").text(), "x@example.com") {
		t.Error("the tenant's POST created an account")
	}
	if ks, _ := a.srv.Service().ListAdminKeys(context.Background()); len(ks) != 1 || ks[0].Disabled {
		t.Error("the tenant's POST made, disabled or deleted an admin key")
	}
	if _, err := a.srv.Service().Server(context.Background(), srv.ID); err != nil {
		t.Error("the tenant's POST deleted the server")
	}
	if d, err := a.srv.Service().Database(context.Background(), db); err != nil || d.AdminDisabled {
		t.Errorf("the tenant's POST disabled or deleted a database: %v", err)
	}
}
