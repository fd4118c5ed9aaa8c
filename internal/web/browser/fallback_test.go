package browser_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestPlainHTTPOnLAN: the dashboard on plain HTTP at a name that is not
// localhost, as on a LAN address. The browser resolves dbplane.test to the
// loopback serve, so the page's origin is http://dbplane.test:PORT: not a
// secure context, so no Clipboard API, and no Sec-Fetch-Site header on
// requests (http.CrossOriginProtection then compares Origin with Host).
// Signing in and every form must work, and the copy buttons fall back: the
// older copy command (Ctrl+V pastes the password) or the text left
// selected with Press Ctrl+C.
func TestPlainHTTPOnLAN(t *testing.T) {
	a := newApp(t)
	a.tenant(t, "ada@example.com", 3, "ada's long password")
	u, err := url.Parse(a.url)
	if err != nil {
		t.Fatal(err)
	}
	lan := "http://dbplane.test:" + u.Port()
	b := newBrowser(t, lan, 1280, 900, chromedp.Flag("host-resolver-rules", "MAP dbplane.test 127.0.0.1"))
	ada := b.tab("tenant")

	ada.open("/login")
	if eval[bool](ada, `window.isSecureContext || !!navigator.clipboard`) {
		t.Fatalf("%s is a secure context; this test would not exercise plain HTTP", lan)
	}
	ada.fill("Email", "ada@example.com")
	ada.fill("Password", "ada's long password")
	if st := ada.press("Sign in"); st == http.StatusForbidden {
		// A Referrer-Policy of no-referrer makes the browser send
		// "Origin: null" on its own forms when it sends no Sec-Fetch-Site,
		// which is the case on plain HTTP away from localhost; the
		// cross-origin check then refuses every POST (securityHeaders in
		// internal/web/web.go sends same-origin for this).
		t.Fatalf("signing in on plain HTTP at %s was refused (Referrer-Policy %q): %s",
			lan, headerOf(t, a.url+"/login", "Referrer-Policy"), ada.textQuiet())
	}
	if p := ada.where(); strings.HasPrefix(p, "/login") {
		t.Fatalf("still on %s after signing in", p)
	}

	ada.fill("Label", "shop", inSection("New database"))
	if st := ada.press("New database", inSection("New database")); st != http.StatusOK {
		t.Fatalf("New database gave %d", st)
	}
	if st := ada.press("Reveal password"); st != http.StatusOK {
		t.Fatalf("Reveal password gave %d", st)
	}
	pw := ada.value("Password")
	feedback := ada.copy("Copy password", pw)
	t.Logf("on %s the copy button said %q", lan, feedback)
	connect(t, a.maria, ada.value("User"), pw, ada.value("Database"), true)
}

// headerOf returns one header of a GET of url.
func headerOf(t *testing.T, url, name string) string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.Header.Get(name)
}
