package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/dbtest"
	"github.com/dbplane/dbplane/internal/engine"
)

// hostArgs are the flags of "host add" for a MariaDB config.
func hostArgs(name string, cfg engine.Config) []string {
	return engineHostArgs(name, "mariadb", cfg)
}

func engineHostArgs(name, eng string, cfg engine.Config) []string {
	args := []string{"host", "add", name, "--engine", eng, "--hostname", cfg.Host, "--port", fmt.Sprint(cfg.Port),
		"--username", cfg.User, "--password-stdin", "--tls", "disable"}
	if cfg.Database != "" {
		args = append(args, "--database", cfg.Database)
	}
	return args
}

// hostIDs returns the hosts' numeric ids by name, from host list -o json.
func (in *instance) hostIDs(t *testing.T) map[string]string {
	t.Helper()
	var hosts []struct {
		NumericID int64  `json:"numericId"`
		Name      string `json:"name"`
	}
	r := in.mustCLI(t, 0, in.adminKey, "host", "list", "-o", "json")
	if err := json.Unmarshal([]byte(r.stdout), &hosts); err != nil {
		t.Fatalf("host list -o json: %v\n%s", err, r.stdout)
	}
	ids := map[string]string{}
	for _, h := range hosts {
		ids[h.Name] = fmt.Sprint(h.NumericID)
	}
	return ids
}

// TestHostCommands: add (refused with the GRANT to run, which works once
// run), list, test, update, remove, and the exit codes of 401, 404 and
// 409, on a real MariaDB.
func TestHostCommands(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	srv := dbtest.MariaDB(t)
	root := srv.AdminConfig()
	lim := srv.NewLimitedUser(t)
	ctx := context.Background()

	// A user without the privileges: refused, with the statement to run.
	r := in.cli(t, in.adminKey, lim.Password+"\n", hostArgs("limited", lim)...)
	grant := dbplane.AdminGrants(dbplane.EngineMariaDB, lim.User, "")[0]
	if r.code != 2 || !strings.Contains(r.stderr, "lacks privileges") || !strings.Contains(r.stderr, "\n  "+grant+"\n") {
		t.Fatalf("host add with a limited user: exit %d, want 2 with the GRANT on stderr:\n%s", r.code, r.stderr)
	}
	golden(t, "add-refused.stderr", r.stderr, map[string]string{lim.User: "lim_<USER>"})
	if _, err := srv.AdminDB().ExecContext(ctx, grant); err != nil {
		t.Fatalf("run the printed GRANT: %v", err)
	}
	r = in.cli(t, in.adminKey, lim.Password+"\n", hostArgs("limited", lim)...)
	if r.code != 0 {
		t.Fatalf("host add after running the GRANT: exit %d: %s", r.code, r.stderr)
	}

	r = in.cli(t, in.adminKey, root.Password+"\n", append(hostArgs("main", root), "--max-databases", "10", "--pool-size", "12")...)
	if r.code != 0 {
		t.Fatalf("host add main: exit %d: %s", r.code, r.stderr)
	}
	golden(t, "add", r.stdout, nil)
	ids := in.hostIDs(t)

	list := in.mustCLI(t, 0, in.adminKey, "host", "list")
	golden(t, "list", list.stdout, nil)
	listJSON := in.mustCLI(t, 0, in.adminKey, "host", "list", "-o", "json")
	golden(t, "list.json", listJSON.stdout, nil)
	for _, out := range []string{list.stdout, listJSON.stdout} {
		mustNotContain(t, "host list", out, root.Password, lim.Password)
	}

	r = in.mustCLI(t, 0, in.adminKey, "host", "test", ids["main"])
	if !strings.HasPrefix(r.stdout, "Connection successful") {
		t.Errorf("host test = %q, want Connection successful…", r.stdout)
	}
	// Privileges taken away behind dbplane's back: test says which GRANT.
	if _, err := srv.AdminDB().ExecContext(ctx, "REVOKE CREATE USER ON *.* FROM '"+lim.User+"'@'%'"); err != nil {
		t.Fatal(err)
	}
	r = in.mustCLI(t, 1, in.adminKey, "host", "test", ids["limited"])
	if !strings.Contains(r.stdout, grant) {
		t.Errorf("host test of a host whose user lost CREATE USER: stdout lacks the GRANT:\n%s", r.stdout)
	}
	r = in.mustCLI(t, 1, in.adminKey, "host", "test", ids["limited"], "-o", "json")
	var test struct {
		Success bool     `json:"success"`
		Grants  []string `json:"grants"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &test); err != nil || test.Success || len(test.Grants) != 1 || test.Grants[0] != grant {
		t.Errorf("host test -o json = %s (%v), want success false and the GRANT", r.stdout, err)
	}

	r = in.mustCLI(t, 0, in.adminKey, "host", "update", ids["main"], "--max-databases", "unlimited", "--public-hostname", "db.internal", "-o", "json")
	var h map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &h); err != nil || h["maxDatabases"] != nil || h["publicHostname"] != "db.internal" {
		t.Errorf("host update -o json = %s (%v), want maxDatabases null and publicHostname db.internal", r.stdout, err)
	}
	// --pool-size takes 1 to 1000, or auto (0).
	r = in.mustCLI(t, 0, in.adminKey, "host", "update", ids["main"], "--pool-size", "auto", "-o", "json")
	if err := json.Unmarshal([]byte(r.stdout), &h); err != nil || h["poolSize"] != float64(0) {
		t.Errorf("host update --pool-size auto -o json = %s (%v), want poolSize 0", r.stdout, err)
	}
	r = in.mustCLI(t, 2, in.adminKey, "host", "update", ids["main"], "--pool-size", "1001")
	if !strings.Contains(r.stderr, "poolSize") {
		t.Errorf("host update --pool-size 1001: stderr %q, want it to name poolSize", r.stderr)
	}
	in.mustCLI(t, 2, in.adminKey, "host", "update", ids["main"], "--pool-size", "many")
	// --node takes several nodes, comma-separated; "" unlinks them all.
	in.mustCLI(t, 0, in.adminKey, "node", "create", "fra-1")
	in.mustCLI(t, 0, in.adminKey, "node", "create", "fra-2")
	r = in.mustCLI(t, 0, in.adminKey, "host", "update", ids["main"], "--node", "1,2", "-o", "json")
	var linked struct {
		NodeIDs []string `json:"nodeIds"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &linked); err != nil || len(linked.NodeIDs) != 2 {
		t.Errorf("host update --node 1,2 -o json = %s (%v), want two nodeIds", r.stdout, err)
	}
	if r = in.mustCLI(t, 0, in.adminKey, "host", "update", ids["main"], "--node", ""); !strings.Contains(r.stdout, "Nodes") {
		t.Errorf("host update --node \"\" shows no Nodes field:\n%s", r.stdout)
	}
	in.mustCLI(t, 2, in.adminKey, "host", "update", ids["main"], "--node", "1,99") // no node 99
	in.mustCLI(t, 2, in.adminKey, "host", "update", ids["main"])                   // nothing to change
	in.mustCLI(t, 2, in.adminKey, "host", "update", ids["main"], "--port", "0")    // 422
	in.mustCLI(t, 2, in.adminKey, "host", "update")                                // no ID

	// Exit codes by class.
	in.mustCLI(t, 3, in.adminKey, "host", "remove", "999")
	in.mustCLI(t, 3, in.adminKey, "host", "test", "999")
	in.mustCLI(t, 4, "", "host", "list")
	in.mustCLI(t, 4, "dbpa_nosuchkey", "host", "list")
	_, userKey := in.addTenant(t, "ada@example.com", 5)
	in.mustCLI(t, 4, userKey, "host", "list")
	in.mustDo(t, 201, "POST", "/api/v1/db/databases", userKey, map[string]any{"name": "app"})
	var conflict run
	for _, id := range ids { // the database went to one of the two
		if r := in.cli(t, in.adminKey, "", "host", "remove", id); r.code == 5 {
			conflict = r
		}
	}
	if !strings.Contains(conflict.stderr, "1 database") {
		t.Errorf("host remove of the host with a database: want exit 5 and the count; got %+v", conflict)
	}
	in.mustCLI(t, 6, in.adminKey, "host", "list", "--addr", "http://127.0.0.1:1")
}

