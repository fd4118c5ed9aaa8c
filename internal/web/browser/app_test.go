package browser_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/cli"
	"github.com/dbplane/dbplane/internal/config"
	"github.com/dbplane/dbplane/internal/dbtest"
	"github.com/dbplane/dbplane/internal/servetest"
)

// app is a real dbplane serve on a fresh data dir with the test binary's
// MariaDB and PostgreSQL registered as hosts "maria-1" and "pg-1". It is a
// small copy of internal/web's fixture, which a test package cannot import.
type app struct {
	srv      *cli.Server
	url      string
	adminKey string
	dataDir  string
	maria    *dbtest.Server
	pg       *dbtest.Server
	logs     *servetest.Logs
}

// appOptions tune newApp.
type appOptions struct {
	upgradeURL, upgradeText string // serve's --upgrade-url and --upgrade-text
}

// newApp starts serve the way `dbplane init` then `dbplane serve` would,
// and registers the real database servers through the admin API.
func newApp(t *testing.T, opts ...func(*appOptions)) *app {
	t.Helper()
	// The browser and the servers first: without them the test skips (or,
	// with CI=true, fails) before anything starts.
	requireBrowser(t)
	maria, pg := dbtest.MariaDB(t), dbtest.Postgres(t)
	var o appOptions
	for _, f := range opts {
		f(&o)
	}
	in := servetest.Start(t, func(cfg *config.Config) {
		cfg.QuotaInterval = 0
		cfg.UpgradeURL, cfg.UpgradeText = o.upgradeURL, o.upgradeText
	})
	a := &app{srv: in.Server, url: in.URL, adminKey: in.AdminKey, dataDir: in.DataDir, maria: maria, pg: pg, logs: in.Logs}
	a.addHost(t, "maria-1", maria)
	a.addHost(t, "pg-1", pg)
	return a
}

// addHost registers s as a database host with its superuser.
func (a *app) addHost(t *testing.T, name string, s *dbtest.Server) {
	t.Helper()
	c := s.AdminConfig()
	a.api(t, 201, "POST", "/api/admin/database-hosts", a.adminKey, map[string]any{
		"name": name, "engine": s.Engine(), "hostname": c.Host, "port": c.Port,
		"username": c.User, "password": c.Password, "database": c.Database, "tls": "disable",
	})
}

// api calls a JSON API with key and returns the "data" member.
func (a *app) api(t *testing.T, want int, method, path, key string, body any) map[string]any {
	t.Helper()
	status, b := a.call(t, method, path, key, body)
	if status != want {
		t.Fatalf("%s %s = %d %s, want %d", method, path, status, b, want)
	}
	var m map[string]any
	if len(b) > 0 {
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
	d, _ := m["data"].(map[string]any)
	return d
}

// call sends one API request and returns its status and body.
func (a *app) call(t *testing.T, method, path, key string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, a.url+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

// tenant creates an account (slots nil = unlimited) with a password and
// returns its id.
func (a *app) tenant(t *testing.T, email string, slots any, password string) string {
	t.Helper()
	acct := a.api(t, 201, "POST", "/api/admin/accounts", a.adminKey, map[string]any{"email": email, "name": email, "slots": slots})
	id := acct["id"].(string)
	if err := a.srv.Service().SetPassword(context.Background(), id, dbplane.Secret(password)); err != nil {
		t.Fatal(err)
	}
	return id
}

// adminPassword sets the password of the admin account that init made,
// the way the README tells an operator to: `dbplane account set-password`
// reading it from standard input, next to the running serve.
func (a *app) adminPassword(t *testing.T, password string) string {
	t.Helper()
	var out, errb bytes.Buffer
	args := []string{"account", "set-password", adminEmail, "--data-dir", a.dataDir}
	if code := cli.Main(context.Background(), args, strings.NewReader(password+"\n"), &out, &errb); code != 0 {
		t.Fatalf("dbplane account set-password: %s", errb.String())
	}
	return adminEmail
}

// adminEmail is the account `dbplane init` makes.
const adminEmail = "admin@localhost"
