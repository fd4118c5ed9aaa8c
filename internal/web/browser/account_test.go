package browser_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/dbplane/dbplane/internal/cli"
)

// TestAccountJourney: one tenant signed in on a laptop and a phone (two
// browsers with their own cookies). The account page lists both sessions;
// Revoke signs the phone out. Change password keeps the laptop signed in
// and signs the phone out again; the old password no longer works. A
// password set from the shell ends every session.
func TestAccountJourney(t *testing.T) {
	a := newApp(t)
	a.tenant(t, "ada@example.com", 3, "ada's first password")
	b := newBrowser(t, a.url, 1280, 900)
	laptop, phone := b.tab("laptop"), b.tab("phone")
	laptop.signIn("ada@example.com", "ada's first password")
	phone.signIn("ada@example.com", "ada's first password")

	if st := laptop.follow("Account", inSection("Main")); st != http.StatusOK {
		t.Fatalf("the Account link gave %d", st)
	}
	laptop.waitText("This session")
	if n := laptop.count(query{Kind: "button", Text: "Revoke"}); n != 1 {
		t.Fatalf("the sessions list has %d Revoke buttons, want 1 (the phone's)", n)
	}
	laptop.press("Revoke")
	if n := laptop.count(query{Kind: "button", Text: "Revoke"}); n != 0 {
		t.Errorf("after Revoke the sessions list still has %d other session(s)", n)
	}
	signedOut(t, phone)
	signedIn(t, laptop)

	// Change password: this browser stays, the others go.
	phone.signIn("ada@example.com", "ada's first password")
	laptop.open("/account")
	laptop.fill("Current password", "ada's first password")
	laptop.fill("New password", "ada's second password")
	laptop.fill("Repeat new password", "ada's second password")
	if st := laptop.press("Change password"); st != http.StatusOK {
		t.Fatalf("Change password gave %d: %s", st, laptop.textQuiet())
	}
	signedIn(t, laptop)
	signedOut(t, phone)
	phone.fill("Email", "ada@example.com")
	phone.fill("Password", "ada's first password")
	if st := phone.press("Sign in"); st != http.StatusUnauthorized {
		t.Errorf("the old password gave %d, want 401", st)
	}
	phone.signIn("ada@example.com", "ada's second password")

	// The operator sets a password from the shell: every session ends.
	var out, errb bytes.Buffer
	args := []string{"account", "set-password", "ada@example.com", "--data-dir", a.dataDir}
	if code := cli.Main(context.Background(), args, strings.NewReader("ada's third password\n"), &out, &errb); code != 0 {
		t.Fatalf("dbplane account set-password: %s", errb.String())
	}
	signedOut(t, laptop)
	signedOut(t, phone)
	laptop.signIn("ada@example.com", "ada's third password")
}

// signedOut fails unless the tab's next page is the sign-in page.
func signedOut(t *testing.T, tb *tab) {
	t.Helper()
	tb.open("/")
	if p := tb.where(); !strings.HasPrefix(p, "/login") {
		t.Errorf("%s is still signed in (GET / showed %s)", tb.who, p)
	}
}

// signedIn fails unless the tab still reaches the databases page.
func signedIn(t *testing.T, tb *tab) {
	t.Helper()
	tb.open("/")
	if p := tb.where(); p != "/" {
		t.Errorf("%s was signed out (GET / showed %s)", tb.who, p)
	}
}
