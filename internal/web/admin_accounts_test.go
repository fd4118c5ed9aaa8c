package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dbplane/dbplane"
)

// TestAdminAccountSuspend suspends a tenant from its page: the preview
// says what will change, then the engine refuses its database's login and
// its dashboard session is signed out; unsuspending restores the login.
func TestAdminAccountSuspend(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	op, _ := a.admOperator(t)
	ada := a.tenant(t, "ada@example.com", 3, "ada's long password")
	cr, err := a.srv.Service().CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: ada, Label: "app"})
	if err != nil {
		t.Fatal(err)
	}
	a.api(t, 201, "POST", "/api/admin/accounts/"+ada+"/keys", a.adminKey, map[string]any{"name": "ci"})
	tenant := a.signIn(t, "ada@example.com", "ada's long password")
	login := func() error {
		return a.maria.ConnectAs(ctx, cr.Database.DBUser, string(cr.Password), cr.Database.DBName)
	}
	if err := login(); err != nil {
		t.Fatalf("the tenant cannot log in before the suspension: %v", err)
	}

	list := op.get("/admin/accounts")
	admStatus(t, "GET /admin/accounts", list, http.StatusOK)
	checkPage(t, "admin-accounts", list)
	if !admHasLink(list, "/admin/accounts/"+ada) || !strings.Contains(list.text(), "1 of 3") {
		t.Errorf("the accounts list lacks ada or her usage: %s", list.text())
	}

	page := op.get("/admin/accounts/" + ada)
	admStatus(t, "GET the account", page, http.StatusOK)
	checkPage(t, "admin-account", page)
	preview := nodeText(page.byID("suspend-preview"))
	for _, want := range []string{"disables 1 API key", "refuses logins to 1 database", "signs out 1 dashboard session"} {
		if !strings.Contains(preview, want) {
			t.Errorf("the suspension preview %q does not say %q", preview, want)
		}
	}
	if !page.hasButton("Suspend account") || !strings.Contains(page.text(), "app") {
		t.Errorf("the account page lacks Suspend account or the database: %s", page.text())
	}
	admNoSecret(t, "account page", page, string(cr.Password))

	p := op.post("/admin/accounts/"+ada+"/suspend", nil)
	admStatus(t, "Suspend", p, http.StatusSeeOther)
	if err := login(); err == nil {
		t.Error("the engine still accepts the suspended tenant's login")
	}
	if p := tenant.get("/"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/login") {
		t.Errorf("the suspended tenant's session still works: %d %s", p.status, p.header.Get("Location"))
	}
	page = op.get("/admin/accounts/" + ada)
	if !page.hasButton("Unsuspend account") || !strings.Contains(nodeText(page.byID("suspend-preview")), "restores logins to 1 database") {
		t.Errorf("after the suspension: %s", page.text())
	}
	if !strings.Contains(op.get("/admin/accounts").text(), "suspended") {
		t.Error("the list does not mark the suspended account")
	}
	admStatus(t, "Unsuspend", op.post("/admin/accounts/"+ada+"/unsuspend", nil), http.StatusSeeOther)
	if err := login(); err != nil {
		t.Errorf("the login is not restored by the unsuspension: %v", err)
	}
	admStatus(t, "GET an unknown account", op.get("/admin/accounts/no-such-account"), http.StatusNotFound)
	admStatus(t, "suspend an unknown account", op.post("/admin/accounts/no-such-account/suspend", nil), http.StatusNotFound)
}

