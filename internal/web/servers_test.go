package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// serverFixture is a server owned by ada, on a node, with sam and eve as
// other tenants.
type serverFixture struct {
	a                *app
	ada, sam, eve    *browser
	samID            string
	serverID, ident  string
	otherServerIdent string
}

func newServerFixture(t *testing.T) *serverFixture {
	t.Helper()
	a := newApp(t)
	adaID := a.tenant(t, "ada@example.com", 5, "ada's long password")
	samID := a.tenant(t, "sam@example.com", 5, "sam's long password")
	eveID := a.tenant(t, "eve@example.com", 5, "eve's long password")
	node := a.api(t, http.StatusCreated, "POST", "/api/admin/nodes", a.adminKey, map[string]any{"name": "fra-1"})
	srv := a.api(t, http.StatusCreated, "POST", "/api/admin/servers", a.adminKey, map[string]any{"name": "Survival", "ownerId": adaID, "nodeId": node["id"]})
	other := a.api(t, http.StatusCreated, "POST", "/api/admin/servers", a.adminKey, map[string]any{"name": "Eve's box", "ownerId": eveID, "nodeId": node["id"]})
	return &serverFixture{
		a: a, samID: samID,
		ada:      a.signIn(t, "ada@example.com", "ada's long password"),
		sam:      a.signIn(t, "sam@example.com", "sam's long password"),
		eve:      a.signIn(t, "eve@example.com", "eve's long password"),
		serverID: srv["id"].(string), ident: srv["identifier"].(string), otherServerIdent: other["identifier"].(string),
	}
}

// share makes sam a subuser of ada's server with perms.
func (f *serverFixture) share(t *testing.T, perms ...string) {
	t.Helper()
	if perms == nil {
		perms = []string{}
	}
	f.a.api(t, http.StatusOK, "PUT", "/api/admin/servers/"+f.serverID+"/subusers/"+f.samID, f.a.adminKey, map[string]any{"permissions": perms})
}

// createServerDatabase creates a database on the page as b and returns
// its numeric id, name, user and password (empty when not shown).
func createServerDatabase(t *testing.T, b *browser, ident, name string) (id, dbName, user, password string) {
	t.Helper()
	p := b.post("/servers/"+ident+"/databases", url.Values{"name": {name}, "remote": {"%"}, "engine": {"mariadb"}})
	if p.status != http.StatusOK {
		t.Fatalf("create database %s = %d: %s", name, p.status, p.text())
	}
	checkPage(t, "server database created", p)
	return shownDatabase(t, p)
}

// shownDatabase reads the database a create, reveal or rotate answer shows.
func shownDatabase(t *testing.T, p *page) (id, dbName, user, password string) {
	t.Helper()
	get := func(elID string) string {
		if n := p.byID(elID); n != nil {
			return strings.TrimSpace(nodeText(n))
		}
		return ""
	}
	dbName, user, password = get("shown-db"), get("shown-user"), get("shown-password")
	if dbName == "" || user == "" {
		t.Fatalf("the answer shows no database: %s", p.text())
	}
	for _, a := range p.formActions() {
		if rest, ok := strings.CutSuffix(a, "/rotate"); ok {
			id = rest[strings.LastIndex(rest, "/")+1:]
		}
	}
	return id, dbName, user, password
}

