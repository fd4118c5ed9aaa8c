package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/dbplane/dbplane"
)

// TestAdminHostGrantFix is the operator's journey with a host whose user
// lacks privileges: the page names what is missing and shows the GRANT;
// the GRANT, run as shown on the real MariaDB, fixes it; the host is then
// added, edited (the password kept), disabled, enabled and deleted.
func TestAdminHostGrantFix(t *testing.T) {
	a := newApp(t)
	op, _ := a.admOperator(t)
	adminPW := a.maria.AdminConfig().Password

	list := op.get("/admin/hosts")
	admStatus(t, "GET /admin/hosts", list, http.StatusOK)
	checkPage(t, "admin-hosts", list)
	if !strings.Contains(list.text(), "maria-1") || !admHasLink(list, "/admin/hosts/new") {
		t.Errorf("the hosts page lacks maria-1 or the New host link: %s", list.text())
	}
	newPage := op.get("/admin/hosts/new")
	admStatus(t, "GET /admin/hosts/new", newPage, http.StatusOK)
	checkPage(t, "admin-host new", newPage)
	if !newPage.hasButton("Create") || !newPage.hasButton("Test connection") {
		t.Error("the new host page lacks Create or Test connection")
	}

	lim := a.maria.NewLimitedUser(t)
	settings := admForm("name", "maria-lim", "engine", "mariadb", "hostname", lim.Host, "port", strconv.Itoa(lim.Port),
		"username", lim.User, "password", lim.Password, "tls", "disable", "max_databases", "5")

	// Test connection names the missing privileges and shows the GRANT.
	p := op.post("/admin/hosts/test", settings)
	admStatus(t, "Test connection (limited)", p, http.StatusOK)
	checkPage(t, "admin-host tested", p)
	for _, want := range []string{"lacks privileges", "CREATE USER", "WITH GRANT OPTION"} {
		if !strings.Contains(p.text(), want) {
			t.Errorf("the test result does not mention %q: %s", want, p.text())
		}
	}
	grants := p.byID("grants")
	if grants == nil || !strings.HasPrefix(nodeText(grants), "GRANT ") || !strings.Contains(nodeText(grants), lim.User) {
		t.Fatalf("no GRANT for %s to copy: %s", lim.User, p.text())
	}
	admNoSecret(t, "tested page", p, lim.Password, adminPW)
	if v, _ := attr(p.byID("name"), "value"); v != "maria-lim" {
		t.Errorf("the form lost the name after the test: %q", v)
	}

	// Create runs the same check and refuses, with the same help.
	p = op.post("/admin/hosts", settings)
	admStatus(t, "Create (limited)", p, http.StatusUnprocessableEntity)
	if p.byID("grants") == nil || !strings.Contains(p.text(), "CREATE USER") {
		t.Errorf("a refused create does not show the grants: %s", p.text())
	}
	admNoSecret(t, "refused create", p, lim.Password)
	if strings.Contains(op.get("/admin/hosts").text(), "maria-lim") {
		t.Fatal("a refused host was stored")
	}

	// Run the statements exactly as shown; the test passes, then Create.
	for _, stmt := range strings.Split(nodeText(grants), "\n") {
		if _, err := a.maria.AdminDB().Exec(stmt); err != nil {
			t.Fatalf("the GRANT shown does not run on MariaDB: %v", err)
		}
	}
	p = op.post("/admin/hosts/test", settings)
	if !strings.Contains(p.text(), "Connection successful") || p.byID("grants") != nil {
		t.Fatalf("after the GRANT, Test connection = %s", p.text())
	}
	p = op.post("/admin/hosts", settings)
	admStatus(t, "Create", p, http.StatusSeeOther)
	hostURL := strings.TrimSuffix(p.header.Get("Location"), "?m=created")
	p = op.get(hostURL)
	admStatus(t, "GET "+hostURL, p, http.StatusOK)
	checkPage(t, "admin-host", p)
	admNoSecret(t, "host page", p, lim.Password)
	if !p.hasButton("Save") || !p.hasButton("Disable") || !p.hasButton("Delete") || !p.hasButton("Test connection") {
		t.Errorf("the host page lacks a control: %s", p.text())
	}
	if v, ok := attr(p.byID("password"), "value"); ok && v != "" {
		t.Error("the password field is filled in")
	}

	// Edit with the password left empty: the stored one is kept.
	edit := admForm("name", "maria-lim2", "hostname", lim.Host, "port", strconv.Itoa(lim.Port), "username", lim.User, "tls", "disable", "max_databases", "")
	p = op.post(hostURL+"/test", edit)
	if !strings.Contains(p.text(), "Connection successful") {
		t.Errorf("Test connection on the edit form with the password kept = %s", p.text())
	}
	p = op.post(hostURL, edit)
	admStatus(t, "Save", p, http.StatusSeeOther)
	p = op.get(hostURL)
	if !strings.Contains(p.text(), "Host maria-lim2") || !strings.Contains(p.text(), "(no limit)") {
		t.Errorf("the edit was not saved: %s", p.text())
	}
	if p := op.post(hostURL, admForm("name", "", "hostname", lim.Host, "username", lim.User, "tls", "disable")); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.text(), "name") {
		t.Errorf("an empty name = %d %s, want 422 naming the field", p.status, p.text())
	}

	// The stored password is not sent to another address.
	moved := admForm("name", "maria-lim2", "hostname", "127.0.0.2", "port", strconv.Itoa(lim.Port), "username", lim.User, "tls", "disable")
	if p := op.post(hostURL+"/test", moved); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.text(), "password again") {
		t.Errorf("Test connection at another address without the password = %d %s", p.status, p.text())
	}

	// Disable and enable.
	admStatus(t, "Disable", op.post(hostURL+"/disable", nil), http.StatusSeeOther)
	if p := op.get(hostURL); !p.hasButton("Enable") || !strings.Contains(p.text(), "disabled") {
		t.Errorf("after Disable: %s", p.text())
	}
	admStatus(t, "Enable", op.post(hostURL+"/enable", nil), http.StatusSeeOther)

	// A host with databases is not deleted; the page says why and links
	// to its databases.
	acct := a.tenant(t, "ada@example.com", 3, "ada's long password")
	if _, err := a.srv.Service().CreateDatabase(context.Background(), dbplane.CreateDatabaseInput{AccountID: acct, Label: "app"}); err != nil {
		t.Fatal(err)
	}
	hosts := a.api(t, 200, "GET", "/api/admin/database-hosts/1", a.adminKey, nil)
	maria := hosts["id"].(string)
	p = op.post("/admin/hosts/"+maria+"/delete", nil)
	admStatus(t, "Delete a host with databases", p, http.StatusConflict)
	if !strings.Contains(p.text(), "database") || !admHasLink(p, "/admin/databases?host="+maria) {
		t.Errorf("the refusal does not explain or link: %s", p.text())
	}
	// The new host has none: it goes.
	admStatus(t, "Delete", op.post(hostURL+"/delete", nil), http.StatusSeeOther)
	admStatus(t, "GET a deleted host", op.get(hostURL), http.StatusNotFound)

	if logs := a.logs.String(); strings.Contains(logs, lim.Password) || strings.Contains(logs, adminPW) {
		t.Error("a host password appears in the logs")
	}
}

