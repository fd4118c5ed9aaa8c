package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// formActions returns the actions of the page's POST forms.
func (p *page) formActions() []string {
	var out []string
	for _, f := range p.all("form") {
		if a, ok := attr(f, "action"); ok {
			out = append(out, a)
		}
	}
	return out
}

// hasAction reports whether the page has a form posting to action.
func (p *page) hasAction(action string) bool {
	for _, a := range p.formActions() {
		if a == action {
			return true
		}
	}
	return false
}

// createKey creates a key through the page and returns the key and its id.
func createKey(t *testing.T, b *browser, label string) (key, id string) {
	t.Helper()
	p := b.post("/keys", url.Values{"label": {label}})
	if p.status != http.StatusOK {
		t.Fatalf("POST /keys = %d: %s", p.status, p.text())
	}
	checkPage(t, "key created", p)
	if cc := p.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("the create response's Cache-Control = %q, want no-store", cc)
	}
	n := p.byID("new-key")
	if n == nil {
		t.Fatalf("the create response shows no key: %s", p.text())
	}
	key = strings.TrimSpace(nodeText(n))
	if !strings.HasPrefix(key, "dbpu_") {
		t.Fatalf("the key shown = %q, want a user key", key)
	}
	if !p.hasButton("Copy") {
		t.Errorf("the create response has no Copy button")
	}
	return key, lastKeyID(t, p)
}

// lastKeyID returns the id of the last key row of a keys page: the
// newest key, as the list is oldest first.
func lastKeyID(t *testing.T, p *page) string {
	t.Helper()
	var id string
	for _, a := range p.formActions() {
		if rest, ok := strings.CutPrefix(a, "/keys/"); ok {
			if k, ok := strings.CutSuffix(rest, "/delete"); ok {
				id = k
			}
		}
	}
	if id == "" {
		t.Fatalf("the keys page lists no key")
	}
	return id
}

// TestKeysPage_Journey creates a key on the page and follows it on the
// management API through disable, enable and delete.
func TestKeysPage_Journey(t *testing.T) {
	a := newApp(t)
	a.tenant(t, "ada@example.com", 3, "ada's long password")
	b := a.signIn(t, "ada@example.com", "ada's long password")

	empty := b.get("/keys")
	if empty.status != http.StatusOK || !strings.Contains(empty.text(), "No keys yet") {
		t.Fatalf("GET /keys = %d %q", empty.status, empty.text())
	}
	checkPage(t, "keys (empty)", empty)
	if !empty.hasButton("Create key") {
		t.Errorf("the keys page has no Create key button")
	}

	key, id := createKey(t, b, "nightly backups")
	const path = "/api/v1/db/databases"
	a.api(t, http.StatusOK, "GET", path, key, nil)

	// The list shows the key's metadata, never the key.
	list := b.get("/keys")
	checkPage(t, "keys", list)
	if strings.Contains(list.body, key) {
		t.Fatalf("GET /keys shows the key after its create response")
	}
	text := list.text()
	for _, want := range []string{"nightly backups", key[:12], "Active", "just now"} {
		if !strings.Contains(text, want) {
			t.Errorf("GET /keys lacks %q: %s", want, text)
		}
	}

	// Disable: refused on the API at once. Enable: works again.
	if p := b.post("/keys/"+id+"/disable", nil); p.status != http.StatusSeeOther {
		t.Fatalf("disable = %d %s", p.status, p.text())
	}
	a.api(t, http.StatusUnauthorized, "GET", path, key, nil)
	if p := b.get("/keys?m=disabled"); !strings.Contains(p.text(), "Disabled") || !p.hasButton("Enable") {
		t.Errorf("after disable the page reads %q", p.text())
	}
	if p := b.post("/keys/"+id+"/enable", nil); p.status != http.StatusSeeOther {
		t.Fatalf("enable = %d %s", p.status, p.text())
	}
	a.api(t, http.StatusOK, "GET", path, key, nil)

	// Delete: refused on the API, gone from the page.
	if p := b.post("/keys/"+id+"/delete", nil); p.status != http.StatusSeeOther {
		t.Fatalf("delete = %d %s", p.status, p.text())
	}
	a.api(t, http.StatusUnauthorized, "GET", path, key, nil)
	if p := b.get("/keys?m=deleted"); strings.Contains(p.text(), "nightly backups") || !strings.Contains(p.text(), "No keys yet") {
		t.Errorf("after delete the page reads %q", p.text())
	}
	if strings.Contains(a.logs.String(), key) || strings.Contains(a.logs.String(), key[12:]) {
		t.Errorf("the key appears in the server logs")
	}
}

