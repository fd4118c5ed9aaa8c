package cli_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dbplane/dbplane/internal/cli"
	"github.com/dbplane/dbplane/internal/config"
	"github.com/dbplane/dbplane/internal/dbtest"
	"github.com/dbplane/dbplane/internal/store"
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
		args := []string{cmd, "--data-dir", t.TempDir(), "--store", url}
		if cmd == "serve" {
			args = append(args, "--listen", "127.0.0.1:0")
		}
		code := cliMain(args, &stdout, &stderr)
		if code != 1 || !strings.Contains(stderr.String(), "password authentication failed") {
			t.Errorf("%s with a wrong store password = exit %d, %q; want 1 and the login refused", cmd, code, stderr.String())
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
		if !regexp.MustCompile(`schema version [1-9][0-9]*\n`).MatchString(stderr.String()) { // the latest migration's
			t.Errorf("migrate printed %q, want the schema version", stderr.String())
		}
	}
}

// replica is one serve of a shared PostgreSQL store, in this process.
type replica struct {
	srv  *cli.Server
	logs *syncBuffer
}

// startReplicas initialises a PostgreSQL store with a shared master key
// and starts n serve replicas on it at once, with a short election. It
// returns them and the admin key.
func startReplicas(t *testing.T, n int) ([]*replica, string) {
	t.Helper()
	rs, key, _ := startReplicasURL(t, n)
	return rs, key
}

// startReplicasURL is startReplicas, also returning the store URL.
func startReplicasURL(t *testing.T, n int) ([]*replica, string, string) {
	t.Helper()
	url := newStoreURL(t)
	key := newMasterKey(t)
	t.Setenv("DBPLANE_MASTER_KEY", key)
	var stdout, stderr bytes.Buffer
	if code := cliMain([]string{"init", "--data-dir", t.TempDir(), "--store", url}, &stdout, &stderr); code != 0 {
		t.Fatalf("init --store postgres:// = exit %d: %s", code, stderr.String())
	}
	out := make([]*replica, n)
	errs := make([]error, n)
	done := make(chan int)
	for i := range out {
		go func() {
			cfg := config.Default()
			cfg.DataDir, cfg.Listen, cfg.Store, cfg.MasterKey, cfg.LogLevel = t.TempDir(), "127.0.0.1:0", url, key, "debug"
			cfg.EngineTimeout = 2 * time.Second
			logs := &syncBuffer{}
			srv, err := cli.OpenServer(context.Background(), cfg, cli.ServerOptions{Logs: logs,
				Election:          store.LeadOptions{ID: fmt.Sprintf("r%d", i), Retry: 100 * time.Millisecond, Renew: 300 * time.Millisecond, Lease: 3 * time.Second},
				ReconcileInterval: 200 * time.Millisecond,
			})
			out[i], errs[i] = &replica{srv: srv, logs: logs}, err
			done <- i
		}()
	}
	for range out {
		<-done
	}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("replica %d: OpenServer: %v", i, err)
		}
		t.Cleanup(func() { out[i].srv.Close() })
	}
	return out, strings.TrimSpace(stdout.String()), url
}

// leaders returns the replicas whose logs say they lead now.
func leaders(rs []*replica) []int {
	var out []int
	for i, r := range rs {
		logs := r.logs.String()
		if strings.LastIndex(logs, "elected leader") > strings.LastIndex(logs, "stepped down") {
			out = append(out, i)
		}
	}
	return out
}

// waitLeaders waits until exactly one replica but skip leads. Two may say
// so for a moment (one starved of CPU past its lease has not noticed yet),
// not for the whole wait.
func waitLeaders(t *testing.T, rs []*replica, skip int) int {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var ls []int
		for _, i := range leaders(rs) {
			if i != skip {
				ls = append(ls, i)
			}
		}
		if len(ls) == 1 {
			return ls[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 15s, replicas %v lead; want exactly one", ls)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestServe_ReplicasElectOneLeader: three replicas started together on an
// empty store migrate once and elect one leader; when it stops, another
// takes over.
func TestServe_ReplicasElectOneLeader(t *testing.T) {
	rs, adminKey := startReplicas(t, 3)
	for _, r := range rs {
		in := &instance{srv: r.srv, url: r.srv.URL(), adminKey: adminKey}
		in.mustDo(t, 200, "GET", "/api/admin/accounts", adminKey, nil)
	}
	first := waitLeaders(t, rs, -1)
	time.Sleep(time.Second) // no second leader appears
	if ls := leaders(rs); len(ls) != 1 {
		t.Fatalf("leaders %v, want one", ls)
	}
	rs[first].srv.Close()
	next := waitLeaders(t, rs, first)
	if next == first {
		t.Fatalf("replica %d still leads after it stopped", first)
	}
}

// TestQuotaRefresh_RunsOnlyWhileNoReplicaLeads: with a PostgreSQL store the
// leader runs the watcher; 'quota refresh' says so and exits 1 while a
// replica leads, and runs a pass once none does.
func TestQuotaRefresh_RunsOnlyWhileNoReplicaLeads(t *testing.T) {
	rs, _, url := startReplicasURL(t, 1)
	waitLeaders(t, rs, -1)
	var stdout, stderr bytes.Buffer
	if code := cliMain([]string{"quota", "refresh", "--store", url}, &stdout, &stderr); code != 1 ||
		!strings.Contains(stderr.String(), "a serve replica is the leader") {
		t.Errorf("quota refresh while a replica leads = exit %d, %q; want 1 and that the leader runs the watcher", code, stderr.String())
	}
	rs[0].srv.Close()
	stdout.Reset()
	stderr.Reset()
	if code := cliMain([]string{"quota", "refresh", "--store", url}, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "Quota pass") {
		t.Errorf("quota refresh with no replica = exit %d, %q %q; want 0 and a report", code, stdout.String(), stderr.String())
	}
}
