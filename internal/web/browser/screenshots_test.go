package browser_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestScreenshots opens the main pages of both roles with realistic data,
// at 1280 px and at 360 px wide. At 360 px no page may scroll sideways
// (tables scroll in their own box). With DBPLANE_SCREENSHOTS set to a
// directory (docs/screenshots, relative to the repository) it writes the
// pictures docs/dashboard.md shows; unset, it writes nothing, so running
// the tests changes no file.
func TestScreenshots(t *testing.T) {
	a := newApp(t)
	out := screenshotDir(t)

	tenantPW := "ada's long password"
	id := a.tenant(t, "ada@example.com", 5, tenantPW)
	a.api(t, 200, "PATCH", "/api/admin/accounts/"+id, a.adminKey, map[string]any{"storageBytes": 1 << 30})
	adminPW := "the operator's long passphrase"
	a.adminPassword(t, adminPW)

	b := newBrowser(t, a.url, 1280, 900)
	visitor := b.tab("visitor")
	ada := b.tab("tenant")
	op := b.tab("operator")
	for _, tb := range []*tab{visitor, ada, op} {
		tb.viewport(1280, 900)
	}

	// The tenant's data: two databases, a key.
	ada.signIn("ada@example.com", tenantPW)
	for _, d := range []struct{ label, engine string }{{"analytics", "PostgreSQL"}, {"shop", "MariaDB / MySQL"}} {
		ada.fill("Label", d.label, inSection("New database"))
		ada.choose("Engine", d.engine, inSection("New database"))
		ada.press("New database", inSection("New database"))
		ada.open("/")
	}
	ada.follow("shop")
	dbPage := ada.where()
	ada.open("/keys")
	ada.fill("Label", "deploy bot", inSection("Create key"))
	ada.press("Create key")
	a.api(t, 200, "POST", "/api/admin/quota/refresh", a.adminKey, nil)
	op.signIn(adminEmail, adminPW)

	// A Pterodactyl server of Ada's with a database, and an admin key.
	node := a.api(t, http.StatusCreated, "POST", "/api/admin/nodes", a.adminKey, map[string]any{"name": "fra-1"})
	srv := a.api(t, http.StatusCreated, "POST", "/api/admin/servers", a.adminKey, map[string]any{"name": "Survival", "ownerId": id, "nodeId": node["id"]})
	serverPage := "/servers/" + srv["identifier"].(string)
	ada.open(serverPage)
	ada.fill("Name", "stats", inSection("New database"))
	ada.fill("Connections from", "%", inSection("New database"))
	ada.press("Create", inSection("New database"))
	dropAfter(t, a.maria, ada.value("Database"), ada.value("User"))

	type shot struct {
		tb   *tab
		path string
		name string // file name without .png; "" for no picture
	}
	pages := []shot{
		{visitor, "/login", "signin"},
		{ada, "/", "databases"},
		{ada, dbPage, "database"},
		{ada, "/keys", "keys"},
		{ada, "/account", "account"},
		{ada, "/servers", "servers"},
		{ada, serverPage, "server"},
		{op, "/admin", "overview"},
		{op, "/admin/hosts", "hosts"},
		{op, "/admin/databases", "admin-databases"},
		{op, "/admin/accounts", "accounts"},
		{op, "/admin/accounts/" + id, ""},
		{op, "/admin/hosts/new", ""},
		{op, "/admin/servers", ""},
		{op, "/admin/servers/" + srv["id"].(string), ""},
		{op, "/admin/nodes", ""},
		{op, "/admin/keys", ""},
	}
	for _, p := range pages {
		if st := p.tb.open(p.path); st != http.StatusOK {
			t.Errorf("%s: GET %s = %d", p.tb.who, p.path, st)
			continue
		}
		if p.name != "" {
			p.tb.save(out, p.name)
		}
	}

	// A failed host test with the GRANT to copy.
	lim := a.maria.NewLimitedUser(t)
	op.open("/admin/hosts/new")
	op.fill("Name", "maria-2")
	op.choose("Engine", "MariaDB / MySQL")
	op.fill("Hostname", lim.Host)
	op.fill("Port", strconv.Itoa(lim.Port))
	op.fill("Username", lim.User)
	op.fill("Password", lim.Password)
	op.choose("TLS", "disable")
	op.press("Test connection")
	op.waitText("GRANT ")
	op.save(out, "host-test")

	// At 360 px wide nothing scrolls sideways.
	for _, tb := range []*tab{visitor, ada, op} {
		tb.viewport(360, 780)
	}
	for _, p := range pages {
		p.tb.open(p.path)
		p.tb.noSideScroll(360)
	}
	op.noSideScroll(360) // the host test page too
	ada.open("/")
	ada.save(out, "databases-360")
	ada.open(dbPage)
	ada.save(out, "database-360")
}

// viewport makes the tab's page width by height CSS pixels; below 600 px
// it is a phone (mobile viewport rules, touch).
func (tb *tab) viewport(width, height int64) {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	var opts []chromedp.EmulateViewportOption
	if width < 600 {
		opts = append(opts, chromedp.EmulateMobile)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height, opts...)); err != nil {
		tb.fail("set the viewport to %dx%d: %v", width, height, err)
	}
}

// noSideScroll fails when the page is wider than width CSS pixels.
func (tb *tab) noSideScroll(width int) {
	tb.t.Helper()
	if w := eval[int](tb, `document.documentElement.scrollWidth`); w > width {
		wide := eval[string](tb, `(() => {
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.right > document.documentElement.clientWidth + 1 && !el.closest(".scroll")) {
      out.push(el.tagName.toLowerCase() + (el.className ? "." + el.className : "") + " (" + Math.round(r.right) + " px)");
    }
  }
  return out.slice(0, 8).join(", ");
})()`)
		tb.t.Errorf("%s: %s is %d px wide at %d px: it scrolls sideways; too wide: %s", tb.who, tb.where(), w, width, wide)
	}
}

// save writes a full-page PNG of the tab as dir/name.png; with dir empty
// it does nothing.
func (tb *tab) save(dir, name string) {
	tb.t.Helper()
	if dir == "" {
		return
	}
	ctx, cancel := tb.step()
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.fail("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

// screenshotDir returns where DBPLANE_SCREENSHOTS asks for the pictures,
// a relative path being taken from the repository's root, or "".
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("DBPLANE_SCREENSHOTS")
	if dir == "" {
		return ""
	}
	if !filepath.IsAbs(dir) {
		root, err := filepath.Abs(".")
		if err != nil {
			t.Fatal(err)
		}
		for {
			if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
				break
			}
			parent := filepath.Dir(root)
			if parent == root {
				t.Fatalf("DBPLANE_SCREENSHOTS=%s: no go.mod above the test's directory", dir)
			}
			root = parent
		}
		dir = filepath.Join(root, dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("writing screenshots to %s", dir)
	return dir
}
