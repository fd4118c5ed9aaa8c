package browser_test

import (
	"net/http"
	"strings"
	"testing"
)

// signIn signs in through the form at /login and fails unless the
// databases page follows.
func (tb *tab) signIn(email, password string) {
	tb.t.Helper()
	if st := tb.open("/login"); st != http.StatusOK {
		tb.fail("GET /login = %d", st)
	}
	tb.fill("Email", email)
	tb.fill("Password", password)
	if st := tb.press("Sign in"); st != http.StatusOK {
		tb.fail("signing in as %s gave %d\npage text: %s", email, st, tb.textQuiet())
	}
	if p := tb.where(); strings.HasPrefix(p, "/login") {
		tb.fail("still on %s after signing in as %s\npage text: %s", p, email, tb.textQuiet())
	}
}

// TestSignInJourney: a wrong password is refused with a message, the right
// one opens the databases page, an unknown page is the 404 page, and
// signing out ends the session (the back button does not bring it back).
func TestSignInJourney(t *testing.T) {
	a := newApp(t)
	a.tenant(t, "ada@example.com", 3, "ada's long password")
	b := newBrowser(t, a.url, 1280, 900)
	ada := b.tab("tenant")

	// Signed out, the dashboard sends a person to the sign-in page.
	ada.open("/")
	if p := ada.where(); !strings.HasPrefix(p, "/login") {
		t.Fatalf("GET / signed out showed %s, want /login", p)
	}
	ada.fill("Email", "ada@example.com")
	ada.fill("Password", "not the password")
	if st := ada.press("Sign in"); st != http.StatusUnauthorized {
		t.Errorf("a wrong password gave %d, want 401", st)
	}
	ada.waitText("Wrong email or password")

	ada.signIn("ada@example.com", "ada's long password")
	ada.waitText("ada@example.com")
	ada.waitText("0 of 3 used")
	if !ada.hasButton("New database") {
		t.Errorf("the databases page has no New database button")
	}

	if st := ada.open("/no/such/page"); st != http.StatusNotFound {
		t.Errorf("an unknown page gave %d, want 404", st)
	}

	ada.open("/")
	if st := ada.press("Sign out"); st != http.StatusOK {
		t.Errorf("sign out gave %d", st)
	}
	if p := ada.where(); !strings.HasPrefix(p, "/login") {
		t.Errorf("sign out showed %s, want the sign-in page", p)
	}
	ada.open("/")
	if p := ada.where(); !strings.HasPrefix(p, "/login") {
		t.Errorf("after sign-out GET / showed %s, want the sign-in page", p)
	}
}
