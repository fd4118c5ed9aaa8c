package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dbplane/dbplane/internal/api/openapitest"
	"github.com/dbplane/dbplane/internal/config"
	"github.com/dbplane/dbplane/internal/dbtest"
)

// headed is a response with its headers.
type headed struct {
	response
	header http.Header
}

// doWith is in.do with request headers (X-Forwarded-For,
// Idempotency-Key); body is sent as it is when it is a string.
func (in *instance) doWith(tb testing.TB, method, path, key string, headers map[string]string, body any) headed {
	tb.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			tb.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, in.url+path, rd)
	if err != nil {
		tb.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req.WithContext(openapitest.WithTB(req.Context(), tb)))
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return headed{response{status: res.StatusCode, body: b}, res.Header}
}

// TestKeyAllowedIPs_EverySurface: a key limited to address ranges works
// from inside them and is refused from outside on each of the four APIs,
// in each one's shape; the client address comes from X-Forwarded-For only
// through a trusted proxy; a change of the ranges holds on the next
// request although the key was just used (the key cache does not bypass
// the check).
func TestKeyAllowedIPs_EverySurface(t *testing.T) {
	t.Parallel()
	// The test's requests come from 127.0.0.1, trusted as a proxy: their
	// X-Forwarded-For names the client.
	in := startInstanceWith(t, func(c *config.Config) { c.TrustedProxies = []string{"127.0.0.1"} })
	acct := in.mustDo(t, 201, "POST", "/api/admin/accounts", in.adminKey, map[string]any{"email": "ip@example.com", "name": "ip"}).data(t)
	acctID := acct["id"].(string)
	userKey := in.mustDo(t, 201, "POST", "/api/admin/accounts/"+acctID+"/keys", in.adminKey, map[string]any{
		"name": "ci", "allowedIps": []string{"203.0.113.0/24", "2001:db8::/32"},
	}).data(t)
	if got := userKey["allowedIps"]; len(got.([]any)) != 2 {
		t.Fatalf("created key allowedIps = %v", got)
	}
	adminKey := in.mustDo(t, 201, "POST", "/api/admin/keys", in.adminKey, map[string]any{
		"name": "ops", "permissions": dbplaneAllPermissions(), "allowedIps": []string{"198.51.100.7"},
	}).data(t)
	// A root admin's user key opens the application API too.
	tenantKey, opsKey := userKey["key"].(string), adminKey["key"].(string)

	inside := map[string]string{tenantKey: "203.0.113.9", opsKey: "198.51.100.7"}
	for _, tc := range []struct {
		name, path, key string
		status          int
		code            string // a substring of the refusal's body
	}{
		{"management", "/api/v1/db/databases", tenantKey, 401, `"code":"KEY_IP_NOT_ALLOWED"`},
		{"client", "/api/client", tenantKey, 403, `"code":"AccessDeniedHttpException"`},
		{"admin", "/api/admin/accounts", opsKey, 401, `"code":"key_ip_not_allowed"`},
		{"application", "/api/application/servers", opsKey, 403, `"code":"AccessDeniedHttpException"`},
	} {
		r := in.doWith(t, "GET", tc.path, tc.key, map[string]string{"X-Forwarded-For": "192.0.2.1"}, nil)
		if r.status != tc.status || !strings.Contains(string(r.body), tc.code) {
			t.Errorf("%s from outside = %d %s, want %d with %s", tc.name, r.status, r.body, tc.status, tc.code)
		}
		if r := in.doWith(t, "GET", tc.path, tc.key, map[string]string{"X-Forwarded-For": inside[tc.key]}, nil); r.status != 200 {
			t.Errorf("%s from inside = %d %s, want 200", tc.name, r.status, r.body)
		}
	}
	// IPv6 inside a range; and the address that counts is the right-most
	// one not a trusted proxy, so a client cannot prepend its own.
	if r := in.doWith(t, "GET", "/api/v1/db/databases", tenantKey, map[string]string{"X-Forwarded-For": "2001:db8::42"}, nil); r.status != 200 {
		t.Errorf("from 2001:db8::42 = %d %s, want 200", r.status, r.body)
	}
	if r := in.doWith(t, "GET", "/api/v1/db/databases", tenantKey, map[string]string{"X-Forwarded-For": "203.0.113.9, 192.0.2.1"}, nil); r.status != 401 {
		t.Errorf("with a forged first hop = %d %s, want 401", r.status, r.body)
	}

	// The key was just used from inside (and cached): narrowing its
	// ranges holds on the next request, lifting them too.
	keyPath := "/api/admin/accounts/" + acctID + "/keys/" + userKey["id"].(string)
	in.mustDo(t, 200, "PATCH", keyPath, in.adminKey, map[string]any{"allowedIps": []string{"203.0.113.200"}})
	if r := in.doWith(t, "GET", "/api/v1/db/databases", tenantKey, map[string]string{"X-Forwarded-For": "203.0.113.9"}, nil); r.status != 401 {
		t.Errorf("after narrowing = %d %s, want 401", r.status, r.body)
	}
	got := in.mustDo(t, 200, "PATCH", keyPath, in.adminKey, map[string]any{"allowedIps": []string{}}).data(t)
	if ips := got["allowedIps"].([]any); len(ips) != 0 {
		t.Errorf("after lifting, allowedIps = %v", ips)
	}
	if r := in.doWith(t, "GET", "/api/v1/db/databases", tenantKey, map[string]string{"X-Forwarded-For": "192.0.2.1"}, nil); r.status != 200 {
		t.Errorf("after lifting = %d %s, want 200", r.status, r.body)
	}

	// Bad ranges are a clear 422 that changes nothing.
	for _, bad := range []any{[]string{"10.0.0.5/8"}, []string{"example.com"}, []string{""}, "10.0.0.0/8", []any{7}} {
		r := in.do(t, "POST", "/api/admin/accounts/"+acctID+"/keys", in.adminKey, map[string]any{"name": "bad", "allowedIps": bad})
		if r.status != 422 && r.status != 400 {
			t.Errorf("allowedIps %v = %d %s, want 422 (or 400 for the wrong type)", bad, r.status, r.body)
		}
	}
	if keys := in.mustDo(t, 200, "GET", "/api/admin/accounts/"+acctID+"/keys", in.adminKey, nil).json(t)["data"].([]any); len(keys) != 1 {
		t.Errorf("after the refused creates the account has %d keys, want 1", len(keys))
	}
}