func TestServersPages_Owner(t *testing.T) {
	f := newServerFixture(t)
	a, ada := f.a, f.ada

	list := ada.get("/servers")
	checkPage(t, "servers", list)
	if list.status != http.StatusOK || !strings.Contains(list.text(), "Survival") || !strings.Contains(list.text(), "Owner") || strings.Contains(list.text(), "Eve's box") {
		t.Fatalf("GET /servers as the owner = %d %q", list.status, list.text())
	}
	p := ada.get("/servers/" + f.ident)
	checkPage(t, "server", p)
	if p.status != http.StatusOK || !strings.Contains(p.text(), "No databases yet") || !p.hasButton("Create") {
		t.Fatalf("GET /servers/{id} = %d %q", p.status, p.text())
	}

	id, dbName, user, pw := createServerDatabase(t, ada, f.ident, "srvowner")
	if pw == "" || id == "" || !strings.HasSuffix(dbName, "_srvowner") {
		t.Fatalf("create showed id %q, name %q, password set %v", id, dbName, pw != "")
	}
	ctx := context.Background()
	if err := a.maria.ConnectAs(ctx, user, pw, dbName); err != nil {
		t.Fatalf("the new database refuses its password: %v", err)
	}

	// The server page lists it without the password.
	p = ada.get("/servers/" + f.ident)
	checkPage(t, "server with a database", p)
	if !strings.Contains(p.text(), dbName) || strings.Contains(p.body, pw) || !p.hasButton("Reveal password") || !p.hasButton("Rotate password") {
		t.Errorf("the server page: %q", p.text())
	}

	// Reveal: the same password, not stored.
	r := ada.post("/servers/"+f.ident+"/databases/"+id+"/reveal", nil)
	if _, _, _, got := shownDatabase(t, r); got != pw || r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("reveal showed another password or Cache-Control %q", r.header.Get("Cache-Control"))
	}
	checkPage(t, "server reveal", r)
	if n := r.byID("shown-uri"); n == nil || !strings.Contains(nodeText(n), user) || !strings.Contains(nodeText(n), dbName) {
		t.Errorf("reveal shows no connection string for %s", dbName)
	}

	// Rotate: the old password stops working.
	r = ada.post("/servers/"+f.ident+"/databases/"+id+"/rotate", nil)
	_, _, _, next := shownDatabase(t, r)
	if r.status != http.StatusOK || next == "" || next == pw {
		t.Fatalf("rotate = %d, new password shown %v", r.status, next != "")
	}
	if err := a.maria.ConnectAs(ctx, user, pw, dbName); err == nil {
		t.Errorf("the old password still works after rotate")
	}
	if err := a.maria.ConnectAs(ctx, user, next, dbName); err != nil {
		t.Errorf("the rotated password is refused: %v", err)
	}

	// Delete needs the typed name.
	if r := ada.post("/servers/"+f.ident+"/databases/"+id+"/delete", url.Values{"confirm": {"srvowner"}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("delete with the wrong confirmation = %d, want 422", r.status)
	}
	r = ada.post("/servers/"+f.ident+"/databases/"+id+"/delete", url.Values{"confirm": {dbName}})
	if r.status != http.StatusOK || !strings.Contains(r.text(), "No databases yet") {
		t.Errorf("delete = %d %q", r.status, r.text())
	}
	if err := a.maria.ConnectAs(ctx, user, next, dbName); err == nil {
		t.Errorf("the deleted database's user still logs in")
	}
	for _, s := range []string{pw, next} {
		if strings.Contains(a.logs.String(), s) {
			t.Errorf("a database password appears in the server logs")
		}
	}
}

func TestServersPages_NoAccessIsNotFound(t *testing.T) {
	f := newServerFixture(t)
	id, _, _, _ := createServerDatabase(t, f.ada, f.ident, "srvnoacc")
	eveID, _, _, _ := createServerDatabase(t, f.eve, f.otherServerIdent, "srveve")

	if p := f.sam.get("/servers"); !strings.Contains(p.text(), "No servers yet") {
		t.Errorf("GET /servers without access lists %q", p.text())
	}
	for _, tc := range []struct{ method, path string }{
		{"GET", "/servers/" + f.ident},
		{"GET", "/servers/" + f.serverID},
		{"GET", "/servers/nope1234"},
		{"POST", "/servers/" + f.ident + "/databases"},
		{"POST", "/servers/" + f.ident + "/databases/" + id + "/reveal"},
		{"POST", "/servers/" + f.ident + "/databases/" + id + "/rotate"},
		{"POST", "/servers/" + f.ident + "/databases/" + id + "/delete"},
	} {
		var p *page
		if tc.method == "GET" {
			p = f.sam.get(tc.path)
		} else {
			p = f.sam.post(tc.path, url.Values{"name": {"sneaky"}})
		}
		if p.status != http.StatusNotFound || strings.Contains(p.text(), "Survival") {
			t.Errorf("sam %s %s = %d, want the 404 page", tc.method, tc.path, p.status)
		}
	}
	// Another server's database through ada's own server: 404.
	for _, action := range []string{"reveal", "rotate", "delete"} {
		if p := f.ada.post("/servers/"+f.ident+"/databases/"+eveID+"/"+action, nil); p.status != http.StatusNotFound {
			t.Errorf("ada %s of eve's database through her server = %d, want 404", action, p.status)
		}
	}
	// Eve's server is not ada's to see.
	if p := f.ada.get("/servers/" + f.otherServerIdent); p.status != http.StatusNotFound {
		t.Errorf("ada GET eve's server = %d, want 404", p.status)
	}
}

