package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/dbplane/dbplane/internal/cli"
	"github.com/dbplane/dbplane/internal/config"
	"github.com/dbplane/dbplane/internal/dbtest"
)

// TestIsolation: no user key reads, rotates or lists another account's
// database, and none reaches /api/admin; an admin key does not act as a
// tenant on /api/v1/db.
func TestIsolation(t *testing.T) {
	in := startInstance(t)
	in.addHost(t, dbtest.MariaDB(t))
	type tenant struct{ key, dbID, password string }
	var tenants []tenant
	for _, email := range []string{"alice@example.com", "bob@example.com"} {
		_, key := in.addTenant(t, email, nil)
		d := in.mustDo(t, 201, "POST", "/api/v1/db/databases", key, map[string]any{"name": "shared-name"}).data(t)
		tenants = append(tenants, tenant{key: key, dbID: d["id"].(string), password: d["password"].(string)})
	}
	for i, me := range tenants {
		for j, other := range tenants {
			if i == j {
				continue
			}
			for _, rq := range []struct{ method, path string }{
				{"GET", "/api/v1/db/databases/" + other.dbID},
				{"POST", "/api/v1/db/databases/" + other.dbID + "/rotate"},
			} {
				r := in.do(t, rq.method, rq.path, me.key, nil)
				if r.status != 404 || r.json(t)["code"] != "NOT_FOUND" {
					t.Errorf("tenant %d: %s %s = %d %s, want 404 NOT_FOUND", i, rq.method, rq.path, r.status, r.body)
				}
				if bytes.Contains(r.body, []byte(other.password)) {
					t.Errorf("tenant %d saw tenant %d's password", i, j)
				}
			}
			list := in.mustDo(t, 200, "GET", "/api/v1/db/databases", me.key, nil)
			if bytes.Contains(list.body, []byte(other.dbID)) {
				t.Errorf("tenant %d's list shows tenant %d's database", i, j)
			}
		}
		// The other's password still works: the refused rotate changed nothing.
		got := in.mustDo(t, 200, "GET", "/api/v1/db/databases/"+me.dbID, me.key, nil).data(t)
		if got["password"] != me.password {
			t.Errorf("tenant %d's password changed after foreign rotate attempts", i)
		}
	}

	adminRoutes := []struct{ method, path string }{
		{"GET", "/api/admin/database-hosts"}, {"POST", "/api/admin/database-hosts"},
		{"GET", "/api/admin/accounts"}, {"POST", "/api/admin/accounts"},
		{"GET", "/api/admin/database-hosts/1"}, {"PATCH", "/api/admin/database-hosts/1"},
		{"DELETE", "/api/admin/database-hosts/1"}, {"POST", "/api/admin/database-hosts/1/test"},
	}
	for _, rq := range adminRoutes {
		r := in.do(t, rq.method, rq.path, tenants[0].key, map[string]any{})
		if r.status != 403 {
			t.Errorf("user key: %s %s = %d %s, want 403", rq.method, rq.path, r.status, r.body)
		}
	}
	r := in.do(t, "GET", "/api/v1/db/databases", in.adminKey, nil)
	if r.status != 403 || r.json(t)["ok"] != false {
		t.Errorf("admin key on /api/v1/db = %d %s, want 403 in the envelope", r.status, r.body)
	}
}

// TestConcurrentCreates_ExactlyTheFreeSlots fires 50 creates at an account
// with 10 free slots, over HTTP, on a real MariaDB.
func TestConcurrentCreates_ExactlyTheFreeSlots(t *testing.T) {
	srv := dbtest.MariaDB(t)
	in := startInstance(t)
	in.addHost(t, srv)
	accountID, key := in.addTenant(t, "busy@example.com", 10)
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[string]int{}
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := in.do(t, "POST", "/api/v1/db/databases", key, map[string]any{"name": fmt.Sprintf("db-%d", i)})
			m := r.json(t)
			mu.Lock()
			statuses[fmt.Sprintf("%d %v", r.status, m["code"])]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	want := map[string]int{"201 <nil>": 10, "402 OUT_OF_SLOTS": 40}
	if fmt.Sprint(statuses) != fmt.Sprint(want) {
		t.Errorf("50 concurrent creates with 10 slots: %v, want %v", statuses, want)
	}
	slug := strings.ToLower(accountID[len(accountID)-10:])
	rows, err := srv.AdminDB().QueryContext(context.Background(), `SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE schema_name LIKE ?`, "um\\_"+slug+"\\_%")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var n int
	for rows.Next() {
		rows.Scan(&n)
	}
	if n != 10 {
		t.Errorf("the engine holds %d databases for the account, want 10", n)
	}
}

func TestInit_PrintsOneKeyAloneAndRefusesASecondRun(t *testing.T) {
	dir := t.TempDir()
	key := mustInit(t, dir)
	if !regexp.MustCompile(`^dbpa_[A-Za-z0-9]{40}$`).MatchString(key) {
		t.Errorf("init stdout = %q, want one admin key alone", key)
	}
	var stdout, stderr bytes.Buffer
	code := cliMain([]string{"init", "--data-dir", dir}, &stdout, &stderr)
	if code == 0 || stdout.Len() != 0 || !strings.Contains(stderr.String(), "already initialised") {
		t.Errorf("second init: exit %d, stdout %q, stderr %q; want a refusal and nothing on stdout", code, stdout.String(), stderr.String())
	}
}

func TestHostTest_NamesTheMissingPrivilege(t *testing.T) {
	for _, srv := range []*dbtest.Server{dbtest.MariaDB(t), dbtest.Postgres(t)} {
		in := startInstance(t)
		cfg := srv.NewLimitedUser(t)
		r := in.do(t, "POST", "/api/admin/database-hosts", in.adminKey, map[string]any{
			"name": "weak", "engine": srv.Engine(), "hostname": cfg.Host, "port": cfg.Port,
			"username": cfg.User, "password": cfg.Password, "tls": "disable",
		})
		body := string(r.body)
		if r.status != 422 || !strings.Contains(body, "lacks privileges") || !strings.Contains(strings.ToUpper(body), "CREATE") {
			t.Errorf("%s: create host with a limited user = %d %s, want 422 naming the missing privilege", srv.Engine(), r.status, body)
		}
		if strings.Contains(body, cfg.Password) {
			t.Errorf("%s: the error carries the host password", srv.Engine())
		}
	}
}

func TestServe_RefusesASecondServerOnOneDataDir(t *testing.T) {
	in := startInstance(t)
	cfg := config.Default()
	cfg.DataDir, cfg.Listen = in.dataDir, "127.0.0.1:0"
	srv, err := cli.OpenServer(context.Background(), cfg, cli.ServerOptions{Logs: io.Discard})
	if err == nil {
		srv.Close()
		t.Fatal("a second serve on the same data dir started")
	}
	if !strings.Contains(err.Error(), "another dbplane serve") {
		t.Errorf("error = %v, want it to name the running serve", err)
	}
}
