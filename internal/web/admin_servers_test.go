package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/dbplane/dbplane"
)

// TestAdminNodesServersSubusers creates a node and a server from the
// pages, gives a subuser database permissions that the service then
// honours, refuses what the service refuses, and will not delete a
// server with databases.
func TestAdminNodesServersSubusers(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	svc := a.srv.Service()
	op, _ := a.admOperator(t)
	ada := a.tenant(t, "ada@example.com", nil, "ada's long password")
	bob := a.tenant(t, "bob@example.com", nil, "bob's long password")

	p := op.get("/admin/nodes")
	admStatus(t, "GET /admin/nodes", p, http.StatusOK)
	checkPage(t, "admin-nodes", p)
	admStatus(t, "Create a node without a name", op.post("/admin/nodes", admForm("name", "")), http.StatusUnprocessableEntity)
	admStatus(t, "Create node", op.post("/admin/nodes", admForm("name", "node-a")), http.StatusSeeOther)
	nodes, _ := svc.ListNodes(ctx)
	if len(nodes) != 1 || nodes[0].Name != "node-a" || !strings.Contains(op.get("/admin/nodes").text(), "node-a") {
		t.Fatalf("nodes = %v", nodes)
	}
	node := nodes[0].ID

	p = op.get("/admin/servers")
	admStatus(t, "GET /admin/servers", p, http.StatusOK)
	checkPage(t, "admin-servers", p)
	eve := "eve@example.com" // an account no server page shows
	a.tenant(t, eve, nil, "eve's long password")
	if strings.Contains(p.body, eve) {
		t.Error("the servers page shows an account that owns none of its servers")
	}
	admStatus(t, "Create a server without an owner", op.post("/admin/servers", admForm("name", "mc", "node", node)), http.StatusUnprocessableEntity)
	// The owner is typed by email, whole and in its case; an email of no
	// account is refused beside the field and creates nothing.
	for _, email := range []string{"nobody@example.com", "ADA@example.com", "ada@example", ada} {
		p = op.post("/admin/servers", admForm("name", "mc", "owner", email, "node", node))
		admStatus(t, "Create a server for "+email, p, http.StatusUnprocessableEntity)
		if !strings.Contains(p.text(), "No account has the email "+email) || !strings.Contains(p.body, `aria-invalid="true"`) || strings.Contains(p.body, eve) {
			t.Errorf("an owner of no account (%s) = %s", email, p.text())
		}
		if v, _ := attr(p.byID("owner"), "value"); v != email {
			t.Errorf("the owner field lost what was typed: %q, want %q", v, email)
		}
	}
	if _, n, _ := svc.ListServers(ctx, dbplane.Page{Page: 1, PerPage: 10}); n != 0 {
		t.Fatalf("a refused create made %d servers", n)
	}
	p = op.post("/admin/servers", admForm("name", "mc", "owner", "ada@example.com", "node", node, "limit", "2"))
	admStatus(t, "Create server", p, http.StatusSeeOther)
	srvURL := strings.TrimSuffix(p.header.Get("Location"), "?m=created")
	srvID := strings.TrimPrefix(srvURL, "/admin/servers/")
	p = op.get(srvURL)
	admStatus(t, "GET the server", p, http.StatusOK)
	checkPage(t, "admin-server", p)
	if !strings.Contains(p.text(), "ada@example.com") || !strings.Contains(p.text(), "node-a") || !strings.Contains(p.text(), "0 of 2") {
		t.Errorf("the server page = %s", p.text())
	}
	if s, _ := svc.Server(ctx, srvID); s.OwnerID != ada {
		t.Errorf("the server's owner = %s, want ada (%s)", s.OwnerID, ada)
	}
	if strings.Contains(p.body, eve) || strings.Contains(op.get("/admin/servers").body, eve) {
		t.Error("a server page shows an account that is neither its owner nor a subuser")
	}
	if !strings.Contains(op.get("/admin/servers").text(), "mc") {
		t.Error("the servers list lacks the new server")
	}

	// A subuser with two permissions; the service honours exactly those.
	// An email of no account: refused beside the field, no subuser.
	for _, email := range []string{"nobody@example.com", "Bob@example.com", bob} {
		p = op.post(srvURL+"/subusers", admForm("account", email, "permission", dbplane.PermDatabaseRead))
		admStatus(t, "Save subuser "+email, p, http.StatusUnprocessableEntity)
		if !strings.Contains(p.text(), "No account has the email "+email) || !strings.Contains(p.body, `aria-invalid="true"`) || strings.Contains(p.body, eve) {
			t.Errorf("a subuser of no account (%s) = %s", email, p.text())
		}
	}
	if subs, _ := svc.ListSubusers(ctx, srvID); len(subs) != 0 {
		t.Fatalf("a refused subuser was saved: %v", subs)
	}
	p = op.post(srvURL+"/subusers", admForm("account", "bob@example.com", "permission", dbplane.PermDatabaseRead))
	admStatus(t, "Save subuser", p, http.StatusSeeOther)
	bobAcct, _ := svc.Account(ctx, bob)
	_, access, err := svc.ServerAccess(ctx, bobAcct, srvID)
	if err != nil || !access.Can(dbplane.PermDatabaseRead) || access.Can(dbplane.PermDatabaseCreate) {
		t.Errorf("bob's access = %+v, %v; want database.read only", access, err)
	}
	if p := op.get(srvURL); !strings.Contains(p.text(), "bob@example.com") || !strings.Contains(p.text(), "database.read") {
		t.Errorf("the subusers list = %s", p.text())
	}
	if p := op.post(srvURL+"/subusers", admForm("account", "ada@example.com", "permission", dbplane.PermDatabaseRead)); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.text(), "owner") {
		t.Errorf("the owner as a subuser = %d %s", p.status, p.text())
	}
	if p := op.post(srvURL+"/subusers", admForm("account", "bob@example.com", "permission", "database.everything")); p.status != http.StatusUnprocessableEntity {
		t.Errorf("an unknown permission = %d", p.status)
	}
	admStatus(t, "Remove subuser", op.post(srvURL+"/subusers/"+bob+"/remove", nil), http.StatusSeeOther)
	if _, _, err := svc.ServerAccess(ctx, bobAcct, srvID); dbplane.ErrorCode(err) != dbplane.CodeNotFound {
		t.Errorf("bob still has access after removal: %v", err)
	}

	// Limits and delete.
	admStatus(t, "Save", op.post(srvURL, admForm("name", "mc-1", "limit", "")), http.StatusSeeOther)
	if p := op.get(srvURL); !strings.Contains(p.text(), "Server mc-1") {
		t.Errorf("the server was not renamed: %s", p.text())
	}
	if _, err := svc.CreateServerDatabase(ctx, dbplane.ServerDatabaseInput{ServerID: srvID, Name: "world", MinNameLength: 1}); err != nil {
		t.Fatal(err)
	}
	p = op.post(srvURL+"/delete", nil)
	admStatus(t, "Delete a server with a database", p, http.StatusConflict)
	if !admHasLink(p, "/admin/databases?server="+srvID) {
		t.Errorf("the refusal does not link to the server's databases: %s", p.text())
	}
	if p := op.get("/admin/databases?server=" + srvID); !strings.Contains(p.text(), "1 database(s)") {
		t.Errorf("the server's databases = %s", p.text())
	}
	admStatus(t, "GET an unknown server", op.get("/admin/servers/no-such-server"), http.StatusNotFound)
}

