package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/dbplane/dbplane/internal/api/openapitest"
	"github.com/dbplane/dbplane/internal/cli"
	"github.com/dbplane/dbplane/internal/config"
	"github.com/dbplane/dbplane/internal/dbtest"
	"github.com/dbplane/dbplane/internal/servetest"
)

// syncBuffer collects a serve's logs (servetest's).
type syncBuffer = servetest.Logs

// instance is a dbplane initialised in a temp dir and serving on :0.
type instance struct {
	srv      *cli.Server
	url      string
	adminKey string
	dataDir  string
	logs     *syncBuffer
}

// mustInit runs `dbplane init` on dataDir and returns the admin key.
func mustInit(tb testing.TB, dataDir string) string {
	tb.Helper()
	return servetest.Init(tb, dataDir)
}

func startInstance(tb testing.TB) *instance {
	tb.Helper()
	return startInstanceWith(tb, nil)
}

// startInstanceWith is startInstance with the configuration changed by
// edit first.
func startInstanceWith(tb testing.TB, edit func(*config.Config)) *instance {
	tb.Helper()
	in := servetest.Start(tb, edit)
	return &instance{srv: in.Server, url: in.URL, adminKey: in.AdminKey, dataDir: in.DataDir, logs: in.Logs}
}

type response struct {
	status int
	body   []byte
}

func (r response) json(tb testing.TB) map[string]any {
	tb.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		tb.Fatalf("response %d is not JSON: %v: %s", r.status, err, r.body)
	}
	return m
}

// data returns body["data"] as a map.
func (r response) data(tb testing.TB) map[string]any {
	tb.Helper()
	d, ok := r.json(tb)["data"].(map[string]any)
	if !ok {
		tb.Fatalf("response %d has no data object: %s", r.status, r.body)
	}
	return d
}

func (in *instance) do(tb testing.TB, method, path, key string, body any) response {
	tb.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			tb.Fatalf("%s %s: encode body: %v", method, path, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, in.url+path, rd)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	// TestMain's transport checks the response against docs/openapi.json.
	res, err := http.DefaultClient.Do(req.WithContext(openapitest.WithTB(req.Context(), tb)))
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatalf("%s %s: read response: %v", method, path, err)
	}
	return response{status: res.StatusCode, body: b}
}

func (in *instance) mustDo(tb testing.TB, want int, method, path, key string, body any) response {
	tb.Helper()
	r := in.do(tb, method, path, key, body)
	if r.status != want {
		tb.Fatalf("%s %s = %d %s, want %d", method, path, r.status, r.body, want)
	}
	return r
}

func (in *instance) addHost(tb testing.TB, srv *dbtest.Server) map[string]any {
	tb.Helper()
	cfg := srv.AdminConfig()
	return in.mustDo(tb, 201, "POST", "/api/admin/database-hosts", in.adminKey, map[string]any{
		"name": srv.Engine() + "-host", "engine": srv.Engine(), "hostname": cfg.Host, "port": cfg.Port,
		"username": cfg.User, "password": cfg.Password, "tls": "disable", "database": cfg.Database,
	}).data(tb)
}

// addTenant creates an account and a user key for it.
func (in *instance) addTenant(tb testing.TB, email string, slots any) (accountID, key string) {
	tb.Helper()
	a := in.mustDo(tb, 201, "POST", "/api/admin/accounts", in.adminKey, map[string]any{
		"email": email, "name": email, "slots": slots, "storageBytes": nil,
	}).data(tb)
	accountID = a["id"].(string)
	k := in.mustDo(tb, 201, "POST", "/api/admin/accounts/"+accountID+"/keys", in.adminKey, map[string]any{"name": "ci"}).data(tb)
	return accountID, k["key"].(string)
}

func cliMain(args []string, stdout, stderr io.Writer) int {
	return cli.Main(context.Background(), args, strings.NewReader(""), stdout, stderr)
}