// TestKeysPage_ForeignKeyIsNotFound checks that another account's key
// and an admin key cannot be touched from the page.
func TestKeysPage_ForeignKeyIsNotFound(t *testing.T) {
	a := newApp(t)
	a.tenant(t, "ada@example.com", 3, "ada's long password")
	a.tenant(t, "bob@example.com", 3, "bob's long password")
	ada := a.signIn(t, "ada@example.com", "ada's long password")
	bob := a.signIn(t, "bob@example.com", "bob's long password")
	adaKey, adaID := createKey(t, ada, "ada's")

	for _, action := range []string{"disable", "enable", "delete"} {
		p := bob.post("/keys/"+adaID+"/"+action, nil)
		if p.status != http.StatusNotFound || strings.Contains(p.text(), "ada") {
			t.Errorf("bob POST /keys/{ada's}/%s = %d %q, want the 404 page", action, p.status, p.text())
		}
		checkPage(t, "404", p)
	}
	a.api(t, http.StatusOK, "GET", "/api/v1/db/databases", adaKey, nil)

	// The first admin's admin key is not a user key: not on the page, and
	// not reachable by id. The admin signs in to see its own page.
	var adminKeyID, adminEmail string
	for _, k := range apiList(t, a, "/api/admin/keys") {
		adminKeyID = k["id"].(string)
	}
	for _, acct := range apiList(t, a, "/api/admin/accounts") {
		if acct["role"] == "admin" {
			adminEmail = acct["email"].(string)
			if err := a.srv.Service().SetPassword(t.Context(), acct["id"].(string), "root's long password"); err != nil {
				t.Fatal(err)
			}
		}
	}
	root := a.signIn(t, adminEmail, "root's long password")
	if p := root.get("/keys"); strings.Contains(p.body, adminKeyID) || !strings.Contains(p.text(), "No keys yet") {
		t.Errorf("the admin's keys page lists its admin key: %s", p.text())
	}
	if p := root.post("/keys/"+adminKeyID+"/disable", nil); p.status != http.StatusNotFound {
		t.Errorf("disable an admin key from /keys = %d, want 404", p.status)
	}
	a.api(t, http.StatusOK, "GET", "/api/admin/accounts", a.adminKey, nil) // the admin key still works
}

func TestKeysPage_CreateRefusals(t *testing.T) {
	a := newApp(t)
	a.tenant(t, "ada@example.com", 3, "ada's long password")
	b := a.signIn(t, "ada@example.com", "ada's long password")
	yesterday := time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)
	for _, tc := range []struct {
		name, label, expires, want string
	}{
		{"NoLabel", " ", "", "name must be 1 to 100"},
		{"PastExpiry", "old", yesterday, "The expiry must be in the future"},
		{"BadDate", "bad", "31/12/2026", "The expiry must be a date"},
	} {
		p := b.post("/keys", url.Values{"label": {tc.label}, "expires": {tc.expires}})
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.text(), tc.want) || p.byID("new-key") != nil {
			t.Errorf("%s: POST /keys = %d %q, want 422 with %q", tc.name, p.status, p.text(), tc.want)
		}
		checkPage(t, tc.name, p)
	}
	// A future date works through that day.
	next := time.Now().UTC().AddDate(0, 1, 0)
	p := b.post("/keys", url.Values{"label": {"monthly"}, "expires": {next.Format(time.DateOnly)}})
	if p.status != http.StatusOK || p.byID("new-key") == nil {
		t.Fatalf("POST /keys with a future expiry = %d %q", p.status, p.text())
	}
	if want := next.AddDate(0, 0, 1).Format("2006-01-02") + " 00:00 UTC"; !strings.Contains(p.text(), want) {
		t.Errorf("the list does not show the expiry %q: %s", want, p.text())
	}
}

// apiList calls a list of the admin API with the admin key and returns its
// data.
func apiList(t *testing.T, a *app, path string) []map[string]any {
	t.Helper()
	req, _ := http.NewRequest("GET", a.url+path, nil)
	req.Header.Set("Authorization", "Bearer "+a.adminKey)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var body struct {
		Data []map[string]any `json:"data"`
	}
	if res.StatusCode != http.StatusOK || json.Unmarshal(b, &body) != nil {
		t.Fatalf("GET %s = %d %s", path, res.StatusCode, b)
	}
	return body.Data
}

