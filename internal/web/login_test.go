package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestSignInFlow(t *testing.T) {
	a := newApp(t)
	a.tenant(t, "ada@example.com", 3, "ada's long password")

	// Signed out: pages go to /login and come back after.
	anon := a.browser(t)
	p := anon.get("/")
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/login" {
		t.Fatalf("GET / signed out = %d %s, want 303 /login", p.status, p.header.Get("Location"))
	}
	p = anon.get("/?page=2")
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/login?next="+url.QueryEscape("/?page=2") {
		t.Errorf("GET /?page=2 signed out = %d %s", p.status, p.header.Get("Location"))
	}
	login := anon.get("/login")
	checkPage(t, "login", login)
	if !login.hasButton("Sign in") {
		t.Errorf("the sign-in page has no Sign in button")
	}

	// Wrong password and unknown email read the same.
	for _, email := range []string{"ada@example.com", "nobody@example.com"} {
		p := anon.post("/login", url.Values{"email": {email}, "password": {"not the password"}})
		if p.status != http.StatusUnauthorized || !strings.Contains(p.text(), "Wrong email or password") {
			t.Errorf("bad sign-in as %s = %d %q", email, p.status, p.text())
		}
	}

	// A good sign-in sets an HttpOnly, SameSite=Lax cookie and goes to next.
	p = anon.post("/login", url.Values{"email": {"ada@example.com"}, "password": {"ada's long password"}, "next": {"/?page=1"}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/?page=1" {
		t.Fatalf("sign-in = %d %s", p.status, p.header.Get("Location"))
	}
	c := p.header.Get("Set-Cookie")
	if !strings.Contains(c, "dbplane_session=") || !strings.Contains(c, "HttpOnly") || !strings.Contains(c, "SameSite=Lax") || strings.Contains(c, "Secure") {
		t.Errorf("session cookie = %q, want HttpOnly, SameSite=Lax and not Secure over HTTP", c)
	}
	home := anon.get("/")
	if home.status != 200 || !strings.Contains(home.text(), "ada@example.com") {
		t.Fatalf("GET / signed in = %d", home.status)
	}
	checkPage(t, "databases", home)

	// Signing in again in the same browser ends the previous session.
	first := anon.c.Jar.Cookies(mustURL(t, a.url))
	if p := anon.post("/login", url.Values{"email": {"ada@example.com"}, "password": {"ada's long password"}}); p.status != http.StatusSeeOther {
		t.Fatalf("second sign-in = %d", p.status)
	}
	stale := a.browser(t)
	stale.c.Jar.SetCookies(mustURL(t, a.url), first)
	if p := stale.get("/"); p.status != http.StatusSeeOther {
		t.Errorf("the session before a second sign-in still works: %d", p.status)
	}
	anon.get("/") // the new session's form token

	// An open redirect is refused.
	for _, next := range []string{"//evil.example/", "https://evil.example/", "/\\evil.example"} {
		b := a.browser(t)
		p := b.post("/login", url.Values{"email": {"ada@example.com"}, "password": {"ada's long password"}, "next": {next}})
		if loc := p.header.Get("Location"); loc != "/" {
			t.Errorf("next=%q redirected to %q, want /", next, loc)
		}
	}

	// Sign out ends the session on the server, not only in the cookie.
	cookies := anon.c.Jar.Cookies(mustURL(t, a.url))
	p = anon.post("/logout", nil)
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/login") {
		t.Fatalf("sign out = %d %s", p.status, p.header.Get("Location"))
	}
	replay := a.browser(t)
	replay.c.Jar.SetCookies(mustURL(t, a.url), cookies)
	if p := replay.get("/"); p.status != http.StatusSeeOther {
		t.Errorf("the old cookie still works after sign-out: %d", p.status)
	}
}

func TestSignInRateLimited(t *testing.T) {
	a := newApp(t)
	b := a.browser(t)
	var last *page
	for i := 0; i < 12; i++ {
		last = b.post("/login", url.Values{"email": {"victim@example.com"}, "password": {"guess number " + string(rune('a'+i))}})
	}
	if last.status != http.StatusTooManyRequests || last.header.Get("Retry-After") == "" {
		t.Errorf("12th sign-in attempt in a minute = %d (Retry-After %q), want 429", last.status, last.header.Get("Retry-After"))
	}
}

