package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/cli"
	"github.com/dbplane/dbplane/internal/config"
	"github.com/dbplane/dbplane/internal/dbtest"
	"github.com/dbplane/dbplane/internal/mock"
	"github.com/dbplane/dbplane/internal/servetest"
	"github.com/dbplane/dbplane/internal/web"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// app is a real dbplane serve on a fresh data dir with the test binary's
// MariaDB registered as a host.
type app struct {
	srv      *cli.Server
	url      string
	adminKey string
	dataDir  string
	maria    *dbtest.Server
	mariaID  string // the id of maria-1, the host on maria
	logs     *servetest.Logs
}

// appOptions tune newApp.
type appOptions struct {
	config func(*config.Config)
}

func newApp(t testing.TB, opts ...appOptions) *app {
	t.Helper()
	in := servetest.Start(t, func(cfg *config.Config) {
		cfg.QuotaInterval = 0
		for _, o := range opts {
			if o.config != nil {
				o.config(cfg)
			}
		}
	})
	a := &app{srv: in.Server, url: in.URL, adminKey: in.AdminKey, dataDir: in.DataDir, logs: in.Logs}
	a.maria = dbtest.MariaDB(t)
	a.mariaID = a.addHost(t, "maria-1", a.maria)
	return a
}

// addHost registers srv as the host name through the admin API and
// returns its id.
func (a *app) addHost(t testing.TB, name string, srv *dbtest.Server) string {
	t.Helper()
	cfg := srv.AdminConfig()
	return a.addHostAt(t, name, srv, cfg.Host, cfg.Port)
}

// addHostAt registers srv as the host name reached at hostname:port (a
// proxy in front of it) and returns its id.
func (a *app) addHostAt(t testing.TB, name string, srv *dbtest.Server, hostname string, port int) string {
	t.Helper()
	cfg := srv.AdminConfig()
	return a.api(t, 201, "POST", "/api/admin/database-hosts", a.adminKey, map[string]any{
		"name": name, "engine": srv.Engine(), "hostname": hostname, "port": port,
		"username": cfg.User, "password": cfg.Password, "database": cfg.Database, "tls": "disable",
	})["id"].(string)
}

