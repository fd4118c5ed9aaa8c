package cli_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbplane/dbplane/internal/cli"
	"github.com/dbplane/dbplane/internal/config"
	"github.com/dbplane/dbplane/internal/dbtest"
	"github.com/dbplane/dbplane/internal/secret"
)

// TestRekey_ThenServeWithTheNewKeyAlone: a data dir made with key k1 and
// holding a MariaDB host and a database is re-sealed by 'dbplane rekey'
// under k2 while serve runs; then serve starts with a key file holding k2
// alone, reveals the same password, and that password logs in.
func TestRekey_ThenServeWithTheNewKeyAlone(t *testing.T) {
	t.Parallel()
	maria := dbtest.MariaDB(t)
	in := startInstance(t)
	host := in.addHost(t, maria)
	_, key := in.addTenant(t, "ada@example.com", 2)
	created := in.mustDo(t, 201, "POST", "/api/v1/db/databases", key, map[string]any{"name": "app", "engine": "mariadb"}).data(t)
	pw := created["password"].(string)

	keyFile := filepath.Join(in.dataDir, secret.DefaultKeyFile)
	k1, _, err := secret.LoadKeyFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := secret.GenerateKey("k2", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := secret.WriteKeyFile(keyFile, k2, k1); err != nil {
		t.Fatal(err)
	}

	var out, errb strings.Builder
	if code := cliMain([]string{"rekey", "--data-dir", in.dataDir}, &out, &errb); code != 0 {
		t.Fatalf("rekey: exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"databases: 1/1", "hosts: 1/1", "databases: 1 re-sealed", "hosts: 1 re-sealed", "done:"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("rekey stderr lacks %q:\n%s", want, errb.String())
		}
	}
	if strings.Contains(errb.String(), pw) || strings.Contains(errb.String(), maria.AdminConfig().Password) || out.Len() > 0 {
		t.Errorf("rekey printed a password or wrote to stdout:\n%s\n%s", out.String(), errb.String())
	}

	if err := secret.WriteKeyFile(keyFile, k2); err != nil {
		t.Fatal(err)
	}
	in.restart(t)
	checkAfterRekey(t, in, maria, host["id"].(string), key, created)
}

// TestRekey_AdminAPI: the same rotation through POST /api/admin/rekey on a
// serve restarted with k2 first in its key file.
func TestRekey_AdminAPI(t *testing.T) {
	t.Parallel()
	maria := dbtest.MariaDB(t)
	in := startInstance(t)
	host := in.addHost(t, maria)
	_, key := in.addTenant(t, "ada@example.com", 2)
	created := in.mustDo(t, 201, "POST", "/api/v1/db/databases", key, map[string]any{"name": "app", "engine": "mariadb"}).data(t)

	keyFile := filepath.Join(in.dataDir, secret.DefaultKeyFile)
	k1, _, err := secret.LoadKeyFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	k2, _ := secret.GenerateKey("k2", nil)
	if err := secret.WriteKeyFile(keyFile, k2, k1); err != nil {
		t.Fatal(err)
	}
	in.restart(t)
	rep := in.mustDo(t, 200, "POST", "/api/admin/rekey", in.adminKey, nil).data(t)
	if rep["done"] != true || rep["primaryKey"] != "k2" {
		t.Fatalf("rekey = %v, want done under k2", rep)
	}
	for _, tr := range rep["tables"].([]any) {
		m := tr.(map[string]any)
		if m["table"] == "databases" && m["resealed"] != float64(1) {
			t.Errorf("rekey databases = %v, want 1 re-sealed", m)
		}
	}
	if err := secret.WriteKeyFile(keyFile, k2); err != nil {
		t.Fatal(err)
	}
	in.restart(t)
	checkAfterRekey(t, in, maria, host["id"].(string), key, created)
}

// restart stops the instance's serve and starts another on its data dir,
// which reads the key file again.
func (in *instance) restart(t *testing.T) {
	t.Helper()
	in.srv.Close()
	cfg := config.Default()
	cfg.DataDir, cfg.Listen = in.dataDir, "127.0.0.1:0"
	srv, err := cli.OpenServer(context.Background(), cfg, cli.ServerOptions{})
	if err != nil {
		t.Fatalf("serve after the key file changed: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	in.srv, in.url = srv, srv.URL()
}

// checkAfterRekey: the serve (holding k2 alone) reveals the database's
// password, which logs in, and opens the host's password.
func checkAfterRekey(t *testing.T, in *instance, maria *dbtest.Server, hostID, key string, created map[string]any) {
	t.Helper()
	ctx := context.Background()
	id, pw := created["id"].(string), created["password"].(string)
	revealed := in.mustDo(t, 200, "GET", "/api/v1/db/databases/"+id, key, nil).data(t)
	if revealed["password"] != pw {
		t.Fatal("after rekey, reveal returns another password")
	}
	if err := maria.ConnectAs(ctx, created["dbUser"].(string), pw, created["dbName"].(string)); err != nil {
		t.Errorf("the revealed password does not log in: %v", err)
	}
	test := in.mustDo(t, 200, "POST", "/api/admin/database-hosts/"+hostID+"/test", in.adminKey, nil).data(t)
	if test["success"] != true {
		t.Errorf("host test with k2 alone = %v, want success (its password opens)", test)
	}
}
