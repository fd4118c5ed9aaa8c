package cli_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dbplane/dbplane/internal/dbtest"
)

// doForm sends a form-encoded body, as PHP and many scripts do.
func (in *instance) doForm(tb testing.TB, want int, method, path, key string, form url.Values) response {
	tb.Helper()
	req, _ := http.NewRequest(method, in.url+path, strings.NewReader(form.Encode()))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		tb.Fatalf("%s %s = %d %s, want %d", method, path, res.StatusCode, b, want)
	}
	return response{status: res.StatusCode, body: b}
}

// TestPterodactylPanelLeniency drives the application and client APIs as
// published Pterodactyl libraries do, on real MariaDB: keys in the panel's
// format (ptla_/ptlc_, 48 characters), a users probe, the server view
// with include[], a form-encoded create behind a trailing slash, and the
// client API by numeric database id (Pelican).
func TestPterodactylPanelLeniency(t *testing.T) {
	maria := dbtest.MariaDB(t)
	ctx := context.Background()
	in := startInstance(t)
	node := in.mustDo(t, 201, "POST", "/api/admin/nodes", in.adminKey, map[string]any{"name": "node-1"}).data(t)
	host := in.addHost(t, maria)
	in.mustDo(t, 200, "PATCH", "/api/admin/database-hosts/"+host["id"].(string), in.adminKey, map[string]any{"nodeId": node["id"]})
	ownerID, _ := in.addTenant(t, "jane@example.com", nil)
	helperID, _ := in.addTenant(t, "helper@example.com", nil)
	srv := in.mustDo(t, 201, "POST", "/api/admin/servers", in.adminKey, map[string]any{
		"name": "survival", "ownerId": ownerID, "nodeId": node["id"], "databaseLimit": 2,
	}).data(t)
	sid, ident := fmt.Sprint(srv["numericId"]), srv["identifier"].(string)
	in.mustDo(t, 201, "POST", "/api/admin/servers/"+ident+"/subusers", in.adminKey, map[string]any{
		"accountId": helperID, "permissions": []string{"database.read"},
	})

	// Keys in the panel's format, as libraries check them.
	appKey := in.mustDo(t, 201, "POST", "/api/admin/keys", in.adminKey, map[string]any{
		"name": "panel", "format": "pterodactyl",
		"permissions": []string{"servers:read", "server_databases:read", "server_databases:write", "accounts:read", "nodes:read"},
	}).data(t)["key"].(string)
	clientKey := in.mustDo(t, 201, "POST", "/api/admin/accounts/"+ownerID+"/keys", in.adminKey, map[string]any{
		"name": "panel", "format": "pterodactyl",
	}).data(t)["key"].(string)
	helperKey := in.mustDo(t, 201, "POST", "/api/admin/accounts/"+helperID+"/keys", in.adminKey, map[string]any{
		"name": "panel", "format": "pterodactyl",
	}).data(t)["key"].(string)
	for _, k := range []struct{ key, prefix string }{{appKey, "ptla_"}, {clientKey, "ptlc_"}, {helperKey, "ptlc_"}} {
		if len(k.key) != 48 || !strings.HasPrefix(k.key, k.prefix) {
			t.Fatalf("minted key %q..., want %s and 48 characters", k.key[:8], k.prefix)
		}
	}

	// Libraries probe the users list to check an application key.
	users := in.mustDo(t, 200, "GET", "/api/application/users?filter[email]=jane@", appKey, nil).json(t)["data"].([]any)
	if len(users) != 1 || users[0].(map[string]any)["attributes"].(map[string]any)["email"] != "jane@example.com" {
		t.Errorf("users filtered by email = %v, want jane", users)
	}
	nodes := in.mustDo(t, 200, "GET", "/api/application/nodes/", appKey, nil).json(t)["data"].([]any)
	if len(nodes) != 1 {
		t.Errorf("nodes = %v, want one", nodes)
	}

	// Application API: a form-encoded create behind a trailing slash,
	// with a field the route does not take.
	created := in.doForm(t, 201, "POST", "/api/application/servers/"+sid+"/databases/", appKey, url.Values{
		"database": {"forms"}, "remote": {"%"}, "host": {fmt.Sprint(host["numericId"])}, "unknown": {"ignored"},
	}).json(t)["attributes"].(map[string]any)
	numericID := fmt.Sprint(created["id"])
	pw := relationship(t, created, "password")["password"].(string)
	if err := maria.ConnectAs(ctx, created["username"].(string), pw, created["database"].(string)); err != nil {
		t.Fatalf("log in with the form-created database's password: %v", err)
	}

	// The server view with include[]: feature_limits and the database.
	view := in.mustDo(t, 200, "GET", "/api/application/servers/"+sid+"?include[]=databases&include[]=user", appKey, nil).json(t)["attributes"].(map[string]any)
	if fl := view["feature_limits"].(map[string]any); fl["databases"].(float64) != 2 {
		t.Errorf("feature_limits = %v, want databases 2", fl)
	}
	if _, ok := view["container"].(map[string]any)["environment"].(map[string]any); !ok {
		t.Errorf("server view container = %v, want an environment object", view["container"])
	}
	rels := view["relationships"].(map[string]any)
	dbs := rels["databases"].(map[string]any)["data"].([]any)
	if len(dbs) != 1 || dbs[0].(map[string]any)["object"] != "databases" {
		t.Errorf("include databases = %v, want one item of object databases", dbs)
	}
	if rels["user"].(map[string]any)["attributes"].(map[string]any)["email"] != "jane@example.com" {
		t.Errorf("include user = %v, want the owner", rels["user"])
	}

	// Client API with a ptlc_ key: the server, then the database by its
	// numeric id (Pelican), include[]=password, rotate behind a slash.
	cs := in.mustDo(t, 200, "GET", "/api/client/servers/"+ident, clientKey, nil).json(t)
	if cs["attributes"].(map[string]any)["server_owner"] != true || cs["meta"].(map[string]any)["is_server_owner"] != true {
		t.Errorf("client server view = %v, want the owner's", cs)
	}
	base := "/api/client/servers/" + ident + "/databases/"
	got := in.mustDo(t, 200, "GET", base+numericID+"?include[]=password", clientKey, nil).json(t)["attributes"].(map[string]any)
	if relationship(t, got, "password")["password"] != pw {
		t.Errorf("client include[]=password by numeric id = %v, want the password", got)
	}
	hash := got["id"].(string)
	rot := in.mustDo(t, 200, "POST", base+numericID+"/rotate-password/", clientKey, nil).json(t)["attributes"].(map[string]any)
	newPW := relationship(t, rot, "password")["password"].(string)
	if err := maria.ConnectAs(ctx, created["username"].(string), newPW, created["database"].(string)); err != nil {
		t.Errorf("log in with the rotated password: %v", err)
	}
	if err := maria.ConnectAs(ctx, created["username"].(string), pw, created["database"].(string)); err == nil {
		t.Error("the old password still logs in after rotate-password")
	}
	// The application API takes the client's hashid too.
	in.mustDo(t, 200, "GET", "/api/application/servers/"+sid+"/databases/"+hash, appKey, nil)

	// A subuser without database.view_password: 200, a null resource.
	list := in.mustDo(t, 200, "GET", base+"?include=password", helperKey, nil).json(t)["data"].([]any)
	if rel := list[0].(map[string]any)["attributes"].(map[string]any)["relationships"].(map[string]any)["password"].(map[string]any); rel["object"] != "null_resource" {
		t.Errorf("subuser include=password = %v, want null_resource", rel)
	}
	if strings.Contains(fmt.Sprint(list), newPW) {
		t.Error("the subuser's list carries the password")
	}

	// Pelican's database hosts: the same server added again, linked to
	// the node (dbplane tests the connection first), shown with its node
	// and databases, then removed.
	cfg := maria.AdminConfig()
	ph := in.mustDo(t, 201, "POST", "/api/application/database-hosts", in.adminKey, map[string]any{
		"name": "pelican-host", "host": cfg.Host, "port": cfg.Port, "username": cfg.User, "password": cfg.Password,
		"driver": "mariadb", "node_ids": []any{node["numericId"]},
	}).json(t)
	phID := fmt.Sprint(ph["attributes"].(map[string]any)["id"])
	got = in.mustDo(t, 200, "GET", "/api/application/database-hosts/"+phID+"?include=nodes", in.adminKey, nil).json(t)["attributes"].(map[string]any)
	if nodes := got["relationships"].(map[string]any)["nodes"].(map[string]any)["data"].([]any); len(nodes) != 1 {
		t.Errorf("Pelican host's nodes = %v, want the node", nodes)
	}
	first := in.mustDo(t, 200, "GET", "/api/application/database-hosts/"+fmt.Sprint(host["numericId"])+"?include=databases", in.adminKey, nil).json(t)
	if dbs := first["attributes"].(map[string]any)["relationships"].(map[string]any)["databases"].(map[string]any)["data"].([]any); len(dbs) != 1 {
		t.Errorf("first host's databases = %v, want the one server database", dbs)
	}
	in.mustDo(t, 409, "DELETE", "/api/application/database-hosts/"+fmt.Sprint(host["numericId"]), in.adminKey, nil)
	in.mustDo(t, 204, "DELETE", "/api/application/database-hosts/"+phID, in.adminKey, nil)

	// A client-API form create: the server's limit (2) is reached at the
	// second.
	in.doForm(t, 200, "POST", base, clientKey, url.Values{"database": {"second"}, "remote": {"%"}})
	in.doForm(t, 400, "POST", base, clientKey, url.Values{"database": {"third"}, "remote": {"%"}})
}
