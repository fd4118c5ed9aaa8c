package cli_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"strconv"
	"strings"
	"testing"

	"github.com/dbplane/dbplane/internal/cli"
	"github.com/dbplane/dbplane/internal/config"
	"github.com/dbplane/dbplane/internal/dbtest"
)

// newMasterKey returns key-file text holding one random key.
func newMasterKey(tb testing.TB) string {
	tb.Helper()
	b := make([]byte, 32)
	rand.Read(b)
	return "k1:" + base64.StdEncoding.EncodeToString(b)
}

// newStoreURL creates an empty database on the test binary's PostgreSQL
// server for a metadata store, and returns its URL.
func newStoreURL(tb testing.TB) string {
	tb.Helper()
	pg := dbtest.Postgres(tb)
	return pg.URL(pg.NewDatabase(tb))
}

func TestInit_PostgresStoreNeedsASharedMasterKey(t *testing.T) {
	url := newStoreURL(t)
	var stdout, stderr bytes.Buffer
	code := cliMain([]string{"init", "--data-dir", t.TempDir(), "--store", url}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "set DBPLANE_MASTER_KEY or --master-key-file") {
		t.Fatalf("init --store postgres:// without a key = exit %d, %q; want 1 asking for DBPLANE_MASTER_KEY or --master-key-file", code, stderr.String())
	}
	pw, _ := strings.CutPrefix(url, "postgres://postgres:")
	pw, _, _ = strings.Cut(pw, "@")
	if strings.Contains(stderr.String(), pw) {
		t.Errorf("init's error repeats the store password: %q", stderr.String())
	}
}

// TestServe_ReplicaWithAnotherMasterKeyRefusesToStart: init seals a canary
// into the store; a replica given another key must not start (it would
// seal passwords the others cannot open), and must say why.
func TestServe_ReplicaWithAnotherMasterKeyRefusesToStart(t *testing.T) {
	url := newStoreURL(t)
	key := newMasterKey(t)
	t.Setenv("DBPLANE_MASTER_KEY", key)
	var stdout, stderr bytes.Buffer
	if code := cliMain([]string{"init", "--data-dir", t.TempDir(), "--store", url}, &stdout, &stderr); code != 0 {
		t.Fatalf("init --store postgres:// = exit %d: %s", code, stderr.String())
	}
	if !strings.HasPrefix(stdout.String(), "dbpa_") || strings.Contains(stderr.String(), url) {
		t.Errorf("init printed %q on stdout and %q on stderr; want the admin key alone, and never the store URL", stdout.String(), stderr.String())
	}

	cfg := config.Default()
	cfg.DataDir, cfg.Listen, cfg.Store, cfg.MasterKey = t.TempDir(), "127.0.0.1:0", url, key
	srv, err := cli.OpenServer(context.Background(), cfg, cli.ServerOptions{Logs: &syncBuffer{}})
	if err != nil {
		t.Fatalf("OpenServer with the init key: %v", err)
	}
	defer srv.Close()
	in := &instance{srv: srv, url: srv.URL(), adminKey: strings.TrimSpace(stdout.String())}
	in.mustDo(t, 200, "GET", "/api/admin/accounts", in.adminKey, nil)

	// A second replica with the same key on its own data dir starts too.
	cfg2 := cfg
	cfg2.DataDir = t.TempDir()
	srv2, err := cli.OpenServer(context.Background(), cfg2, cli.ServerOptions{Logs: &syncBuffer{}})
	if err != nil {
		t.Fatalf("a second replica with the same key: %v", err)
	}
	srv2.Close()

	other := cfg
	other.DataDir, other.MasterKey = t.TempDir(), newMasterKey(t)
	logs := &syncBuffer{}
	if s, err := cli.OpenServer(context.Background(), other, cli.ServerOptions{Logs: logs}); err == nil {
		s.Close()
		t.Fatal("OpenServer with another master key = nil error, want a refusal")
	} else if !strings.Contains(err.Error(), "not the one the store was set up with") {
		t.Errorf("OpenServer with another master key = %v, want it to say the key is not the store's", err)
	}
}

func TestServe_StorePasswordNeverInErrors(t *testing.T) {
	pg := dbtest.Postgres(t)
	host, port := pg.Addr()
	url := "postgres://postgres:hunter2-wrong@" + host + ":" + strconv.Itoa(port) + "/postgres?sslmode=disable"
	t.Setenv("DBPLANE_MASTER_KEY", newMasterKey(t))
	for _, cmd := range []string{"init", "serve", "migrate", "reconcile"} {
		var stdout, stderr bytes.Buffer
		code := cliMain([]string{cmd, "--data-dir", t.TempDir(), "--store", url, "--listen", "127.0.0.1:0"}, &stdout, &stderr)
		if code == 0 {
			t.Errorf("%s with a wrong store password = exit 0, want 1", cmd)
		}
		if strings.Contains(stderr.String()+stdout.String(), "hunter2") {
			t.Errorf("%s printed the store password: %q", cmd, stderr.String())
		}
	}
}

func TestMigrate_PostgresStore(t *testing.T) {
	url := newStoreURL(t)
	for range 2 { // the second run finds nothing to do
		var stdout, stderr bytes.Buffer
		if code := cliMain([]string{"migrate", "--store", url}, &stdout, &stderr); code != 0 {
			t.Fatalf("migrate = exit %d: %s", code, stderr.String())
		}
		if !strings.Contains(stderr.String(), "schema version 1") {
			t.Errorf("migrate printed %q, want the schema version", stderr.String())
		}
	}
}