// TestAdminAccountCreateEditLink creates an account from the form, edits
// its quotas, and hands it a set-password link that works once.
func TestAdminAccountCreateEditLink(t *testing.T) {
	a := newApp(t)
	op, opID := a.admOperator(t)

	p := op.post("/admin/accounts", admForm("email", "bob@example.com", "name", "Bob", "role", "user", "slots", "2", "storage", "lots"))
	admStatus(t, "create with a bad size", p, http.StatusUnprocessableEntity)
	if v, _ := attr(p.byID("email"), "value"); !strings.Contains(p.text(), "500 MiB") || v != "bob@example.com" {
		t.Errorf("the refusal does not explain or lost the form: %s", p.text())
	}
	p = op.post("/admin/accounts", admForm("email", "bob@example.com", "name", "Bob", "role", "user", "slots", "2", "storage", "1 GiB"))
	admStatus(t, "Create", p, http.StatusSeeOther)
	acctURL := strings.TrimSuffix(p.header.Get("Location"), "?m=created")
	page := op.get(acctURL)
	if v, _ := attr(page.byID("storage"), "value"); v != "1 GiB" {
		t.Errorf("storage field = %q, want 1 GiB", v)
	}
	if p := op.post("/admin/accounts", admForm("email", "bob@example.com", "name", "Bob again")); p.status != http.StatusConflict {
		t.Errorf("a taken email = %d, want 409", p.status)
	}

	p = op.post(acctURL, admForm("name", "Robert", "slots", "5", "storage", ""))
	admStatus(t, "Save", p, http.StatusSeeOther)
	page = op.get(acctURL)
	if !strings.Contains(page.text(), "0 of 5 used") || !strings.Contains(page.text(), "(no limit)") {
		t.Errorf("the quotas were not saved: %s", page.text())
	}
	if p := op.post(acctURL, admForm("name", "", "slots", "-1")); p.status != http.StatusUnprocessableEntity {
		t.Errorf("invalid quotas = %d, want 422", p.status)
	}

	// Roles: bob becomes an operator; the last admin cannot be demoted.
	admStatus(t, "promote", op.post(acctURL, admForm("name", "Robert", "role", "admin", "slots", "5")), http.StatusSeeOther)
	if p := op.get(acctURL); !strings.Contains(p.body, `<option value="admin" selected>`) {
		t.Error("bob was not promoted")
	}
	admStatus(t, "demote", op.post(acctURL, admForm("name", "Robert", "role", "user", "slots", "5")), http.StatusSeeOther)
	accounts, _, _ := a.srv.Service().FindAccounts(context.Background(), dbplane.AccountFilter{Emails: []string{"admin@localhost"}}) // made by init
	for _, acct := range accounts {
		admStatus(t, "demote admin@localhost", op.post("/admin/accounts/"+acct.ID, admForm("name", "Administrator", "role", "user")), http.StatusSeeOther)
	}
	p = op.post("/admin/accounts/"+opID, admForm("name", "Operator", "role", "user"))
	if p.status != http.StatusConflict || !strings.Contains(p.text(), "last admin") {
		t.Errorf("demoting the last admin = %d %s", p.status, p.text())
	}

	// A set-password link is shown once, in a no-store response.
	p = op.post(acctURL+"/password-link", nil)
	admStatus(t, "Create set-password link", p, http.StatusOK)
	checkPage(t, "admin-account with link", p)
	if cc := p.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("the link's page Cache-Control = %q, want no-store", cc)
	}
	link := nodeText(p.byID("password-link"))
	u, err := url.Parse(link)
	if err != nil || u.Path != "/set-password" || u.Query().Get("token") == "" || u.Host == "" {
		t.Fatalf("set-password link = %q", link)
	}
	if strings.Contains(op.get(acctURL).body, u.Query().Get("token")) {
		t.Error("the link is shown again on the next visit")
	}
	anon := a.browser(t)
	p = anon.post("/set-password", url.Values{"token": {u.Query().Get("token")}, "password": {"bob's new long password"}, "confirm": {"bob's new long password"}})
	admStatus(t, "use the link", p, http.StatusSeeOther)
	a.signIn(t, "bob@example.com", "bob's new long password")
	if strings.Contains(a.logs.String(), u.Query().Get("token")) {
		t.Error("the set-password token appears in the logs")
	}
}

// TestAdminAccountKeys disables, enables and deletes a tenant's key from
// its account page; another account's key is not found there.
func TestAdminAccountKeys(t *testing.T) {
	a := newApp(t)
	op, _ := a.admOperator(t)
	ada := a.tenant(t, "ada@example.com", nil, "ada's long password")
	bob := a.tenant(t, "bob@example.com", nil, "bob's long password")
	k := a.api(t, 201, "POST", "/api/admin/accounts/"+ada+"/keys", a.adminKey, map[string]any{"name": "ci"})
	bobKey := a.api(t, 201, "POST", "/api/admin/accounts/"+bob+"/keys", a.adminKey, map[string]any{"name": "bob-ci"})
	key, id := k["key"].(string), k["id"].(string)
	use := func(want int) {
		t.Helper()
		req, _ := http.NewRequest("GET", a.url+"/api/v1/db/databases", nil)
		req.Header.Set("Authorization", "Bearer "+key)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("GET /api/v1/db/databases with ada's key = %d, want %d", res.StatusCode, want)
		}
	}
	use(http.StatusOK)
	page := op.get("/admin/accounts/" + ada)
	if !strings.Contains(page.text(), "ci") || !page.hasButton("Disable") {
		t.Fatalf("the account page lacks the key: %s", page.text())
	}
	admNoSecret(t, "account page", page, key)
	base := "/admin/accounts/" + ada + "/keys/"
	admStatus(t, "Disable", op.post(base+id+"/disable", nil), http.StatusSeeOther)
	use(http.StatusUnauthorized)
	admStatus(t, "Enable", op.post(base+id+"/enable", nil), http.StatusSeeOther)
	use(http.StatusOK)
	admStatus(t, "another account's key", op.post(base+bobKey["id"].(string)+"/disable", nil), http.StatusNotFound)
	admStatus(t, "Delete", op.post(base+id+"/delete", nil), http.StatusSeeOther)
	use(http.StatusUnauthorized)
}