func TestFormProtection(t *testing.T) {
	a := newApp(t)
	a.tenant(t, "ada@example.com", 3, "ada's long password")
	b := a.signIn(t, "ada@example.com", "ada's long password")

	// No form token, or a wrong one: 403 and nothing made.
	for name, form := range map[string]url.Values{
		"missing": {"label": {"one"}, "engine": {"mariadb"}, "_token": {""}},
		"wrong":   {"label": {"two"}, "engine": {"mariadb"}, "_token": {"AAAA"}},
	} {
		if p := b.post("/databases", form); p.status != http.StatusForbidden {
			t.Errorf("%s form token: %d, want 403", name, p.status)
		}
	}
	// A cross-site POST is refused before it reaches the handler.
	req, _ := http.NewRequest("POST", a.url+"/databases", strings.NewReader(url.Values{"label": {"three"}, "_token": {b.token}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if p := b.do(req); p.status != http.StatusForbidden {
		t.Errorf("cross-site POST = %d, want 403", p.status)
	}
	if home := b.get("/"); !strings.Contains(home.text(), "No databases yet") {
		t.Errorf("a refused form made a database")
	}
	// A foreign form token (another session's) is refused too.
	a.tenant(t, "bob@example.com", 3, "bob's long password")
	bob := a.signIn(t, "bob@example.com", "bob's long password")
	if p := b.post("/databases", url.Values{"label": {"four"}, "engine": {"mariadb"}, "_token": {bob.token}}); p.status != http.StatusForbidden {
		t.Errorf("another session's form token: %d, want 403", p.status)
	}
}

func TestSuspendedAccountIsSignedOut(t *testing.T) {
	a := newApp(t)
	id := a.tenant(t, "ada@example.com", 3, "ada's long password")
	b := a.signIn(t, "ada@example.com", "ada's long password")
	a.api(t, 200, "PATCH", "/api/admin/accounts/"+id, a.adminKey, map[string]any{"suspended": true})
	p := b.get("/")
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/login") {
		t.Fatalf("suspended account's page = %d %s, want 303 to /login", p.status, p.header.Get("Location"))
	}
	p = b.post("/login", url.Values{"email": {"ada@example.com"}, "password": {"ada's long password"}})
	if p.status != http.StatusForbidden || !strings.Contains(p.text(), "suspended") {
		t.Errorf("sign-in of a suspended account = %d %q", p.status, p.text())
	}
}

func TestNotFoundPage(t *testing.T) {
	a := newApp(t)
	a.tenant(t, "ada@example.com", 3, "ada's long password")
	b := a.signIn(t, "ada@example.com", "ada's long password")
	for _, path := range []string{"/nope", "/admin", "/static/nope.css"} {
		p := b.get(path)
		if p.status != http.StatusNotFound || !strings.Contains(p.header.Get("Content-Type"), "text/html") {
			t.Errorf("GET %s = %d %s, want the 404 page", path, p.status, p.header.Get("Content-Type"))
		}
	}
}

func TestStaticAssets(t *testing.T) {
	a := newApp(t)
	b := a.browser(t)
	login := b.get("/login")
	var links []string
	for _, l := range login.all("link") {
		if h, ok := attr(l, "href"); ok {
			links = append(links, h)
		}
	}
	for _, s := range login.all("script") {
		if h, ok := attr(s, "src"); ok {
			links = append(links, h)
		}
	}
	if len(links) != 2 {
		t.Fatalf("login page links %v, want the stylesheet and the script", links)
	}
	for _, l := range links {
		p := b.get(l)
		if p.status != 200 || !strings.Contains(p.header.Get("Cache-Control"), "immutable") {
			t.Errorf("GET %s = %d, Cache-Control %q", l, p.status, p.header.Get("Cache-Control"))
		}
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
