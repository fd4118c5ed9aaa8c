package browser_test

import (
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestWithoutJavaScript: the dashboard's script only adds to the pages.
// With the page's JavaScript off, a tenant signs in, makes a database,
// reveals and rotates its password and deletes it by typing its label
// (the Delete button is enabled from the start and the server checks the
// label).
func TestWithoutJavaScript(t *testing.T) {
	a := newApp(t)
	a.tenant(t, "ada@example.com", 3, "ada's long password")
	b := newBrowser(t, a.url, 1280, 900)
	ada := b.tab("tenant")
	ada.noScript()

	ada.signIn("ada@example.com", "ada's long password")
	ada.fill("Label", "shop", inSection("New database"))
	ada.press("New database", inSection("New database"))
	page := ada.where()
	ada.press("Reveal password")
	user, pw, dbName := ada.value("User"), ada.value("Password"), ada.value("Database")
	connect(t, a.maria, user, pw, dbName, true)
	ada.press("Rotate password")
	newPW := ada.value("Password")
	connect(t, a.maria, user, pw, dbName, false)
	connect(t, a.maria, user, newPW, dbName, true)

	ada.open(page)
	if ada.disabled("Delete") {
		t.Fatalf("without JavaScript the Delete button is disabled for good")
	}
	ada.fill("Type shop to confirm", "shop")
	if st := ada.press("Delete"); st != http.StatusOK {
		t.Fatalf("Delete gave %d: %s", st, ada.textQuiet())
	}
	if exists(t, a.maria, dbName) {
		t.Errorf("%s is still on MariaDB after Delete", dbName)
	}
	if ran := eval[bool](ada, `typeof copyText === "function"`); ran {
		t.Errorf("the page's script ran although JavaScript is off")
	}
}

// noScript turns the page's own JavaScript off in the tab, as a person
// does in the browser's settings; the test's scripts still run.
func (tb *tab) noScript() {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	c := chromedp.FromContext(ctx)
	if err := c.Target.Call(ctx, "Emulation.setScriptExecutionDisabled", map[string]any{"value": true}, nil); err != nil {
		tb.fail("turn JavaScript off: %v", err)
	}
}