// TestKeysPage_OperatorDisabled: a key an operator disabled shows so on
// the tenant's page, with no Enable and no Delete button; a forged enable
// or delete is 403 and changes nothing (the operator's mark stays); the
// tenant may still mint another key; the operator's enable works.
func TestKeysPage_OperatorDisabled(t *testing.T) {
	a := newApp(t)
	acct := a.tenant(t, "ada@example.com", 3, "ada's long password")
	b := a.signIn(t, "ada@example.com", "ada's long password")
	key, id := createKey(t, b, "deploy")
	const path = "/api/v1/db/databases"
	keyPath := "/api/admin/accounts/" + acct + "/keys/" + id
	a.api(t, http.StatusOK, "PATCH", keyPath, a.adminKey, map[string]any{"disabled": true})
	a.api(t, http.StatusUnauthorized, "GET", path, key, nil)

	p := b.get("/keys")
	checkPage(t, "keys (operator-disabled)", p)
	if !strings.Contains(p.text(), "Disabled by an operator") || p.hasAction("/keys/"+id+"/enable") {
		t.Errorf("the page of an operator-disabled key reads %q (actions %v)", p.text(), p.formActions())
	}
	if p := b.post("/keys/"+id+"/enable", nil); p.status != http.StatusForbidden {
		t.Errorf("the tenant's enable of an operator-disabled key = %d %s, want 403", p.status, p.text())
	}
	a.api(t, http.StatusUnauthorized, "GET", path, key, nil)
	if p.hasAction("/keys/" + id + "/delete") {
		t.Errorf("the page of an operator-disabled key offers Delete (actions %v)", p.formActions())
	}
	if p := b.post("/keys/"+id+"/delete", nil); p.status != http.StatusForbidden || !strings.Contains(p.text(), "only an operator") {
		t.Errorf("the tenant's delete of an operator-disabled key = %d %q, want 403 saying only an operator may", p.status, p.text())
	}
	keys := apiList(t, a, "/api/admin/accounts/"+acct+"/keys")
	if len(keys) != 1 || keys[0]["id"] != id || keys[0]["disabledByOperator"] != true {
		t.Errorf("after the refused delete the account's keys are %v, want the operator-disabled key still there", keys)
	}
	// A disable is per key: the account is not suspended, so its owner
	// may mint another one.
	createKey(t, b, "deploy-2")
	// The tenant may still disable it (a no-op); the operator enables it.
	if p := b.post("/keys/"+id+"/disable", nil); p.status != http.StatusSeeOther {
		t.Errorf("the tenant's disable = %d, want 303", p.status)
	}
	a.api(t, http.StatusOK, "PATCH", keyPath, a.adminKey, map[string]any{"disabled": false})
	a.api(t, http.StatusOK, "GET", path, key, nil)
	if p := b.get("/keys"); !p.hasAction("/keys/" + id + "/disable") {
		t.Errorf("after the operator's enable the page reads %q", p.text())
	}
}

// TestKeysPage_AllowedIPs: the create form limits a key to addresses; a
// bad entry is a 422 that mints nothing.
func TestKeysPage_AllowedIPs(t *testing.T) {
	a := newApp(t)
	a.tenant(t, "ada@example.com", 3, "ada's long password")
	b := a.signIn(t, "ada@example.com", "ada's long password")
	p := b.post("/keys", url.Values{"label": {"bad"}, "allowed_ips": {"10.0.0.5/8"}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.text(), "did you mean 10.0.0.0/8") || p.byID("new-key") != nil {
		t.Errorf("a bad address = %d %q, want 422 naming the range", p.status, p.text())
	}
	checkPage(t, "bad allowed address", p)
	p = b.post("/keys", url.Values{"label": {"office"}, "allowed_ips": {"203.0.113.0/24, 2001:db8::1"}})
	if p.status != http.StatusOK || p.byID("new-key") == nil {
		t.Fatalf("create with addresses = %d %q", p.status, p.text())
	}
	key := strings.TrimSpace(nodeText(p.byID("new-key")))
	// The test's requests come from 127.0.0.1: outside the ranges.
	a.api(t, http.StatusUnauthorized, "GET", "/api/v1/db/databases", key, nil)
	if l := b.get("/keys"); !strings.Contains(l.text(), "203.0.113.0/24") || !strings.Contains(l.text(), "2001:db8::1") {
		t.Errorf("the list lacks the key's addresses: %q", l.text())
	}
}
