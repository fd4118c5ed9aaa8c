package cli_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/dbplane/dbplane/internal/dbtest"
)

// TestPterodactylJourney drives the application and client APIs the way a
// panel script and a client library do, on real MariaDB and PostgreSQL.
func TestPterodactylJourney(t *testing.T) {
	maria, pg := dbtest.MariaDB(t), dbtest.Postgres(t)
	ctx := context.Background()
	in := startInstance(t)
	node := in.mustDo(t, 201, "POST", "/api/admin/nodes", in.adminKey, map[string]any{"name": "node-1"}).data(t)
	mh := in.addHost(t, maria)
	in.mustDo(t, 200, "PATCH", "/api/admin/database-hosts/"+mh["id"].(string), in.adminKey, map[string]any{"nodeId": node["id"]})
	in.addHost(t, pg)
	ownerID, ownerKey := in.addTenant(t, "owner@example.com", 10)
	helperID, helperKey := in.addTenant(t, "helper@example.com", nil)
	_, strangerKey := in.addTenant(t, "stranger@example.com", nil)
	srv := in.mustDo(t, 201, "POST", "/api/admin/servers", in.adminKey, map[string]any{
		"name": "survival", "ownerId": ownerID, "nodeId": node["id"], "databaseLimit": 3,
	}).data(t)
	sid, ident := fmt.Sprint(srv["numericId"]), srv["identifier"].(string)
	in.mustDo(t, 201, "POST", "/api/admin/servers/"+ident+"/subusers", in.adminKey, map[string]any{
		"accountId": helperID, "permissions": []string{"database.read", "database.create"},
	})

	// Application API: create on the MariaDB host by its numeric id.
	app := in.mustDo(t, 201, "POST", "/api/application/servers/"+sid+"/databases?include=password,host", in.adminKey, map[string]any{
		"database": "world", "remote": "%", "host": mh["numericId"],
	}).json(t)
	attrs := app["attributes"].(map[string]any)
	if attrs["database"] != "s"+sid+"_world" || app["meta"].(map[string]any)["resource"] == nil {
		t.Fatalf("application create = %v, want database s%s_world and meta.resource", app, sid)
	}
	dbID := fmt.Sprint(attrs["id"])
	appPW := relationship(t, attrs, "password")["password"].(string)
	if err := maria.ConnectAs(ctx, attrs["username"].(string), appPW, attrs["database"].(string)); err != nil {
		t.Fatalf("log in with the application API's password: %v", err)
	}
	list := in.mustDo(t, 200, "GET", "/api/application/servers/"+srv["uuid"].(string)+"/databases?include=host%2Cpassword", in.adminKey, nil).json(t)
	if list["meta"].(map[string]any)["pagination"].(map[string]any)["total"].(float64) != 1 {
		t.Errorf("application list = %v, want one database", list)
	}
	r := in.mustDo(t, 204, "POST", "/api/application/servers/"+sid+"/databases/"+dbID+"/reset-password", in.adminKey, nil)
	if len(r.body) != 0 {
		t.Errorf("reset-password body = %q, want empty", r.body)
	}
	if err := maria.ConnectAs(ctx, attrs["username"].(string), appPW, attrs["database"].(string)); err == nil {
		t.Error("the old password still logs in after reset-password")
	}

	// Client API as the owner: list servers, create on PostgreSQL, rotate.
	servers := in.mustDo(t, 200, "GET", "/api/client", ownerKey, nil).json(t)["data"].([]any)
	if len(servers) != 1 {
		t.Fatalf("GET /api/client = %d servers, want 1", len(servers))
	}
	base := "/api/client/servers/" + ident + "/databases"
	cl := in.mustDo(t, 200, "POST", base, ownerKey, map[string]any{"database": "stats", "remote": "%", "engine": "postgres"}).json(t)
	cattrs := cl["attributes"].(map[string]any)
	hash := cattrs["id"].(string)
	cpw := relationship(t, cattrs, "password")["password"].(string)
	if err := pg.ConnectAs(ctx, cattrs["username"].(string), cpw, cattrs["name"].(string)); err != nil {
		t.Fatalf("log in with the client API's password: %v", err)
	}
	_, pgPort := pg.Addr()
	if host := cattrs["host"].(map[string]any); fmt.Sprint(host["port"]) != fmt.Sprint(pgPort) {
		t.Errorf("client host = %v, want the PostgreSQL host's public port %d", host, pgPort)
	}
	rot := in.mustDo(t, 200, "POST", base+"/"+hash+"/rotate-password", ownerKey, nil).json(t)["attributes"].(map[string]any)
	if newPW := relationship(t, rot, "password")["password"].(string); newPW == cpw {
		t.Error("rotate-password returned the same password")
	}
	if err := pg.ConnectAs(ctx, cattrs["username"].(string), cpw, cattrs["name"].(string)); err == nil {
		t.Error("the old password still logs in after rotate-password")
	}

	// Subuser: may read and create, not see passwords or delete.
	in.mustDo(t, 200, "GET", base, helperKey, nil)
	// Without database.view_password the password is a null resource.
	if rel := in.mustDo(t, 200, "GET", base+"?include=password", helperKey, nil).json(t)["data"].([]any)[0].(map[string]any)["attributes"].(map[string]any)["relationships"].(map[string]any)["password"].(map[string]any); rel["object"] != "null_resource" {
		t.Errorf("subuser's include=password = %v, want a null_resource", rel)
	}
	in.mustDo(t, 403, "DELETE", base+"/"+hash, helperKey, nil)
	in.mustDo(t, 200, "POST", base, helperKey, map[string]any{"database": "helperdb", "remote": "%"})
	// A stranger does not see the server at all.
	in.mustDo(t, 404, "GET", base, strangerKey, nil)
	in.mustDo(t, 404, "POST", base+"/"+hash+"/rotate-password", strangerKey, nil)
	// The server's limit (3) is reached.
	lim := in.mustDo(t, 400, "POST", base, ownerKey, map[string]any{"database": "onemore", "remote": "%"}).json(t)
	if errs := lim["errors"].([]any); len(errs) != 1 {
		t.Errorf("limit error = %v", lim)
	}

	// The owner's management API shows the server's databases too.
	mine := in.mustDo(t, 200, "GET", "/api/v1/db/databases", ownerKey, nil).data(t)["databases"].([]any)
	if len(mine) != 3 {
		t.Errorf("owner's management list has %d databases, want 3", len(mine))
	}

	// Delete through the client API removes it from the engine.
	in.mustDo(t, 204, "DELETE", base+"/"+hash, ownerKey, nil)
	var n int
	if err := pg.AdminDB().QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_database WHERE datname = $1`, cattrs["name"]).Scan(&n); err != nil || n != 0 {
		t.Errorf("after delete, pg_database has %d rows named %v (err %v), want 0", n, cattrs["name"], err)
	}
	// Unknown routes and wrong methods answer in Pterodactyl's shape.
	for _, p := range []string{"/api/client/nope", "/api/application/servers/" + sid + "/nope"} {
		if m := in.do(t, "GET", p, ownerKey, nil).json(t); m["errors"] == nil {
			t.Errorf("GET %s = %v, want the errors shape", p, m)
		}
	}
}

func relationship(t *testing.T, attrs map[string]any, name string) map[string]any {
	t.Helper()
	rel, ok := attrs["relationships"].(map[string]any)[name].(map[string]any)
	if !ok {
		t.Fatalf("no %s relationship in %v", name, attrs)
	}
	return rel["attributes"].(map[string]any)
}
