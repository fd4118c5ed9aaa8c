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
	ctx := context.Background()
	maria := dbtest.MariaDB(t)
	in := startInstance(t)
	host := in.addHost(t, maria)
	_, key := in.addTenant(t, "ada@example.com", 2)
	created := in.mustDo(t, 201, "POST", "/api/v1/db/databases", key, map[string]any{"name": "app", "engine": "mariadb"}).data(t)
	id, pw := created["id"].(string), created["password"].(string)

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

	in.srv.Close()
	if err := secret.WriteKeyFile(keyFile, k2); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.DataDir, cfg.Listen = in.dataDir, "127.0.0.1:0"
	srv, err := cli.OpenServer(ctx, cfg, cli.ServerOptions{})
	if err != nil {
		t.Fatalf("serve with k2 alone: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	in.srv, in.url = srv, srv.URL()

	revealed := in.mustDo(t, 200, "GET", "/api/v1/db/databases/"+id, key, nil).data(t)
	if revealed["password"] != pw {
		t.Fatal("after rekey, reveal returns another password")
	}
	if err := maria.ConnectAs(ctx, created["dbUser"].(string), pw, created["dbName"].(string)); err != nil {
		t.Errorf("the revealed password does not log in: %v", err)
	}
	test := in.mustDo(t, 200, "POST", "/api/admin/database-hosts/"+host["id"].(string)+"/test", in.adminKey, nil).data(t)
	if test["success"] != true {
		t.Errorf("host test with k2 alone = %v, want success (its password opens)", test)
	}
}