// TestKeyAllowedIPs_UntrustedForwardedFor: without --trusted-proxy a
// client's X-Forwarded-For is ignored: a key limited to an address cannot
// be used from elsewhere by naming that address.
func TestKeyAllowedIPs_UntrustedForwardedFor(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	acctID, _ := in.addTenant(t, "xff@example.com", nil)
	k := in.mustDo(t, 201, "POST", "/api/admin/accounts/"+acctID+"/keys", in.adminKey, map[string]any{
		"name": "ci", "allowedIps": []string{"203.0.113.7"},
	}).data(t)
	r := in.doWith(t, "GET", "/api/v1/db/databases", k["key"].(string), map[string]string{"X-Forwarded-For": "203.0.113.7"}, nil)
	if r.status != 401 || !strings.Contains(string(r.body), "KEY_IP_NOT_ALLOWED") {
		t.Errorf("from 127.0.0.1 naming 203.0.113.7 = %d %s, want 401 KEY_IP_NOT_ALLOWED", r.status, r.body)
	}
	local := in.mustDo(t, 201, "POST", "/api/admin/accounts/"+acctID+"/keys", in.adminKey, map[string]any{
		"name": "local", "allowedIps": []string{"127.0.0.0/8", "::1"},
	}).data(t)
	in.mustDo(t, 200, "GET", "/api/v1/db/databases", local["key"].(string), nil)
}

