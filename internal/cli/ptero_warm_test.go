package cli_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dbplane/dbplane/internal/dbtest"
)

// TestPterodactylCreateClaimsWarmDatabase: on a PostgreSQL host with a warm
// pool, a create through the application API and one through the client
// API each claim a warm database (the new database is one the refill made
// ahead of time), and their answers are those of a create without a pool:
// same status, same shape, same values but the names and ids, and the
// returned password logs in.
func TestPterodactylCreateClaimsWarmDatabase(t *testing.T) {
	pg := dbtest.Postgres(t)
	ctx := context.Background()
	// Registered before the instance, so it runs after the instance stopped.
	t.Cleanup(func() { dropWarmOn(pg) })
	in := startInstance(t)
	host := in.addHost(t, pg)
	hostPath := "/api/admin/database-hosts/" + host["id"].(string)
	ownerID, ownerKey := in.addTenant(t, "warm-owner@example.com", nil)
	node := in.mustDo(t, 201, "POST", "/api/admin/nodes", in.adminKey, map[string]any{"name": "warm-node"}).data(t)
	srv := in.mustDo(t, 201, "POST", "/api/admin/servers", in.adminKey, map[string]any{"name": "warm", "ownerId": ownerID, "nodeId": node["id"]}).data(t)
	sid, ident := fmt.Sprint(srv["numericId"]), srv["identifier"].(string)
	store, err := sql.Open("sqlite", "file:"+filepath.Join(in.dataDir, "dbplane.db")+"?_pragma=busy_timeout(10000)&mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()

	appCreate := func(name string) map[string]any {
		return in.mustDo(t, 201, "POST", "/api/application/servers/"+sid+"/databases?include=password,host", in.adminKey, map[string]any{
			"database": name, "remote": "%", "host": host["numericId"],
		}).json(t)
	}
	clientCreate := func(name string) map[string]any {
		return in.mustDo(t, 200, "POST", "/api/client/servers/"+ident+"/databases", ownerKey, map[string]any{
			"database": name, "remote": "%", "engine": "postgres",
		}).json(t)
	}
	oid := func(name string) string {
		var o string
		if err := pg.AdminDB().QueryRowContext(ctx, `SELECT oid::text FROM pg_database WHERE datname = $1`, name).Scan(&o); err != nil {
			t.Fatalf("database %s on the server: %v", name, err)
		}
		return o
	}
	logIn := func(body map[string]any, dbKey string) {
		t.Helper()
		a := body["attributes"].(map[string]any)
		pw := relationship(t, a, "password")["password"].(string)
		if err := pg.ConnectAs(ctx, a["username"].(string), pw, a[dbKey].(string)); err != nil {
			t.Errorf("the returned password of %s does not log in: %v", a[dbKey], err)
		}
	}

	// The pool: two warm databases ready.
	in.mustDo(t, 200, "PATCH", hostPath, in.adminKey, map[string]any{"warmPool": 2})
	waitWarmReady(t, store, 2)
	warm := queryColumn(t, pg.AdminDB(), `SELECT oid::text FROM pg_database WHERE datname LIKE 'dbplane\_warm\_%'`)
	appWarm := appCreate("warmapp")
	clientWarm := clientCreate("warmclient")
	for _, name := range []string{appWarm["attributes"].(map[string]any)["database"].(string), clientWarm["attributes"].(map[string]any)["name"].(string)} {
		if o := oid(name); !slices.Contains(warm, o) {
			t.Errorf("%s (oid %s) is none of the warm databases %v: nothing was claimed", name, o, warm)
		}
	}

	// No pool: the same creates make their databases.
	in.mustDo(t, 200, "PATCH", hostPath, in.adminKey, map[string]any{"warmPool": 0})
	waitWarmReady(t, store, -1)
	appNormal := appCreate("normapp")
	clientNormal := clientCreate("normclient")

	for _, c := range []struct {
		name         string
		warm, normal map[string]any
		dbKey        string
	}{
		{"application", appWarm, appNormal, "database"},
		{"client", clientWarm, clientNormal, "name"},
	} {
		logIn(c.warm, c.dbKey)
		logIn(c.normal, c.dbKey)
		w, n := neutral(c.warm, "warm"), neutral(c.normal, "norm")
		if !reflect.DeepEqual(w, n) {
			t.Errorf("%s API: a create that claimed a warm database answers\n %v\nwhere one without a pool answers\n %v", c.name, w, n)
		}
	}
	wantDB := "s" + sid + "_warmapp"
	if got := appWarm["attributes"].(map[string]any)["database"]; got != wantDB {
		t.Errorf("application create database = %v, want %s", got, wantDB)
	}
}

// neutral returns v with what differs between two creates taken out: ids,
// timestamps, the password, the random part of the username, and the name
// the caller chose (tag + "app" or "client", which becomes "NAME").
func neutral(v any, tag string) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			switch k {
			case "id", "created_at", "updated_at", "resource":
				out[k] = fmt.Sprintf("<%T>", e)
			case "password":
				if _, ok := e.(string); ok {
					out[k] = "<password>"
				} else {
					out[k] = neutral(e, tag) // the relationship
				}
			case "username":
				s, _ := e.(string)
				if i := strings.IndexByte(s, '_'); i > 0 {
					s = s[:i+1] + "<random>"
				}
				out[k] = s
			default:
				out[k] = neutral(e, tag)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = neutral(e, tag)
		}
		return out
	case string:
		return strings.NewReplacer(tag+"app", "NAME", tag+"client", "NAME").Replace(x)
	}
	return v
}

// waitWarmReady waits until the store holds n warm databases, all ready
// (n < 0: none at all), as the refill on the leader makes or drops them.
func waitWarmReady(t *testing.T, store *sql.DB, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var ready, all int
		err := store.QueryRow(`SELECT COUNT(*) FILTER (WHERE state = 'ready'), COUNT(*) FROM warm_databases`).Scan(&ready, &all)
		if err == nil && ((n < 0 && all == 0) || (n >= 0 && ready == n && all == n)) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("warm databases: %d ready of %d (err %v), want %d ready", ready, all, err, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func queryColumn(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// dropWarmOn drops what a warm pool left on the shared server.
func dropWarmOn(srv *dbtest.Server) {
	db := srv.AdminDB()
	rows, err := db.Query(`SELECT datname FROM pg_database WHERE datname LIKE 'dbplane\_warm\_%'`)
	if err != nil {
		return
	}
	var names []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		names = append(names, s)
	}
	rows.Close()
	for _, n := range names {
		db.Exec(`DROP DATABASE "` + n + `" WITH (FORCE)`)
		db.Exec(`DROP ROLE IF EXISTS "` + n + `"`)
	}
}
