package web_test

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/dbplane/dbplane"
)

// admOperator makes an admin account with a password and signs it in.
func (a *app) admOperator(t *testing.T) (*browser, string) {
	t.Helper()
	email, pw := "op@example.com", "the operator's long password"
	acct := a.api(t, 201, "POST", "/api/admin/accounts", a.adminKey, map[string]any{"email": email, "name": "Operator", "role": "admin"})
	id := acct["id"].(string)
	if err := a.srv.Service().SetPassword(context.Background(), id, dbplane.Secret(pw)); err != nil {
		t.Fatal(err)
	}
	return a.signIn(t, email, pw), id
}

// admHasLink reports whether the page links to href.
func admHasLink(p *page, href string) bool {
	for _, a := range p.all("a") {
		if v, _ := attr(a, "href"); v == href {
			return true
		}
	}
	return false
}

// admStatus fails the test unless the page has the status.
func admStatus(t *testing.T, what string, p *page, want int) {
	t.Helper()
	if p.status != want {
		t.Fatalf("%s = %d, want %d: %s", what, p.status, want, p.text())
	}
}

// admNoSecret fails when any of secrets appears in the page.
func admNoSecret(t *testing.T, what string, p *page, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(p.body, s) {
			t.Errorf("%s: the page carries a secret", what)
		}
	}
}

func admForm(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// admJar returns a cookie jar holding one cookie for base.
func admJar(t *testing.T, base, name, value string) http.CookieJar {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
	return jar
}