// TestKeyAllowedIPs_RefusedChangesNothing: a request refused by a key's
// allowed ranges leaves the key as it was: its lastUsedAt stays unset,
// on the tenant surfaces and on the admin API alike; a request from
// inside the ranges sets it.
func TestKeyAllowedIPs_RefusedChangesNothing(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	acctID, _ := in.addTenant(t, "touch@example.com", nil)
	keysPath := "/api/admin/accounts/" + acctID + "/keys"
	// The test's requests come from 127.0.0.1: outside these ranges.
	user := in.mustDo(t, 201, "POST", keysPath, in.adminKey, map[string]any{
		"name": "elsewhere", "allowedIps": []string{"203.0.113.0/24"},
	}).data(t)
	admin := in.mustDo(t, 201, "POST", "/api/admin/keys", in.adminKey, map[string]any{
		"name": "elsewhere", "permissions": []string{"accounts:read"}, "allowedIps": []string{"198.51.100.7"},
	}).data(t)
	local := in.mustDo(t, 201, "POST", keysPath, in.adminKey, map[string]any{
		"name": "here", "allowedIps": []string{"127.0.0.0/8", "::1"},
	}).data(t)
	for _, tc := range []struct{ path, key string }{
		{"/api/v1/db/databases", user["key"].(string)},
		{"/api/client", user["key"].(string)},
		{"/api/admin/accounts", admin["key"].(string)},
	} {
		if r := in.do(t, "GET", tc.path, tc.key, nil); r.status != 401 && r.status != 403 {
			t.Fatalf("GET %s from outside the key's ranges = %d %s, want refused", tc.path, r.status, r.body)
		}
	}
	in.mustDo(t, 200, "GET", "/api/v1/db/databases", local["key"].(string), nil)

	lastUsed := func(list []any, id any) any {
		for _, k := range list {
			if k := k.(map[string]any); k["id"] == id {
				return k["lastUsedAt"]
			}
		}
		t.Fatalf("key %v not listed", id)
		return nil
	}
	userKeys := in.mustDo(t, 200, "GET", keysPath, in.adminKey, nil).json(t)["data"].([]any)
	if got := lastUsed(userKeys, user["id"]); got != nil {
		t.Errorf("after refused requests the user key's lastUsedAt = %v, want null", got)
	}
	if got := lastUsed(userKeys, local["id"]); got == nil {
		t.Errorf("after a request from inside its ranges the key's lastUsedAt is null")
	}
	adminKeys := in.mustDo(t, 200, "GET", "/api/admin/keys", in.adminKey, nil).json(t)["data"].([]any)
	if got := lastUsed(adminKeys, admin["id"]); got != nil {
		t.Errorf("after a refused request the admin key's lastUsedAt = %v, want null", got)
	}

	// The audit log keeps a refused change and names whose key it was.
	in.mustDo(t, 401, "POST", "/api/v1/db/databases", user["key"].(string), map[string]any{"name": "nope"})
	named := func(e auditJSON) bool {
		return e.Status == 401 && e.KeyPrefix != nil && *e.KeyPrefix == user["prefix"] && e.AccountID != nil && *e.AccountID == acctID
	}
	for deadline := time.Now().Add(10 * time.Second); !slices.ContainsFunc(readAudit(t, in, "outcome=failure", 50), named); {
		if time.Now().After(deadline) {
			t.Fatalf("no audit entry names the key refused for its address")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestKeyDisabledByOperator_API: the admin API's disable marks the key;
// the mark shows in the key and goes with an operator's enable.
func TestKeyDisabledByOperator_API(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	acctID, key := in.addTenant(t, "op@example.com", nil)
	keys := in.mustDo(t, 200, "GET", "/api/admin/accounts/"+acctID+"/keys", in.adminKey, nil).json(t)["data"].([]any)
	path := "/api/admin/accounts/" + acctID + "/keys/" + keys[0].(map[string]any)["id"].(string)
	got := in.mustDo(t, 200, "PATCH", path, in.adminKey, map[string]any{"disabled": true}).data(t)
	if got["disabledByOperator"] != true || got["disabled"] != true {
		t.Fatalf("after the operator's disable: %v", got)
	}
	in.mustDo(t, 401, "GET", "/api/v1/db/databases", key, nil)
	got = in.mustDo(t, 200, "PATCH", path, in.adminKey, map[string]any{"disabled": false}).data(t)
	if got["disabledByOperator"] != false || got["disabled"] != false {
		t.Fatalf("after the operator's enable: %v", got)
	}
	in.mustDo(t, 200, "GET", "/api/v1/db/databases", key, nil)
	// A PATCH that changes nothing is refused.
	in.mustDo(t, 422, "PATCH", path, in.adminKey, map[string]any{})
}

// TestIdempotencyKey_Creates: on real serve and a real MariaDB, a create
// repeated with its Idempotency-Key returns the first response, the same
// password (which logs in), and creates nothing more, on the management,
// client and application APIs and for the admin API's creates; another
// body with the key is 422 in each shape; concurrent duplicates make one
// database.
func TestIdempotencyKey_Creates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	maria := dbtest.MariaDB(t)
	in := startInstance(t)
	host := in.addHost(t, maria)
	acctID, key := in.addTenant(t, "idem@example.com", nil)
	idem := func(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }

	// Management API.
	first := in.doWith(t, "POST", "/api/v1/db/databases", key, idem("mgmt-1"), `{"name":"app","engine":"mariadb"}`)
	again := in.doWith(t, "POST", "/api/v1/db/databases", key, idem("mgmt-1"), `{ "engine": "mariadb", "name": "app" }`)
	if first.status != 201 || again.status != 201 || !bytes.Equal(first.body, again.body) {
		t.Fatalf("management replay: %d %s then %d %s; want the same 201 twice", first.status, first.body, again.status, again.body)
	}
	if again.header.Get("Idempotent-Replayed") != "true" || first.header.Get("Idempotent-Replayed") != "" {
		t.Errorf("Idempotent-Replayed: first %q, replay %q", first.header.Get("Idempotent-Replayed"), again.header.Get("Idempotent-Replayed"))
	}
	d := first.data(t)
	if err := maria.ConnectAs(ctx, d["dbUser"].(string), d["password"].(string), d["dbName"].(string)); err != nil {
		t.Errorf("the replayed password does not log in: %v", err)
	}
	if list := in.mustDo(t, 200, "GET", "/api/v1/db/databases", key, nil).data(t)["databases"].([]any); len(list) != 1 {
		t.Errorf("after a create and its replay the account has %d databases, want 1", len(list))
	}
	r := in.doWith(t, "POST", "/api/v1/db/databases", key, idem("mgmt-1"), `{"name":"other","engine":"mariadb"}`)
	if r.status != 422 || !strings.Contains(string(r.body), `"code":"IDEMPOTENCY_KEY_REUSED"`) {
		t.Errorf("management, another body = %d %s, want 422 IDEMPOTENCY_KEY_REUSED", r.status, r.body)
	}
	// A failed create keeps nothing: the retry runs (and fails the same).
	if r := in.doWith(t, "POST", "/api/v1/db/databases", key, idem("mgmt-2"), `{"name":"app","engine":"mariadb"}`); r.status != 409 || r.header.Get("Idempotent-Replayed") != "" {
		t.Errorf("duplicate label = %d %s, want 409", r.status, r.body)
	}
	if r := in.doWith(t, "POST", "/api/v1/db/databases", key, idem("has space"), `{"name":"x"}`); r.status != 400 {
		t.Errorf("a bad Idempotency-Key = %d %s, want 400", r.status, r.body)
	}

	// Concurrent duplicates: one database; the others are replays or 409.
	var wg sync.WaitGroup
	statuses := make([]int, 6)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("POST", in.url+"/api/v1/db/databases", strings.NewReader(`{"name":"race"}`))
			req.Header.Set("Authorization", "Bearer "+key)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", "race-1")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			statuses[i] = res.StatusCode
		}()
	}
	wg.Wait()
	for _, s := range statuses {
		if s != 201 && s != 409 {
			t.Errorf("concurrent duplicates answered %v, want 201s and 409s", statuses)
			break
		}
	}
	if list := in.mustDo(t, 200, "GET", "/api/v1/db/databases", key, nil).data(t)["databases"].([]any); len(list) != 2 {
		t.Errorf("after the concurrent duplicates the account has %d databases, want 2", len(list))
	}

	// Client API (200 with the password) and application API (201).
	srvID := in.mustServer(t, acctID)
	srv := in.mustDo(t, 200, "GET", "/api/admin/servers/"+srvID, in.adminKey, nil).data(t)
	base := "/api/client/servers/" + srv["identifier"].(string) + "/databases"
	c1 := in.doWith(t, "POST", base, key, idem("client-1"), `{"database":"web","remote":"%"}`)
	c2 := in.doWith(t, "POST", base, key, idem("client-1"), `{"remote":"%","database":"web"}`)
	if c1.status != 200 || c2.status != 200 || !bytes.Equal(c1.body, c2.body) || !strings.Contains(string(c1.body), `"password"`) {
		t.Errorf("client replay: %d %s then %d %s", c1.status, c1.body, c2.status, c2.body)
	}
	if r := in.doWith(t, "POST", base, key, idem("client-1"), `{"database":"web2","remote":"%"}`); r.status != 422 || !strings.Contains(string(r.body), `"errors"`) {
		t.Errorf("client, another body = %d %s, want 422 in the panel's shape", r.status, r.body)
	}
	app := "/api/application/servers/" + srvID + "/databases"
	appBody := fmt.Sprintf(`{"database":"stats","remote":"%%","host":%v}`, host["numericId"])
	a1 := in.doWith(t, "POST", app, in.adminKey, idem("app-1"), appBody)
	a2 := in.doWith(t, "POST", app, in.adminKey, idem("app-1"), appBody)
	if a1.status != 201 || a2.status != 201 || !bytes.Equal(a1.body, a2.body) {
		t.Errorf("application replay: %d %s then %d %s", a1.status, a1.body, a2.status, a2.body)
	}
	if list := in.mustDo(t, 200, "GET", app, in.adminKey, nil).json(t)["data"].([]any); len(list) != 2 {
		t.Errorf("the server has %d databases, want 2 (web, stats)", len(list))
	}

	// Admin creates: an account, and a key (the same key, shown again).
	acc1 := in.doWith(t, "POST", "/api/admin/accounts", in.adminKey, idem("acct-1"), `{"email":"new@example.com","name":"new"}`)
	acc2 := in.doWith(t, "POST", "/api/admin/accounts", in.adminKey, idem("acct-1"), `{"email":"new@example.com","name":"new"}`)
	if acc1.status != 201 || !bytes.Equal(acc1.body, acc2.body) {
		t.Errorf("account replay: %d %s then %d %s", acc1.status, acc1.body, acc2.status, acc2.body)
	}
	r = in.doWith(t, "POST", "/api/admin/accounts", in.adminKey, idem("acct-1"), `{"email":"other@example.com","name":"new"}`)
	if r.status != 422 || !strings.Contains(string(r.body), `"code":"idempotency_key_reused"`) {
		t.Errorf("admin, another body = %d %s, want 422 idempotency_key_reused", r.status, r.body)
	}
	k1 := in.doWith(t, "POST", "/api/admin/accounts/"+acctID+"/keys", in.adminKey, idem("key-1"), `{"name":"deploy"}`)
	k2 := in.doWith(t, "POST", "/api/admin/accounts/"+acctID+"/keys", in.adminKey, idem("key-1"), `{"name":"deploy"}`)
	if k1.status != 201 || !bytes.Equal(k1.body, k2.body) {
		t.Errorf("key replay: %d %s then %d %s", k1.status, k1.body, k2.status, k2.body)
	}
	if keys := in.mustDo(t, 200, "GET", "/api/admin/accounts/"+acctID+"/keys", in.adminKey, nil).json(t)["data"].([]any); len(keys) != 2 {
		t.Errorf("the account has %d keys, want 2 (ci, deploy)", len(keys))
	}
	// Nothing of it at rest in plaintext: the kept responses are sealed.
	pw := d["password"].(string)
	if strings.Contains(in.logs.String(), pw) {
		t.Error("a replayed password appears in the logs")
	}
	files, _ := filepath.Glob(filepath.Join(in.dataDir, "*"))
	for _, f := range files {
		if b, err := os.ReadFile(f); err == nil && bytes.Contains(b, []byte(pw)) {
			t.Errorf("the password appears in plaintext in %s", filepath.Base(f))
		}
	}
}