// TestServersPages_SubuserPermissions walks the database.* permissions
// as the client API applies them.
func TestServersPages_SubuserPermissions(t *testing.T) {
	f := newServerFixture(t)
	id, dbName, _, pw := createServerDatabase(t, f.ada, f.ident, "srvperms")
	base := "/servers/" + f.ident + "/databases/" + id
	sam := f.sam

	// No permission: the server is listed, its databases are not.
	f.share(t)
	if p := sam.get("/servers"); !strings.Contains(p.text(), "Survival") || !strings.Contains(p.text(), "Subuser") {
		t.Errorf("GET /servers as a subuser: %q", p.text())
	}
	p := sam.get("/servers/" + f.ident)
	checkPage(t, "server, no permissions", p)
	if p.status != http.StatusOK || strings.Contains(p.text(), dbName) || !strings.Contains(p.text(), "database.read permission") || p.hasButton("Create") {
		t.Errorf("server page without permissions = %d %q", p.status, p.text())
	}
	for _, action := range []string{"reveal", "rotate"} {
		if p := sam.post(base+"/"+action, nil); p.status != http.StatusForbidden {
			t.Errorf("%s without permission = %d, want 403", action, p.status)
		}
	}
	if p := sam.post(base+"/delete", url.Values{"confirm": {dbName}}); p.status != http.StatusForbidden {
		t.Errorf("delete without permission = %d, want 403", p.status)
	}
	if p := sam.post("/servers/"+f.ident+"/databases", url.Values{"name": {"mine"}}); p.status != http.StatusForbidden {
		t.Errorf("create without permission = %d, want 403", p.status)
	}

	// database.read: the list, no password and no Reveal.
	f.share(t, "database.read")
	p = sam.get("/servers/" + f.ident)
	if !strings.Contains(p.text(), dbName) || p.hasButton("Reveal password") || p.hasButton("Rotate password") || p.hasButton("Delete") {
		t.Errorf("server page with database.read: %q", p.text())
	}
	if p := sam.post(base+"/reveal", nil); p.status != http.StatusForbidden || strings.Contains(p.body, pw) {
		t.Errorf("reveal without database.view_password = %d, want 403", p.status)
	}

	// database.view_password without database.read: no reveal (as
	// include=password needs the read first).
	f.share(t, "database.view_password")
	if p := sam.post(base+"/reveal", nil); p.status != http.StatusForbidden {
		t.Errorf("reveal without database.read = %d, want 403", p.status)
	}

	// Both: Reveal shows it.
	f.share(t, "database.read", "database.view_password")
	p = sam.get("/servers/" + f.ident)
	if !p.hasButton("Reveal password") || strings.Contains(p.body, pw) {
		t.Errorf("server page with read and view_password: %q", p.text())
	}
	if p := sam.post(base+"/reveal", nil); p.status != http.StatusOK || !strings.Contains(p.body, pw) {
		t.Errorf("reveal with read and view_password = %d", p.status)
	}

	// database.update without view_password: rotates, shows no password.
	f.share(t, "database.read", "database.update")
	p = sam.post(base+"/rotate", nil)
	_, _, _, shown := shownDatabase(t, p)
	if p.status != http.StatusOK || shown != "" || !strings.Contains(p.text(), "database.view_password") {
		t.Errorf("rotate without view_password = %d, password shown %v", p.status, shown != "")
	}
	r := f.ada.post(base+"/reveal", nil)
	if _, _, _, now := shownDatabase(t, r); now == pw || strings.Contains(p.body, now) {
		t.Errorf("the subuser's rotate did not change the password, or showed it")
	}

	// database.create: creates; the database belongs to the server's owner.
	f.share(t, "database.create", "database.read")
	p = sam.post("/servers/"+f.ident+"/databases", url.Values{"name": {"x"}, "engine": {"mariadb"}})
	if p.status != http.StatusUnprocessableEntity {
		t.Errorf("create with a 1-character name = %d, want 422 (3 at least, as the client API)", p.status)
	}
	checkPage(t, "server create refused", p)
	_, made, _, shown := createServerDatabase(t, sam, f.ident, "srvlobby")
	if shown != "" {
		t.Errorf("create without view_password showed the password")
	}
	if p := f.ada.get("/servers/" + f.ident); !strings.Contains(p.text(), made) {
		t.Errorf("the owner does not see the subuser's database")
	}

	// database.delete: deletes.
	f.share(t, "database.read", "database.delete")
	if p := sam.post(base+"/delete", url.Values{"confirm": {dbName}}); p.status != http.StatusOK || !strings.Contains(p.text(), "deleted") {
		t.Errorf("delete with database.delete = %d %q", p.status, p.text())
	}
	if p := f.ada.get("/servers/" + f.ident); strings.Contains(p.text(), dbName) {
		t.Errorf("the deleted database is still listed")
	}
}
