package cli_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dbplane/dbplane/internal/dbtest"
)

// TestRetireAndDeleteCommands: a MariaDB host is killed; "host retire"
// orphans its database and prints it, the tenant sees it as orphaned and
// its reveal and rotate answer 503, "account delete" is refused while the
// account owns it and "--cascade" deletes the account (the orphan without
// the engine); then the retired host can be removed.
func TestRetireAndDeleteCommands(t *testing.T) {
	maria, err := dbtest.StartMariaDB(context.Background(), t.TempDir())
	if errors.Is(err, dbtest.ErrNotInstalled) && os.Getenv("CI") != "true" {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { maria.Stop() })
	in := startInstance(t)
	host := in.addHost(t, maria)
	hostID := host["id"].(string)
	_, key := in.addTenant(t, "leaving@example.com", 1)
	created := in.mustDo(t, 201, "POST", "/api/v1/db/databases", key, map[string]any{"name": "shop", "engine": "mariadb"}).data(t)
	dbName := created["dbName"].(string)
	dbID := created["id"].(string)

	if err := maria.Stop(); err != nil {
		t.Fatal(err)
	}
	r := in.mustCLI(t, 0, in.adminKey, "host", "retire", hostID)
	if !strings.Contains(r.stdout, dbName) {
		t.Errorf("host retire does not list the orphan %s:\n%s", dbName, r.stdout)
	}
	r = in.mustCLI(t, 0, in.adminKey, "host", "orphans", hostID)
	if !strings.Contains(r.stdout, dbName) {
		t.Errorf("host orphans does not list %s:\n%s", dbName, r.stdout)
	}
	list := in.mustDo(t, 200, "GET", "/api/v1/db/databases", key, nil)
	if !strings.Contains(string(list.body), `"status":"orphaned"`) {
		t.Errorf("the tenant's list does not show the orphan: %s", list.body)
	}
	in.mustDo(t, 503, "GET", "/api/v1/db/databases/"+dbID, key, nil)
	in.mustDo(t, 503, "POST", "/api/v1/db/databases/"+dbID+"/rotate", key, nil)
	// The slot came back, and the retired host takes nothing: no host left.
	if r := in.do(t, "POST", "/api/v1/db/databases", key, map[string]any{"name": "again", "engine": "mariadb"}); r.status == 201 {
		t.Errorf("a create succeeded with the only host retired: %s", r.body)
	}

	if r := in.cli(t, in.adminKey, "", "account", "delete", "leaving@example.com"); r.code == 0 || !strings.Contains(r.stderr, "cascade") {
		t.Errorf("account delete of an account with a database: exit %d, stderr %q; want refused, naming --cascade", r.code, r.stderr)
	}
	r = in.mustCLI(t, 0, in.adminKey, "account", "delete", "--cascade", "leaving@example.com")
	if !strings.Contains(r.stdout, "Deleted account") {
		t.Errorf("account delete --cascade: %s", r.stdout)
	}
	in.mustDo(t, 401, "GET", "/api/v1/db/databases", key, nil)
	in.mustCLI(t, 0, in.adminKey, "host", "remove", hostID)
	// Each entry is written once its answer is out: wait for them.
	deadline := time.Now().Add(10 * time.Second)
	for _, action := range []string{"DELETE /api/admin/accounts/{id}", "POST /api/admin/database-hosts/{id}/retire"} {
		for !slices.ContainsFunc(readAudit(t, in, "", 50), func(e auditJSON) bool { return e.Action == action && e.Status < 300 }) {
			if time.Now().After(deadline) {
				t.Fatalf("the audit log does not hold %q", action)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}