// TestAdminHostSeveralNodes links a host to two nodes from its edit form
// (a multiple select), shows both there and on the hosts list, and unlinks
// them with nothing selected.
func TestAdminHostSeveralNodes(t *testing.T) {
	a := newApp(t)
	op, _ := a.admOperator(t)
	ctx := context.Background()
	nodeA, err := a.srv.Service().CreateNode(ctx, "node-a")
	if err != nil {
		t.Fatal(err)
	}
	nodeB, err := a.srv.Service().CreateNode(ctx, "node-b")
	if err != nil {
		t.Fatal(err)
	}
	cfg := a.maria.AdminConfig()
	hostURL := "/admin/hosts/" + a.mariaID
	edit := admForm("name", "maria-1", "hostname", cfg.Host, "port", strconv.Itoa(cfg.Port), "username", cfg.User,
		"database", cfg.Database, "tls", "disable")
	edit["node"] = []string{nodeB.ID, nodeA.ID}
	p := op.post(hostURL, edit)
	admStatus(t, "Save with two nodes", p, http.StatusSeeOther)
	h, err := a.srv.Service().Host(ctx, a.mariaID)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.NodeIDs) != 2 || !h.LinkedTo(nodeA.ID) || !h.LinkedTo(nodeB.ID) {
		t.Fatalf("host NodeIDs = %v, want node-a and node-b", h.NodeIDs)
	}
	p = op.get(hostURL)
	admStatus(t, "GET "+hostURL, p, http.StatusOK)
	checkPage(t, "admin-host nodes", p)
	selected := 0
	for _, o := range p.all("option") {
		if v, _ := attr(o, "value"); v == nodeA.ID || v == nodeB.ID {
			if _, ok := attr(o, "selected"); ok {
				selected++
			}
		}
	}
	if _, multiple := attr(p.byID("node"), "multiple"); !multiple || selected != 2 {
		t.Errorf("the node select: multiple %v, %d of 2 nodes selected", multiple, selected)
	}
	if list := op.get("/admin/hosts").text(); !strings.Contains(list, "node-a, node-b") && !strings.Contains(list, "node-b, node-a") {
		t.Errorf("the hosts list does not name both nodes: %s", list)
	}
	delete(edit, "node")
	p = op.post(hostURL, edit)
	admStatus(t, "Save with no node", p, http.StatusSeeOther)
	if h, _ := a.srv.Service().Host(ctx, a.mariaID); len(h.NodeIDs) != 0 {
		t.Errorf("after saving with no node selected, NodeIDs = %v", h.NodeIDs)
	}
}

