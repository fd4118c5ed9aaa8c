package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// sessionIDs returns the ids in the revoke forms of an account page.
func sessionIDs(p *page) []string {
	var ids []string
	for _, a := range p.formActions() {
		if rest, ok := strings.CutPrefix(a, "/account/sessions/"); ok {
			if id, ok := strings.CutSuffix(rest, "/revoke"); ok {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// signedOut reports whether b's session is over: a page sends it to /login.
func signedOut(b *browser) bool {
	p := b.get("/account")
	return p.status == http.StatusSeeOther && strings.HasPrefix(p.header.Get("Location"), "/login")
}

func TestAccountPage_ChangePassword(t *testing.T) {
	a := newApp(t)
	const old, next = "ada's long password", "a brand new passphrase"
	a.tenant(t, "ada@example.com", 3, old)
	one := a.signIn(t, "ada@example.com", old)
	two := a.signIn(t, "ada@example.com", old)

	p := one.get("/account")
	if p.status != http.StatusOK {
		t.Fatalf("GET /account = %d", p.status)
	}
	checkPage(t, "account", p)
	for _, want := range []string{"ada@example.com", "Tenant (user)", "This session"} {
		if !strings.Contains(p.text(), want) {
			t.Errorf("GET /account lacks %q: %s", want, p.text())
		}
	}
	if n := strings.Count(p.text(), "This session"); n != 1 {
		t.Errorf("the sessions list marks %d sessions as this one, want 1", n)
	}
	if ids := sessionIDs(p); len(ids) != 2 {
		t.Errorf("the sessions list has %d sessions, want the 2 signed in", len(ids))
	}
	if !p.hasButton("Change password") || !p.hasButton("Revoke") {
		t.Errorf("the account page lacks the Change password or Revoke button")
	}

	// Refusals change nothing and say why.
	for _, tc := range []struct {
		name                      string
		current, password, repeat string
		want                      string
	}{
		{"WrongCurrent", "not the password", next, next, "The current password is wrong"},
		{"Differ", old, next, next + "x", "The two new passwords differ"},
		{"TooShort", old, "short", "short", "10 to 256 characters"},
	} {
		p := one.post("/account/password", url.Values{"current": {tc.current}, "password": {tc.password}, "confirm": {tc.repeat}})
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.text(), tc.want) {
			t.Errorf("%s: change password = %d %q, want 422 with %q", tc.name, p.status, p.text(), tc.want)
		}
		checkPage(t, tc.name, p)
		if strings.Contains(p.body, tc.password) || strings.Contains(p.body, tc.current) {
			t.Errorf("%s: the page echoes a password", tc.name)
		}
	}
	if signedOut(two) {
		t.Fatalf("a refused change signed the other session out")
	}

	// A good change keeps this browser signed in, in a new session, and
	// ends every other: a copy of this browser's old cookie too.
	oldCookie := one.c.Jar.Cookies(mustURL(t, a.url))
	p = one.post("/account/password", url.Values{"current": {old}, "password": {next}, "confirm": {next}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/account?m=password" {
		t.Fatalf("change password = %d %s: %s", p.status, p.header.Get("Location"), p.text())
	}
	if signedOut(one) {
		t.Errorf("the browser that changed the password was signed out")
	}
	copied := a.browser(t)
	copied.c.Jar.SetCookies(mustURL(t, a.url), oldCookie)
	if !signedOut(copied) {
		t.Errorf("a copy of the cookie from before the password change still works")
	}
	if !signedOut(two) {
		t.Errorf("the other session survived the password change")
	}
	if p := one.get("/account"); len(sessionIDs(p)) != 1 {
		t.Errorf("after the change the sessions list has %d sessions, want 1", len(sessionIDs(p)))
	}
	if p := a.browser(t).post("/login", url.Values{"email": {"ada@example.com"}, "password": {old}}); p.status != http.StatusUnauthorized {
		t.Errorf("sign-in with the old password = %d, want 401", p.status)
	}
	a.signIn(t, "ada@example.com", next)
	for _, pw := range []string{old, next} {
		if strings.Contains(a.logs.String(), pw) {
			t.Errorf("a password appears in the server logs")
		}
	}
}

func TestAccountPage_RevokeSession(t *testing.T) {
	a := newApp(t)
	a.tenant(t, "ada@example.com", 3, "ada's long password")
	a.tenant(t, "bob@example.com", 3, "bob's long password")
	one := a.signIn(t, "ada@example.com", "ada's long password")
	two := a.signIn(t, "ada@example.com", "ada's long password")
	bob := a.signIn(t, "bob@example.com", "bob's long password")

	bobIDs := sessionIDs(bob.get("/account"))
	if len(bobIDs) != 1 {
		t.Fatalf("bob's sessions = %v", bobIDs)
	}
	// Another account's session is the 404 page, and stays signed in.
	p := one.post("/account/sessions/"+bobIDs[0]+"/revoke", nil)
	if p.status != http.StatusNotFound {
		t.Errorf("revoke bob's session as ada = %d, want 404", p.status)
	}
	checkPage(t, "404", p)
	if signedOut(bob) {
		t.Errorf("ada signed bob out")
	}

	// The other session of the account: revoked, signed out.
	ids := sessionIDs(one.get("/account"))
	this := thisSession(t, two)
	if len(ids) != 2 || !slices.Contains(ids, this) || this == thisSession(t, one) {
		t.Fatalf("ada's sessions %v, the second browser's %q", ids, this)
	}
	if p := one.post("/account/sessions/"+this+"/revoke", nil); p.status != http.StatusSeeOther || p.header.Get("Location") != "/account?m=revoked" {
		t.Fatalf("revoke = %d %s", p.status, p.header.Get("Location"))
	}
	if !signedOut(two) {
		t.Errorf("the revoked session still works")
	}
	if signedOut(one) {
		t.Errorf("revoking another session signed this one out")
	}
	// Revoking this session signs out.
	if p := one.post("/account/sessions/"+thisSession(t, one)+"/revoke", nil); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/login") {
		t.Errorf("revoke this session = %d %s, want 303 to /login", p.status, p.header.Get("Location"))
	}
	if !signedOut(one) {
		t.Errorf("revoking this session left it signed in")
	}
}

// thisSession returns the id of the session b is, as its account page
// marks it.
func thisSession(t *testing.T, b *browser) string {
	t.Helper()
	p := b.get("/account")
	for _, tr := range p.all("tr") {
		if c, _ := attr(tr, "class"); c == "current" {
			for _, f := range (&page{doc: tr}).all("form") {
				a, _ := attr(f, "action")
				return strings.TrimSuffix(strings.TrimPrefix(a, "/account/sessions/"), "/revoke")
			}
		}
	}
	t.Fatalf("the account page marks no session as this one")
	return ""
}

// TestAdminSetsPassword follows the admin API's two ways to give an
// account a password to the dashboard's sign-in.
func TestAdminSetsPassword(t *testing.T) {
	a := newApp(t)
	acct := a.api(t, http.StatusCreated, "POST", "/api/admin/accounts", a.adminKey, map[string]any{"email": "ada@example.com", "name": "Ada"})
	path := "/api/admin/accounts/" + acct["id"].(string)
	const first, second, third = "first long password", "second long password", "third long password"

	a.api(t, http.StatusUnprocessableEntity, "PATCH", path, a.adminKey, map[string]any{"password": "short"})
	got := a.api(t, http.StatusOK, "PATCH", path, a.adminKey, map[string]any{"password": first})
	if got["email"] != "ada@example.com" {
		t.Errorf("PATCH password answered %v, want the account", got)
	}
	b := a.signIn(t, "ada@example.com", first)

	// A new password ends the account's sessions.
	a.api(t, http.StatusOK, "PATCH", path, a.adminKey, map[string]any{"password": second})
	if !signedOut(b) {
		t.Errorf("the session survived an operator's new password")
	}
	if p := a.browser(t).post("/login", url.Values{"email": {"ada@example.com"}, "password": {first}}); p.status != http.StatusUnauthorized {
		t.Errorf("sign-in with the replaced password = %d, want 401", p.status)
	}
	b = a.signIn(t, "ada@example.com", second)

	// A set-password link: opened signed out, used once.
	link := a.api(t, http.StatusCreated, "POST", path+"/password-link", a.adminKey, nil)
	u, _ := link["url"].(string)
	if !strings.HasPrefix(u, "/set-password?token=") || link["expiresAt"] == nil {
		t.Fatalf("password-link = %v", link)
	}
	anon := a.browser(t)
	form := anon.get(u)
	if form.status != http.StatusOK {
		t.Fatalf("GET %s = %d", u, form.status)
	}
	checkPage(t, "set-password", form)
	token := strings.TrimPrefix(u, "/set-password?token=")
	tok, _ := url.QueryUnescape(token)
	p := anon.post("/set-password", url.Values{"token": {tok}, "password": {third}, "confirm": {third}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("POST /set-password = %d %s", p.status, p.text())
	}
	if !signedOut(b) {
		t.Errorf("the session survived a set-password link")
	}
	a.signIn(t, "ada@example.com", third)
	if p := anon.post("/set-password", url.Values{"token": {tok}, "password": {first}, "confirm": {first}}); p.status == http.StatusSeeOther {
		t.Errorf("a spent link worked again")
	}
	for _, s := range []string{first, second, third, tok} {
		if strings.Contains(a.logs.String(), s) {
			t.Errorf("a password or link token appears in the server logs")
		}
	}
}

func TestAccountPage_PasswordGuessesRateLimited(t *testing.T) {
	a := newApp(t)
	a.tenant(t, "ada@example.com", 3, "ada's long password")
	b := a.signIn(t, "ada@example.com", "ada's long password")
	var last *page
	for i := 0; i < 12; i++ {
		last = b.post("/account/password", url.Values{"current": {"guess number " + string(rune('a'+i))}, "password": {"a brand new passphrase"}, "confirm": {"a brand new passphrase"}})
	}
	if last.status != http.StatusTooManyRequests || last.header.Get("Retry-After") == "" {
		t.Errorf("12th password change in a minute = %d (Retry-After %q), want 429", last.status, last.header.Get("Retry-After"))
	}
	checkPage(t, "rate limited", last)
}