// TestAdminKeys creates an admin key with chosen permissions, shown once,
// that the admin API then honours; disables, enables and deletes it.
func TestAdminKeys(t *testing.T) {
	a := newApp(t)
	op, opID := a.admOperator(t)
	ada := a.tenant(t, "ada@example.com", nil, "ada's long password")
	userKey := a.api(t, 201, "POST", "/api/admin/accounts/"+ada+"/keys", a.adminKey, map[string]any{"name": "ada-ci"})

	p := op.get("/admin/keys")
	admStatus(t, "GET /admin/keys", p, http.StatusOK)
	checkPage(t, "admin-keys", p)
	if !strings.Contains(p.text(), "init") || strings.Contains(p.text(), "ada-ci") {
		t.Errorf("the admin keys list = %s", p.text())
	}
	if p := op.post("/admin/keys", admForm("name", "old", "expires", "2001-01-01")); p.status != http.StatusUnprocessableEntity {
		t.Errorf("an expiry in the past = %d", p.status)
	}
	p = op.post("/admin/keys", admForm("name", "ci", "permission", "database_hosts:read"))
	admStatus(t, "Create key", p, http.StatusOK)
	checkPage(t, "admin-keys created", p)
	if cc := p.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
	key := strings.TrimSpace(nodeText(p.byID("new-key")))
	if !strings.HasPrefix(key, "dbpa_") {
		t.Fatalf("the new key reads %q", key)
	}
	if strings.Contains(op.get("/admin/keys").body, key) {
		t.Error("the key is shown again")
	}
	if strings.Contains(a.logs.String(), key) {
		t.Error("the key appears in the logs")
	}
	a.api(t, 200, "GET", "/api/admin/database-hosts", key, nil)
	a.api(t, 403, "POST", "/api/admin/accounts", key, map[string]any{"email": "x@example.com", "name": "x"})

	var id string
	keys, _ := a.srv.Service().ListAdminKeys(context.Background())
	for _, k := range keys {
		if k.Name == "ci" {
			id = k.ID
			if k.AccountID != opID || len(k.Permissions) != 1 {
				t.Errorf("the key = %+v, want the operator's with one permission", k)
			}
		}
	}
	admStatus(t, "Disable", op.post("/admin/keys/"+id+"/disable", nil), http.StatusSeeOther)
	a.api(t, 401, "GET", "/api/admin/database-hosts", key, nil)
	admStatus(t, "Enable", op.post("/admin/keys/"+id+"/enable", nil), http.StatusSeeOther)
	a.api(t, 200, "GET", "/api/admin/database-hosts", key, nil)
	admStatus(t, "Delete", op.post("/admin/keys/"+id+"/delete", nil), http.StatusSeeOther)
	a.api(t, 401, "GET", "/api/admin/database-hosts", key, nil)
	// A user key is not an admin key: not found here.
	admStatus(t, "Disable a user key", op.post("/admin/keys/"+userKey["id"].(string)+"/disable", nil), http.StatusNotFound)
}
