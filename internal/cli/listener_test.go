package cli_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbplane/dbplane/internal/testcert"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/config"
)

// testCert is a self-signed certificate for 127.0.0.1 and localhost.
type testCert = testcert.Cert

func newTestCert(tb testing.TB, name string) testCert { return testcert.New(tb, name) }

// httpsClient trusts the certificates given, and no others.
func httpsClient(trust ...testCert) *http.Client {
	pool := x509.NewCertPool()
	for _, c := range trust {
		pool.AddCert(c.Cert)
	}
	return &http.Client{
		Transport:     &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// servedCert is the certificate a new connection to base is given, checked
// by a client that trusts only trust.
func servedCert(tb testing.TB, base string, trust ...testCert) string {
	tb.Helper()
	res, err := httpsClient(trust...).Get(base + "/readyz")
	if err != nil {
		tb.Fatalf("GET %s/readyz: %v", base, err)
	}
	defer res.Body.Close()
	io.Copy(io.Discard, res.Body)
	if res.StatusCode != http.StatusOK {
		tb.Errorf("GET %s/readyz = %d, want 200", base, res.StatusCode)
	}
	return res.TLS.PeerCertificates[0].Subject.CommonName
}

// signInForm posts the dashboard's sign-in form as a client behind
// forwardedFor (no X-Forwarded-For when "").
func signInForm(tb testing.TB, c *http.Client, base, email, password, forwardedFor string) *http.Response {
	tb.Helper()
	req, _ := http.NewRequest("POST", base+"/login", strings.NewReader(url.Values{"email": {email}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if forwardedFor != "" {
		req.Header.Set("X-Forwarded-For", forwardedFor)
	}
	res, err := c.Do(req)
	if err != nil {
		tb.Fatalf("POST /login: %v", err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

func TestServe_HTTPS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	first, second := newTestCert(t, "first"), newTestCert(t, "second")
	first.Write(t, certFile, keyFile)
	in := startInstanceWith(t, func(c *config.Config) { c.TLSCert, c.TLSKey = certFile, keyFile })
	if !strings.HasPrefix(in.url, "https://127.0.0.1:") {
		t.Fatalf("URL() = %q, want https://127.0.0.1:<port>", in.url)
	}
	if got := servedCert(t, in.url, first); got != "first" {
		t.Fatalf("served %q, want first", got)
	}

	// The dashboard's cookie is Secure with the __Host- prefix, with no
	// --secure-cookies.
	mustTenant(t, in, "tls@example.com", "a long passphrase")
	res := signInForm(t, httpsClient(first), in.url, "tls@example.com", "a long passphrase", "")
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in over HTTPS = %d, want 303", res.StatusCode)
	}
	var session *http.Cookie
	for _, c := range res.Cookies() {
		if strings.Contains(c.Name, "dbplane_session") {
			session = c
		}
	}
	if session == nil || session.Name != "__Host-dbplane_session" || !session.Secure {
		t.Errorf("session cookie over HTTPS = %+v, want __Host-dbplane_session, Secure", session)
	}

	// A refused pair is logged and the certificate in use kept.
	if err := os.WriteFile(certFile, second.CertPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	in.srv.ReloadTLS()
	if got := servedCert(t, in.url, first); got != "first" {
		t.Errorf("after a mismatched pair: served %q, want first", got)
	}
	if logs := in.logs.String(); !strings.Contains(logs, "TLS certificate not reloaded; still serving the previous one") || !strings.Contains(logs, certFile) {
		t.Errorf("logs after a mismatched pair do not say it was refused:\n%s", logs)
	}

	second.Write(t, certFile, keyFile)
	in.srv.ReloadTLS()
	if got := servedCert(t, in.url, second); got != "second" {
		t.Errorf("after reload: served %q, want second", got)
	}
	if logs := in.logs.String(); !strings.Contains(logs, `msg="TLS certificate reloaded" subject="CN=second"`) {
		t.Errorf("logs after a reload do not name the new certificate:\n%s", logs)
	}
}

// mustTenant creates an account with a dashboard password through the
// service, and returns its id.
func mustTenant(tb testing.TB, in *instance, email, password string) string {
	tb.Helper()
	ctx := context.Background()
	a, err := in.srv.Service().CreateAccount(ctx, dbplane.AccountInput{Email: email, Name: email, Role: dbplane.RoleUser})
	if err != nil {
		tb.Fatal(err)
	}
	if err := in.srv.Service().SetPassword(ctx, a.ID, dbplane.Secret(password)); err != nil {
		tb.Fatal(err)
	}
	return a.ID
}

func TestServe_TLSFilesRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustInit(t, dir)
	var stdout, stderr bytes.Buffer
	code := cliMain([]string{"serve", "--data-dir", dir, "--listen", "127.0.0.1:0", "--tls-cert", filepath.Join(dir, "nope.pem"), "--tls-key", filepath.Join(dir, "nope.key")}, &stdout, &stderr)
	if code == 0 || !strings.Contains(stderr.String(), "nope.pem") {
		t.Errorf("serve with a missing certificate = exit %d, stderr %q; want a failure naming the file", code, stderr.String())
	}
	stderr.Reset()
	code = cliMain([]string{"serve", "--data-dir", dir, "--tls-cert", filepath.Join(dir, "c.pem")}, &stdout, &stderr)
	if code == 0 || !strings.Contains(stderr.String(), "needs --tls-key") {
		t.Errorf("serve with --tls-cert alone = exit %d, stderr %q; want a failure saying it needs --tls-key", code, stderr.String())
	}
}

func TestServe_TrustedProxy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		proxies []string
		trusted bool // the test client's 127.0.0.1 is one of them
	}{
		{"Trusted", []string{"10.0.0.0/8", "127.0.0.1"}, true},
		{"OtherProxy", []string{"10.0.0.0/8"}, false},
		{"None", nil, false},
		{"Everyone", []string{"0.0.0.0/0"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := startInstanceWith(t, func(c *config.Config) { c.TrustedProxies = tc.proxies })
			id := mustTenant(t, in, "proxy@example.com", "a long passphrase")
			if warned := strings.Contains(in.logs.String(), "--trusted-proxy trusts every peer"); warned != (tc.name == "Everyone") {
				t.Errorf("warned of trusting every peer = %v, want %v", warned, !warned)
			}
			c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

			// A sign-in records where it came from in the sessions list: the
			// client behind a trusted proxy (the right-most address that is
			// not a proxy), or else the peer.
			if res := signInForm(t, c, in.url, "proxy@example.com", "a long passphrase", "198.51.100.9, 10.1.2.3"); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("sign in = %d, want 303", res.StatusCode)
			}
			sessions, err := in.srv.Service().ListSessions(context.Background(), id)
			if err != nil || len(sessions) != 1 {
				t.Fatalf("ListSessions = %v, %v, want one", sessions, err)
			}
			wantIP := "127.0.0.1"
			if tc.trusted {
				wantIP = "198.51.100.9"
			}
			if sessions[0].IP != wantIP {
				t.Errorf("session IP = %q, want %q", sessions[0].IP, wantIP)
			}

			// The per-address sign-in limit (10 a minute) counts the client
			// behind a trusted proxy, so one client cannot lock out the rest.
			// Each attempt names another email, so only the address limit
			// is at play. Without a trusted proxy, the sign-in above was
			// from the same address, so the 10th attempt is over.
			for i := range 10 {
				email := "nobody" + string(rune('a'+i)) + "@example.com"
				want := http.StatusUnauthorized
				if i == 9 && !tc.trusted {
					want = http.StatusTooManyRequests
				}
				if res := signInForm(t, c, in.url, email, "wrong password!", "203.0.113.1"); res.StatusCode != want {
					t.Fatalf("failed sign-in %d = %d, want %d", i+1, res.StatusCode, want)
				}
			}
			if res := signInForm(t, c, in.url, "nobodyz@example.com", "wrong password!", "203.0.113.1"); res.StatusCode != http.StatusTooManyRequests {
				t.Errorf("11th failed sign-in from one client = %d, want 429", res.StatusCode)
			}
			want := http.StatusTooManyRequests // everyone is the proxy
			if tc.trusted {
				want = http.StatusSeeOther
			}
			if res := signInForm(t, c, in.url, "proxy@example.com", "a long passphrase", "203.0.113.2"); res.StatusCode != want {
				t.Errorf("sign-in from another client behind the proxy = %d, want %d", res.StatusCode, want)
			}
		})
	}
}

func TestServe_PublicURL(t *testing.T) {
	t.Parallel()
	in := startInstanceWith(t, func(c *config.Config) { c.PublicURL = "https://db.example.com/" })
	id := mustTenant(t, in, "link@example.com", "a long passphrase")
	link := in.mustDo(t, 201, "POST", "/api/admin/accounts/"+id+"/password-link", in.adminKey, nil).data(t)
	if u, _ := link["url"].(string); !strings.HasPrefix(u, "https://db.example.com/set-password?token=") {
		t.Errorf("password-link url = %q, want https://db.example.com/set-password?token=...", u)
	}
	// The Pterodactyl surface's links too.
	body := string(in.mustDo(t, 200, "GET", "/api/application/users?page=2", in.adminKey, nil).body)
	if !strings.Contains(body, `"previous":"https://db.example.com/api/application/users?page=1"`) {
		t.Errorf("application API page 2 does not link page 1 at --public-url: %s", body)
	}

	plain := startInstance(t)
	link = plain.mustDo(t, 201, "POST", "/api/admin/accounts/"+mustTenant(t, plain, "link@example.com", "a long passphrase")+"/password-link", plain.adminKey, nil).data(t)
	if u, _ := link["url"].(string); !strings.HasPrefix(u, "/set-password?token=") {
		t.Errorf("password-link url without --public-url = %q, want a path", u)
	}
}

func TestInit_PublicURL(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	if code := cliMain([]string{"init", "--data-dir", dir, "--public-url", "https://db.example.com"}, &stdout, &stderr); code != 0 {
		t.Fatalf("init = exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "\n  https://db.example.com/set-password?token=") {
		t.Errorf("init's link does not use --public-url:\n%s", stderr.String())
	}

	// account set-password --link takes it from the config file.
	conf := filepath.Join(dir, "dbplane.env")
	if err := os.WriteFile(conf, []byte("DBPLANE_PUBLIC_URL=https://dash.example.com:8443\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	stderr.Reset()
	if code := cliMain([]string{"account", "set-password", "admin@localhost", "--link", "--data-dir", dir, "--config", conf}, &stdout, &stderr); code != 0 {
		t.Fatalf("account set-password --link = exit %d: %s", code, stderr.String())
	}
	if got := stdout.String(); !strings.HasPrefix(got, "https://dash.example.com:8443/set-password?token=") {
		t.Errorf("account set-password --link = %q, want https://dash.example.com:8443/set-password?token=...", got)
	}

	// Without it, the listen address, https with TLS.
	stdout.Reset()
	if code := cliMain([]string{"account", "set-password", "admin@localhost", "--link", "--data-dir", dir, "--listen", "127.0.0.1:9443"}, &stdout, &stderr); code != 0 {
		t.Fatalf("account set-password --link = exit %d: %s", code, stderr.String())
	}
	if got := stdout.String(); !strings.HasPrefix(got, "http://127.0.0.1:9443/set-password?token=") {
		t.Errorf("account set-password --link = %q, want http://127.0.0.1:9443/set-password?token=...", got)
	}
}