// TestHostCommands_Remove: a host without databases goes.
func TestHostCommands_Remove(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	srv := dbtest.MariaDB(t)
	host := in.addHost(t, srv)
	r := in.mustCLI(t, 0, in.adminKey, "host", "remove", fmt.Sprint(host["numericId"]))
	golden(t, "remove", r.stdout, nil)
	if r := in.mustCLI(t, 0, in.adminKey, "host", "list", "-o", "json"); strings.TrimSpace(r.stdout) != "[]" {
		t.Errorf("host list after remove = %s, want []", r.stdout)
	}
	in.mustCLI(t, 3, in.adminKey, "host", "remove", fmt.Sprint(host["numericId"]))
}

// TestHostCommands_PostgresGrants: on PostgreSQL too, the statement host
// add prints is what the role lacks: run by the superuser, it makes the
// same add succeed.
func TestHostCommands_PostgresGrants(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	srv := dbtest.Postgres(t)
	lim := srv.NewLimitedUser(t)
	r := in.cli(t, in.adminKey, lim.Password+"\n", engineHostArgs("pg", "postgres", lim)...)
	grant := dbplane.AdminGrants(dbplane.EnginePostgres, lim.User, lim.Database)[0]
	if r.code != 2 || !strings.Contains(r.stderr, "\n  "+grant+"\n") {
		t.Fatalf("host add with a role lacking CREATEROLE: exit %d, want 2 with %q on stderr:\n%s", r.code, grant, r.stderr)
	}
	if _, err := srv.AdminDB().ExecContext(context.Background(), grant); err != nil {
		t.Fatalf("run the printed statement: %v", err)
	}
	r = in.cli(t, in.adminKey, lim.Password+"\n", engineHostArgs("pg", "postgres", lim)...)
	if r.code != 0 || !strings.Contains(r.stdout, "postgres") {
		t.Errorf("host add after running the statement: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
