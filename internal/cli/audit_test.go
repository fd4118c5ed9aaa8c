package cli_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dbplane/dbplane/internal/config"
	"github.com/dbplane/dbplane/internal/dbtest"
)

// auditRun drives an instance and remembers which of its requests the
// audit log must keep, by request id.
type auditRun struct {
	t      *testing.T
	in     *instance
	kept   map[string]string // request id -> "METHOD path" of the requests kept
	passed []string          // request ids of requests not kept
}

// call sends one request; keep says whether the audit log must keep it.
func (a *auditRun) call(want int, keep bool, method, path, key string, body any) map[string]any {
	a.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, a.in.url+path, rd)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return a.send(req, want, keep)
}

func (a *auditRun) send(req *http.Request, want int, keep bool) map[string]any {
	a.t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		a.t.Fatalf("%s %s = %d %s, want %d", req.Method, req.URL.Path, res.StatusCode, b, want)
	}
	id := res.Header.Get("X-Request-Id")
	if keep {
		a.kept[id] = req.Method + " " + req.URL.Path
	} else {
		a.passed = append(a.passed, id)
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

// signIn posts the dashboard's sign-in form.
func (a *auditRun) signIn(want int, email, password string) {
	a.t.Helper()
	req, _ := http.NewRequest("POST", a.in.url+"/login", strings.NewReader(url.Values{"email": {email}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	a.send(req, want, true)
}

type auditJSON struct {
	ID        string            `json:"id"`
	Surface   string            `json:"surface"`
	Action    string            `json:"action"`
	Resources map[string]string `json:"resources"`
	AccountID *string           `json:"accountId"`
	KeyPrefix *string           `json:"keyPrefix"`
	SessionID *string           `json:"sessionId"`
	Email     *string           `json:"email"`
	Reveal    bool              `json:"reveal"`
	IP        string            `json:"ip"`
	Status    int               `json:"status"`
	Outcome   string            `json:"outcome"`
	RequestID string            `json:"requestId"`
}

// readAudit walks GET /api/admin/audit with query q, limit pages at a
// time, and returns every entry, newest first.
func readAudit(t *testing.T, in *instance, q string, limit int) []auditJSON {
	t.Helper()
	var all []auditJSON
	cursor := ""
	for {
		path := fmt.Sprintf("/api/admin/audit?limit=%d&%s&cursor=%s", limit, q, url.QueryEscape(cursor))
		var page struct {
			Data []auditJSON `json:"data"`
			Meta struct {
				NextCursor *string `json:"nextCursor"`
			} `json:"meta"`
		}
		r := in.mustDo(t, 200, "GET", path, in.adminKey, nil)
		if err := json.Unmarshal(r.body, &page); err != nil {
			t.Fatal(err)
		}
		if len(page.Data) > limit {
			t.Fatalf("page of %d entries with limit=%d", len(page.Data), limit)
		}
		all = append(all, page.Data...)
		if page.Meta.NextCursor == nil {
			return all
		}
		cursor = *page.Meta.NextCursor
	}
}

// TestAudit_EveryChangeRevealAndSignInOnce drives a real serve through
// creates, rotates, reveals, a suspension, a dashboard sign-in and a
// failed one, on every surface; then reads the audit log back through the
// API (in pages, and filtered) and the JSON lines file: each change,
// reveal and sign-in is there exactly once, no plain read is, and neither
// the store files, the JSON lines nor the logs hold a password or key
// the scenario used.
func TestAudit_EveryChangeRevealAndSignInOnce(t *testing.T) {
	maria := dbtest.MariaDB(t)
	jsonl := filepath.Join(t.TempDir(), "audit.jsonl")
	in := startInstanceWith(t, func(c *config.Config) { c.AuditLog = jsonl })
	a := &auditRun{t: t, in: in, kept: map[string]string{}}
	const tenantPassword = "correct horse battery staple"
	secrets := []string{in.adminKey, tenantPassword}

	// Admin API: a host, a tenant with a key, a node and a server.
	hostCfg := maria.AdminConfig()
	host := a.call(201, true, "POST", "/api/admin/database-hosts", in.adminKey, map[string]any{
		"name": "maria", "engine": "mariadb", "hostname": hostCfg.Host, "port": hostCfg.Port,
		"username": hostCfg.User, "password": hostCfg.Password, "tls": "disable", "database": hostCfg.Database,
	})["data"].(map[string]any)
	if len(hostCfg.Password) >= 8 {
		secrets = append(secrets, hostCfg.Password)
	}
	a.call(200, false, "GET", "/api/admin/database-hosts", in.adminKey, nil)
	acct := a.call(201, true, "POST", "/api/admin/accounts", in.adminKey, map[string]any{
		"email": "tenant@example.com", "name": "Tenant", "slots": 5, "storageBytes": nil,
	})["data"].(map[string]any)
	acctID := acct["id"].(string)
	a.call(200, true, "PATCH", "/api/admin/accounts/"+acctID, in.adminKey, map[string]any{"password": tenantPassword})
	k := a.call(201, true, "POST", "/api/admin/accounts/"+acctID+"/keys", in.adminKey, map[string]any{"name": "ci"})["data"].(map[string]any)
	userKey := k["key"].(string)
	secrets = append(secrets, userKey)
	node := a.call(201, true, "POST", "/api/admin/nodes", in.adminKey, map[string]any{"name": "node-1"})["data"].(map[string]any)
	srv := a.call(201, true, "POST", "/api/admin/servers", in.adminKey, map[string]any{
		"name": "survival", "ownerId": acctID, "nodeId": node["id"], "databaseLimit": 3,
	})["data"].(map[string]any)
	sid := fmt.Sprint(srv["numericId"])

	// Management API: create, list (a plain read), reveal, rotate; a
	// wrong key is kept, with no one named.
	created := a.call(201, true, "POST", "/api/v1/db/databases", userKey, map[string]any{"name": "shop", "engine": "mariadb"})["data"].(map[string]any)
	dbID := created["id"].(string)
	secrets = append(secrets, created["password"].(string))
	a.call(200, false, "GET", "/api/v1/db/databases", userKey, nil)
	a.call(200, true, "GET", "/api/v1/db/databases/"+dbID, userKey, nil)
	rotated := a.call(200, true, "POST", "/api/v1/db/databases/"+dbID+"/rotate", userKey, nil)["data"].(map[string]any)
	secrets = append(secrets, rotated["password"].(string))
	a.call(401, true, "POST", "/api/v1/db/databases", "dbpu_"+strings.Repeat("x", 40), map[string]any{"name": "x", "engine": "mariadb"})
	a.call(401, true, "GET", "/api/v1/db/databases/"+dbID, "", nil) // a refused reveal

	// Application API: a read with include=password is a reveal; without
	// it, a plain read.
	a.call(200, true, "GET", "/api/application/servers/"+sid+"/databases?include=password", in.adminKey, nil)
	a.call(200, false, "GET", "/api/application/servers/"+sid+"/databases", in.adminKey, nil)

	// Dashboard: a failed sign-in, then one that succeeds.
	a.signIn(http.StatusUnauthorized, "tenant@example.com", "wrong password, long enough")
	a.signIn(http.StatusSeeOther, "tenant@example.com", tenantPassword)

	// Suspension: the admin's change, then the tenant's refused create
	// (the suspension disabled the key).
	a.call(200, true, "PATCH", "/api/admin/accounts/"+acctID, in.adminKey, map[string]any{"suspended": true})
	a.call(401, true, "POST", "/api/v1/db/databases", userKey, map[string]any{"name": "more", "engine": "mariadb"})

	// The log, read in pages of 3, holds each kept request once, and no
	// other. The last change's entry is written once its answer is out:
	// wait for it rather than assume it.
	var got []auditJSON
	deadline := time.Now().Add(10 * time.Second)
	for {
		got = readAudit(t, in, "", 3)
		if len(got) >= len(a.kept) || time.Now().After(deadline) {
			break
		}
	}
	byReq := map[string]auditJSON{}
	for _, e := range got {
		if _, dup := byReq[e.RequestID]; dup {
			t.Errorf("request %s (%s) is in the audit log twice", e.RequestID, e.Action)
		}
		byReq[e.RequestID] = e
		if _, ok := a.kept[e.RequestID]; !ok {
			t.Errorf("audit log holds %s %v (request %s), which the scenario did not expect", e.Action, e.Resources, e.RequestID)
		}
	}
	for id, what := range a.kept {
		if _, ok := byReq[id]; !ok {
			t.Errorf("audit log lacks %s (request %s)", what, id)
		}
	}
	for _, id := range a.passed {
		if _, ok := byReq[id]; ok {
			t.Errorf("audit log holds a plain read (request %s)", id)
		}
	}
	for i := 1; i < len(got); i++ {
		if got[i-1].ID <= got[i].ID {
			t.Errorf("entries not newest first: %s before %s", got[i-1].ID, got[i].ID)
		}
	}

	// What the entries say.
	find := func(action string, status int) auditJSON {
		t.Helper()
		for _, e := range got {
			if e.Action == action && e.Status == status {
				return e
			}
		}
		t.Fatalf("no %s entry with status %d in %+v", action, status, got)
		return auditJSON{}
	}
	str := func(p *string) string {
		if p == nil {
			return "<null>"
		}
		return *p
	}
	reveal := find("GET /api/v1/db/databases/{id}", 200)
	if !reveal.Reveal || reveal.Surface != "dbapi" || reveal.Resources["id"] != dbID || str(reveal.AccountID) != acctID ||
		!strings.HasPrefix(userKey, str(reveal.KeyPrefix)) || reveal.IP != "127.0.0.1" || reveal.Outcome != "success" {
		t.Errorf("reveal entry = %+v, want dbapi, reveal, id %s, account %s, a prefix of the key, 127.0.0.1", reveal, dbID, acctID)
	}
	if e := find("GET /api/v1/db/databases/{id}", 401); !e.Reveal || e.AccountID != nil || e.Outcome != "failure" {
		t.Errorf("refused reveal = %+v, want reveal, no account, failure", e)
	}
	if e := find("POST /api/v1/db/databases", 401); e.AccountID != nil || e.KeyPrefix != nil {
		t.Errorf("wrong key entry = %+v, want no account and no key prefix", e)
	}
	failed := find("POST /login", 401)
	if failed.Surface != "web" || str(failed.Email) != "tenant@example.com" || failed.AccountID != nil || failed.Outcome != "failure" {
		t.Errorf("failed sign-in = %+v, want web, the email tried, no account", failed)
	}
	ok := find("POST /login", 303)
	if str(ok.AccountID) != acctID || ok.SessionID == nil || ok.Outcome != "success" {
		t.Errorf("sign-in = %+v, want account %s and a session id", ok, acctID)
	}
	if e := find("PATCH /api/admin/accounts/{id}", 200); e.Resources["id"] != acctID || e.Surface != "admin" || e.KeyPrefix == nil {
		t.Errorf("account change = %+v, want resource %s and the admin key's prefix", e, acctID)
	}
	if e := find("GET /api/application/servers/{server}/databases", 200); !e.Reveal || e.Resources["server"] != sid {
		t.Errorf("include=password read = %+v, want a reveal of server %s", e, sid)
	}
	// A create names what it made, which is in its answer, not its path.
	for _, c := range []struct{ action, id string }{
		{"POST /api/admin/accounts", acctID}, {"POST /api/v1/db/databases", dbID},
		{"POST /api/admin/database-hosts", host["id"].(string)}, {"POST /api/admin/nodes", node["id"].(string)},
		{"POST /api/admin/accounts/{id}/keys", k["id"].(string)},
	} {
		if e := find(c.action, 201); e.Resources["created"] != c.id {
			t.Errorf("%s entry resources = %v, want created %s", c.action, e.Resources, c.id)
		}
	}

	// Filters.
	if es := readAudit(t, in, "account="+acctID, 50); len(es) == 0 || slices.ContainsFunc(es, func(e auditJSON) bool { return str(e.AccountID) != acctID }) {
		t.Errorf("account filter = %+v, want only %s's entries", es, acctID)
	}
	if es := readAudit(t, in, "resource="+dbID, 50); len(es) != 4 {
		t.Errorf("resource filter = %d entries, want 4 (create, reveal, rotate, refused reveal): %+v", len(es), es)
	}
	if es := readAudit(t, in, "outcome=failure", 50); len(es) != 4 {
		t.Errorf("outcome=failure = %d entries, want 4: %+v", len(es), es)
	}
	if es := readAudit(t, in, "action="+url.QueryEscape("POST /login"), 50); len(es) != 2 {
		t.Errorf("action filter = %d entries, want 2 sign-ins", len(es))
	}
	if es := readAudit(t, in, "action=%2Fapi%2Fv1%2Fdb", 50); len(es) != 6 {
		t.Errorf("action path prefix filter = %d entries, want 6: %+v", len(es), es)
	}
	if es := readAudit(t, in, "until=2000-01-01T00:00:00Z", 50); len(es) != 0 {
		t.Errorf("until 2000 = %d entries, want none", len(es))
	}

	// Close: what is queued is written. The JSON lines file holds the same
	// entries, once each.
	if err := in.srv.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(jsonl)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lines := map[string]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e auditJSON
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("JSON lines file: %v: %s", err, sc.Bytes())
		}
		lines[e.RequestID]++
	}
	if len(lines) != len(a.kept) {
		t.Errorf("JSON lines file has %d requests, want %d", len(lines), len(a.kept))
	}
	for id, n := range lines {
		if _, ok := a.kept[id]; !ok || n != 1 {
			t.Errorf("JSON lines file: request %s %d times (expected: %v)", id, n, ok)
		}
	}

	// No secret anywhere: the store's files, the JSON lines, the logs.
	files, _ := filepath.Glob(filepath.Join(in.dataDir, "dbplane.db*"))
	files = append(files, jsonl)
	if len(files) < 2 {
		t.Fatalf("store files = %v", files)
	}
	blobs := map[string][]byte{"logs": []byte(in.logs.String())}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		blobs[filepath.Base(p)] = b
	}
	for name, b := range blobs {
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds a secret the scenario used (%.6s…)", name, s)
			}
		}
	}
}