// api calls the JSON API and returns the "data" member.
func (a *app) api(t testing.TB, want int, method, path, key string, body any) map[string]any {
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
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("%s %s = %d %s, want %d", method, path, res.StatusCode, b, want)
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

// tenant creates an account with slots (nil = unlimited) and a password,
// and returns its id.
func (a *app) tenant(t testing.TB, email string, slots any, password string) string {
	t.Helper()
	acct := a.api(t, 201, "POST", "/api/admin/accounts", a.adminKey, map[string]any{"email": email, "name": email, "slots": slots})
	id := acct["id"].(string)
	if err := a.srv.Service().SetPassword(context.Background(), id, dbplane.Secret(password)); err != nil {
		t.Fatal(err)
	}
	return id
}

// mockSite serves the dashboard alone over svc (mocks, for failures and
// clocks a real serve cannot make) with every request signed in as acct,
// and returns a browser for it.
func mockSite(t *testing.T, svc web.Services, opt web.Options, acct *dbplane.Account) *browser {
	t.Helper()
	svc.SignIn = &mock.SignInService{SessionByTokenFn: func(context.Context, dbplane.Secret) (*dbplane.Session, *dbplane.Account, error) {
		return &dbplane.Session{ID: "s", AccountID: acct.ID}, acct, nil
	}}
	srv := httptest.NewServer(web.NewHandler(svc, opt))
	t.Cleanup(srv.Close)
	b := &browser{t: t, base: srv.URL, c: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	b.c.Jar = admJar(t, srv.URL, "dbplane_session", "token")
	return b
}

// browser is an HTTP client with a cookie jar that does not follow
// redirects, so tests see each 303.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
	// token is the form token of the last page that had one.
	token string
}

func (a *app) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: a.url, c: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// signIn signs in through the form and returns the browser.
func (a *app) signIn(t *testing.T, email, password string) *browser {
	t.Helper()
	b := a.browser(t)
	p := b.post("/login", url.Values{"email": {email}, "password": {password}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("sign in as %s = %d, want 303: %s", email, p.status, p.text())
	}
	b.get("/") // picks up the form token
	return b
}

// page is one response of the dashboard.
type page struct {
	status int
	header http.Header
	body   string
	doc    *html.Node
}

func (b *browser) do(req *http.Request) *page {
	b.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	p := &page{status: res.StatusCode, header: res.Header, body: string(body)}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		doc, err := html.Parse(bytes.NewReader(body))
		if err != nil {
			b.t.Fatalf("%s %s: HTML does not parse: %v", req.Method, req.URL, err)
		}
		p.doc = doc
		if tok := p.formToken(); tok != "" {
			b.token = tok
		}
	}
	return p
}

func (b *browser) get(path string) *page {
	b.t.Helper()
	req, err := http.NewRequest("GET", b.base+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

// post sends a form, adding the session's form token unless form sets
// _token itself.
func (b *browser) post(path string, form url.Values) *page {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["_token"]; !ok && b.token != "" {
		form.Set("_token", b.token)
	}
	req, err := http.NewRequest("POST", b.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// text is the page's visible text, spaces collapsed.
func (p *page) text() string {
	if p.doc == nil {
		return p.body
	}
	var sb strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style" || n.Data == "head") {
			return
		}
		if n.Type == html.TextNode {
			sb.WriteString(n.Data)
			sb.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(p.doc)
	return strings.Join(strings.Fields(sb.String()), " ")
}

// all returns the elements named tag.
func (p *page) all(tag string) []*html.Node {
	var out []*html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == tag {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	if p.doc != nil {
		walk(p.doc)
	}
	return out
}

// byID returns the element with that id, or nil.
func (p *page) byID(id string) *html.Node {
	var found *html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if found != nil {
			return
		}
		if n.Type == html.ElementNode {
			if v, _ := attr(n, "id"); v == id {
				found = n
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	if p.doc != nil {
		walk(p.doc)
	}
	return found
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// formToken returns the _token of the page's first form that has one.
func (p *page) formToken() string {
	for _, in := range p.all("input") {
		if name, _ := attr(in, "name"); name == "_token" {
			v, _ := attr(in, "value")
			return v
		}
	}
	return ""
}

// hasButton reports whether the page has a button labelled label.
func (p *page) hasButton(label string) bool {
	for _, b := range p.all("button") {
		if strings.TrimSpace(nodeText(b)) == label {
			return true
		}
	}
	return false
}

func nodeText(n *html.Node) string {
	var sb strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			sb.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return sb.String()
}

// checkPage asserts the rules every dashboard page keeps: each POST form
// carries the form token (but the sign-in and set-password forms, which
// have no session), each visible input has a <label for>, no inline
// script or event handler, and the security headers are set.
func checkPage(t *testing.T, name string, p *page) {
	t.Helper()
	if p.doc == nil {
		t.Errorf("%s: not an HTML page (%s)", name, p.header.Get("Content-Type"))
		return
	}
	if csp := p.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("%s: Content-Security-Policy = %q", name, csp)
	}
	labels := map[string]bool{}
	for _, l := range p.all("label") {
		if f, ok := attr(l, "for"); ok {
			labels[f] = true
		}
	}
	for _, f := range p.all("form") {
		method, _ := attr(f, "method")
		action, _ := attr(f, "action")
		if !strings.EqualFold(method, "post") || action == "/login" || action == "/set-password" {
			continue
		}
		found := false
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode && n.Data == "input" {
				if nm, _ := attr(n, "name"); nm == "_token" {
					v, _ := attr(n, "value")
					found = v != ""
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(f)
		if !found {
			t.Errorf("%s: POST form to %s has no form token", name, action)
		}
	}
	for _, tag := range []string{"input", "select", "textarea"} {
		for _, in := range p.all(tag) {
			typ, _ := attr(in, "type")
			if typ == "hidden" || typ == "submit" {
				continue
			}
			id, _ := attr(in, "id")
			if _, aria := attr(in, "aria-label"); aria {
				continue
			}
			if id == "" || !labels[id] {
				nm, _ := attr(in, "name")
				t.Errorf("%s: <%s name=%q> has no <label for>", name, tag, nm)
			}
		}
	}
	for _, s := range p.all("script") {
		if _, ok := attr(s, "src"); !ok || strings.TrimSpace(nodeText(s)) != "" {
			t.Errorf("%s: inline script", name)
		}
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if strings.HasPrefix(a.Key, "on") || strings.HasPrefix(strings.TrimSpace(strings.ToLower(a.Val)), "javascript:") {
					t.Errorf("%s: <%s %s=...> runs inline script", name, n.Data, a.Key)
				}
				if a.Key == "style" {
					t.Errorf("%s: <%s style=...> is refused by the CSP", name, n.Data)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(p.doc)
}