// TestAdminHostPoolSize sets a host's engine pool size from its edit form,
// shows it back on the page and in the field, refuses one out of range on
// its field without changing anything, and an empty field sets it back to
// automatic.
func TestAdminHostPoolSize(t *testing.T) {
	a := newApp(t)
	op, _ := a.admOperator(t)
	ctx := context.Background()
	cfg := a.maria.AdminConfig()
	hostURL := "/admin/hosts/" + a.mariaID
	edit := func(size string) map[string][]string {
		return admForm("name", "maria-1", "hostname", cfg.Host, "port", strconv.Itoa(cfg.Port), "username", cfg.User,
			"database", cfg.Database, "tls", "disable", "pool_size", size)
	}
	p := op.get(hostURL)
	admStatus(t, "GET "+hostURL, p, http.StatusOK)
	if !strings.Contains(p.text(), "automatic (sized from the server)") {
		t.Errorf("a host without a pool size does not show automatic: %s", p.text())
	}
	p = op.post(hostURL, edit("24"))
	admStatus(t, "Save with pool size 24", p, http.StatusSeeOther)
	if h, err := a.srv.Service().Host(ctx, a.mariaID); err != nil || h.PoolSize != 24 {
		t.Fatalf("after saving 24: PoolSize %v, %v", h, err)
	}
	p = op.get(hostURL)
	checkPage(t, "admin-host pool size", p)
	if v, _ := attr(p.byID("pool_size"), "value"); v != "24" || !strings.Contains(p.text(), "24 connections") {
		t.Errorf("the edit page's pool size = %q (page shows 24 connections: %v), want 24", v, strings.Contains(p.text(), "24 connections"))
	}
	for _, bad := range []string{"1001", "-1", "lots"} {
		p = op.post(hostURL, edit(bad))
		admStatus(t, "Save with pool size "+bad, p, http.StatusUnprocessableEntity)
		if !strings.Contains(p.text(), "poolSize") {
			t.Errorf("pool size %s is not refused on its field: %s", bad, p.text())
		}
	}
	if h, _ := a.srv.Service().Host(ctx, a.mariaID); h.PoolSize != 24 {
		t.Errorf("after refused saves, PoolSize = %d, want 24", h.PoolSize)
	}
	p = op.post(hostURL, edit(""))
	admStatus(t, "Save with no pool size", p, http.StatusSeeOther)
	if h, _ := a.srv.Service().Host(ctx, a.mariaID); h.PoolSize != 0 {
		t.Errorf("after saving an empty pool size, PoolSize = %d, want 0", h.PoolSize)
	}
}