// TestKeyCommands_AllowedIP: key create --allowed-ip limits the key, key
// allow changes the limit, and a bad entry is a usage error that sends
// nothing.
func TestKeyCommands_AllowedIP(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	in.mustCLI(t, 0, in.adminKey, "account", "create", "ip@example.com")
	r := in.mustCLI(t, 0, in.adminKey, "key", "create", "far", "--account", "ip@example.com", "--allowed-ip", "203.0.113.7", "--allowed-ip", "10.0.0.0/8,2001:db8::/32", "-o", "json")
	var k struct {
		ID, Key    string
		AllowedIPs []string
	}
	if err := json.Unmarshal([]byte(r.stdout), &k); err != nil || strings.Join(k.AllowedIPs, " ") != "203.0.113.7 10.0.0.0/8 2001:db8::/32" {
		t.Fatalf("key create --allowed-ip = %s (%v)", r.stdout, err)
	}
	// The CLI runs on 127.0.0.1: outside the key's ranges.
	in.mustCLI(t, 4, k.Key, "database", "list", "--mine")
	r = in.mustCLI(t, 0, in.adminKey, "key", "allow", k.ID, "--account", "ip@example.com", "--allowed-ip", "127.0.0.1")
	if !strings.Contains(r.stdout, "127.0.0.1") {
		t.Errorf("key allow = %s, want the new address shown", r.stdout)
	}
	in.mustCLI(t, 0, k.Key, "database", "list", "--mine")
	in.mustCLI(t, 0, in.adminKey, "key", "allow", k.ID, "--account", "ip@example.com", "--allowed-ip", "198.51.100.0/24")
	in.mustCLI(t, 4, k.Key, "database", "list", "--mine")
	r = in.mustCLI(t, 0, in.adminKey, "key", "allow", k.ID, "--account", "ip@example.com")
	if !strings.Contains(r.stdout, "anywhere") {
		t.Errorf("key allow without addresses = %s, want anywhere", r.stdout)
	}
	in.mustCLI(t, 0, k.Key, "database", "list", "--mine")
	r = in.mustCLI(t, 2, in.adminKey, "key", "create", "bad", "--account", "ip@example.com", "--allowed-ip", "10.0.0.5/8")
	if !strings.Contains(r.stderr, "did you mean 10.0.0.0/8") {
		t.Errorf("a bad --allowed-ip: stderr %q, want the server's rule", r.stderr)
	}
}
