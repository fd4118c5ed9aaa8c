package browser_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestOperatorJourney is issue 7's operator journey: the first admin signs
// in with the password `dbplane account set-password` gave it, adds a
// MariaDB host whose user lacks privileges (the page names what is missing
// and shows the GRANT), fixes it on the engine with that GRANT, tests
// again and creates the host; creates a tenant account and a set-password
// link the tenant uses; then suspends the account: the tenant is signed
// out and the engine refuses its database's login, until unsuspended. The
// overview shows every host up once checked; on the databases page the
// operator disables the tenant's database (the tenant's list says so, the
// engine refuses the login), enables it and deletes it. Disabling the
// MariaDB hosts takes MariaDB out of New database while their databases
// keep working, and a host with a database is not deleted.
func TestOperatorJourney(t *testing.T) {
	a := newApp(t)
	adminPW := "the operator's long passphrase"
	a.adminPassword(t, adminPW)
	b := newBrowser(t, a.url, 1280, 900)
	op := b.tab("operator")
	op.signIn(adminEmail, adminPW)

	if st := op.follow("Operator", inSection("Main")); st != http.StatusOK {
		t.Fatalf("the Operator link gave %d", st)
	}
	op.waitText("Overview")

	// A host whose user lacks privileges.
	if st := op.follow("Hosts", inSection("Operator pages")); st != http.StatusOK {
		t.Fatalf("the Hosts link gave %d", st)
	}
	op.waitText("maria-1")
	op.follow("New host")
	lim := a.maria.NewLimitedUser(t)
	fillHost := func() {
		op.fill("Name", "maria-2")
		op.choose("Engine", "MariaDB / MySQL")
		op.fill("Hostname", lim.Host)
		op.fill("Port", strconv.Itoa(lim.Port))
		op.fill("Username", lim.User)
		op.fill("Password", lim.Password)
		op.choose("TLS", "disable")
		op.fill("Engine pool size", "16")
	}
	fillHost()
	op.press("Test connection")
	msg := op.text()
	if !strings.Contains(msg, lim.User) || !namesMissingPrivilege(msg) {
		t.Errorf("the failed test does not name the missing privilege:\n%s", msg)
	}
	grant := strings.TrimSpace(op.copyTarget("Copy", inSection("Connection test")))
	if !strings.HasPrefix(grant, "GRANT ") || !strings.Contains(grant, "'"+lim.User+"'") {
		t.Fatalf("the page shows %q, want the GRANT for %s", grant, lim.User)
	}
	op.copy("Copy", grant, inSection("Connection test"))
	// The password is not sent back: it is typed again.
	if v := op.value("Password"); v != "" {
		t.Errorf("the host form came back with the password filled in")
	}

	// Fixed on the engine with the statement the page gave.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, stmt := range strings.Split(grant, "\n") {
		if _, err := a.maria.AdminDB().ExecContext(ctx, stmt); err != nil {
			t.Fatalf("run the page's %q: %v", stmt, err)
		}
	}
	op.fill("Password", lim.Password)
	op.press("Test connection")
	op.waitText("Connection successful")
	op.fill("Password", lim.Password)
	if st := op.press("Create"); st != http.StatusOK {
		t.Fatalf("Create host gave %d: %s", st, op.textQuiet())
	}
	op.waitText("Host maria-2")
	op.waitText("16 connections") // the engine pool size typed in the form
	op.follow("Hosts", inSection("Operator pages"))
	op.waitText("maria-2")

	// A tenant account, and its first password through a one-time link.
	op.follow("Accounts", inSection("Operator pages"))
	op.fill("Email", "mo@example.com", inSection("New account"))
	op.fill("Name", "Mo", inSection("New account"))
	op.fill("Slots", "2", inSection("New account"))
	if st := op.press("Create", inSection("New account")); st != http.StatusOK {
		t.Fatalf("Create account gave %d: %s", st, op.textQuiet())
	}
	op.open("/admin/accounts")
	op.follow("mo@example.com")
	accountPage := op.where()
	op.press("Create set-password link")
	link := strings.TrimSpace(op.copyTarget("Copy", inSection("Password")))
	u, err := url.Parse(link)
	if err != nil || u.Path != "/set-password" {
		t.Fatalf("the set-password link reads %q", link)
	}

	mo := b.tab("tenant")
	if st := mo.open(u.RequestURI()); st != http.StatusOK {
		t.Fatalf("the set-password link gave %d", st)
	}
	moPW := "mo's own long password"
	mo.fill("New password", moPW)
	mo.fill("Repeat the password", moPW)
	mo.press("Set password")
	mo.signIn("mo@example.com", moPW)

	// The tenant makes a database and reads its password.
	mo.fill("Label", "blog", inSection("New database"))
	mo.choose("Engine", "MariaDB / MySQL", inSection("New database"))
	mo.press("New database", inSection("New database"))
	mo.press("Reveal password")
	user, pw, dbName := mo.value("User"), mo.value("Password"), mo.value("Database")
	connect(t, a.maria, user, pw, dbName, true)

	// Suspend, with a preview of what it changes.
	op.open(accountPage)
	op.waitText("refuses logins to 1 database(s)")
	if st := op.press("Suspend account"); st != http.StatusOK {
		t.Fatalf("Suspend account gave %d: %s", st, op.textQuiet())
	}
	op.waitText("suspended")

	// The tenant is signed out and cannot sign in again; the engine
	// refuses the database's login.
	mo.open("/")
	if p := mo.where(); !strings.HasPrefix(p, "/login") {
		t.Errorf("a suspended tenant still sees %s", p)
	}
	mo.fill("Email", "mo@example.com")
	mo.fill("Password", moPW)
	mo.press("Sign in")
	if p := mo.where(); !strings.HasPrefix(p, "/login") {
		t.Errorf("a suspended tenant signed in again and sees %s", p)
	}
	connect(t, a.maria, user, pw, dbName, false)

	// Unsuspend gives the logins back.
	op.open(accountPage)
	op.press("Unsuspend account")
	connect(t, a.maria, user, pw, dbName, true)
	mo.signIn("mo@example.com", moPW)
	mo.waitText("blog")

	// The overview: both MariaDB hosts up once checked, the database
	// counted.
	op.follow("Overview", inSection("Operator pages"))
	op.press("Check hosts now")
	for _, h := range []string{"maria-1", "maria-2", "pg-1"} {
		op.one(query{Kind: "link", Text: h, Row: h})
		if state := op.cellText(h, 2); !strings.HasPrefix(state, "up") {
			t.Errorf("the overview says host %s is %q, want up", h, state)
		}
	}

	// Every database: the operator finds mo's and disables it; mo's page
	// says so and the engine refuses its login, until enabled again.
	op.follow("Databases", inSection("Operator pages"))
	op.fill("Account email", "mo@example.com", inSection("Filter"))
	op.press("Filter")
	if n := op.count(query{Kind: "button", Text: "Disable blog"}); n != 1 {
		t.Fatalf("the filtered list has %d Disable blog buttons, want 1\n%s", n, op.textQuiet())
	}
	op.press("Disable blog")
	mo.open("/")
	if st := mo.cellText("blog", 3); !strings.HasPrefix(st, "disabled") {
		t.Errorf("mo's list says blog is %q after the operator disabled it", st)
	}
	connect(t, a.maria, user, pw, dbName, false)
	op.press("Enable blog")
	connect(t, a.maria, user, pw, dbName, true)

	// And deletes it, typing its name.
	op.follow("Delete blog")
	op.fill("Type "+dbName+" to confirm", dbName)
	if st := op.press("Delete"); st != http.StatusOK {
		t.Fatalf("the operator's Delete gave %d: %s", st, op.textQuiet())
	}
	if exists(t, a.maria, dbName) {
		t.Errorf("%s is still on MariaDB after the operator deleted it", dbName)
	}
	mo.open("/")
	mo.waitText("No databases yet.")

	// Disabled hosts get no new databases (the engine leaves New
	// database's list) and keep serving theirs; a host with a database is
	// not deleted, and the page links to that database.
	mo.fill("Label", "notes", inSection("New database"))
	mo.choose("Engine", "MariaDB / MySQL", inSection("New database"))
	mo.press("New database", inSection("New database"))
	mo.press("Reveal password")
	user, pw, dbName = mo.value("User"), mo.value("Password"), mo.value("Database")
	op.follow("Databases", inSection("Operator pages"))
	host, _, _ := strings.Cut(op.cellText("notes", 3), " ")
	for _, h := range []string{"maria-1", "maria-2"} {
		op.follow("Hosts", inSection("Operator pages"))
		op.follow(h)
		if st := op.press("Disable"); st != http.StatusOK {
			t.Fatalf("Disable %s gave %d: %s", h, st, op.textQuiet())
		}
		op.waitText("disabled")
	}
	mo.open("/")
	if opts := options(mo, "Engine"); slices.Contains(opts, "MariaDB / MySQL") {
		t.Errorf("with every MariaDB host disabled New database still offers %q", opts)
	}
	connect(t, a.maria, user, pw, dbName, true)

	op.follow("Hosts", inSection("Operator pages"))
	op.follow(host)
	op.press("Delete")
	op.waitText("This host was not deleted")
	if st := op.follow("See the databases on " + host); st != http.StatusOK {
		t.Fatalf("the link to %s's databases gave %d", host, st)
	}
	op.one(query{Kind: "button", Text: "Disable notes"})

	for _, h := range []string{"maria-1", "maria-2"} {
		op.follow("Hosts", inSection("Operator pages"))
		op.follow(h)
		op.press("Enable")
	}
	mo.open("/")
	if opts := options(mo, "Engine"); !slices.Contains(opts, "MariaDB / MySQL") {
		t.Errorf("with the MariaDB hosts enabled again New database offers %q", opts)
	}
}

// options returns the visible texts of the options of the select labelled
// label.
func options(tb *tab, label string) []string {
	tb.t.Helper()
	el := tb.one(query{Kind: "field", Text: label})
	var out []string
	if err := json.Unmarshal([]byte(eval[string](tb, `JSON.stringify([...`+string(el)+`.options].map((o) => o.textContent.trim()))`)), &out); err != nil {
		tb.fail("read the options of %q: %v", label, err)
	}
	return out
}

// cellText returns the text of column col (1-based) of the one table row
// that mentions row.
func (tb *tab) cellText(row string, col int) string {
	tb.t.Helper()
	tr := tb.one(query{Kind: "row", Text: row})
	return eval[string](tb, `(() => {
  const cell = `+string(tr)+`.children[`+strconv.Itoa(col-1)+`];
  return cell ? cell.innerText.replace(/\s+/g, " ").trim() : "";
})()`)
}

// namesMissingPrivilege reports whether text names one of the MariaDB
// privileges dbtest's limited user lacks (it has SELECT, CREATE and DROP).
func namesMissingPrivilege(text string) bool {
	lacks := []string{"INSERT", "UPDATE", "DELETE", "ALTER", "INDEX", "REFERENCES",
		"CREATE TEMPORARY TABLES", "LOCK TABLES", "EXECUTE", "CREATE VIEW", "SHOW VIEW",
		"CREATE ROUTINE", "ALTER ROUTINE", "EVENT", "TRIGGER", "CREATE USER", "PROCESS",
		"CONNECTION ADMIN", "GRANT OPTION"}
	// The GRANT statement names them all; look in the rest of the page.
	var rest []string
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "GRANT ") {
			rest = append(rest, line)
		}
	}
	words := strings.Join(rest, "\n")
	return slices.ContainsFunc(lacks, func(p string) bool { return strings.Contains(words, p) })
}

// TestAdminKeyJourney: the operator mints a read-only admin key on the
// Admin keys page (every resource's read ticked, no write): it is shown
// once, reads /api/admin, is refused a write (403), and once disabled on
// the page is refused altogether (401).
func TestAdminKeyJourney(t *testing.T) {
	a := newApp(t)
	adminPW := "the operator's long passphrase"
	a.adminPassword(t, adminPW)
	b := newBrowser(t, a.url, 1280, 900)
	op := b.tab("operator")
	op.signIn(adminEmail, adminPW)
	op.follow("Operator", inSection("Main"))
	op.follow("Admin keys", inSection("Operator pages"))

	op.fill("Name", "monitoring", inSection("New admin key"))
	for _, perm := range []string{"accounts:read", "database_hosts:read"} {
		if !eval[bool](op, string(op.one(query{Kind: "field", Text: perm}))+".checked") {
			t.Errorf("%s is not ticked by default", perm)
		}
	}
	if st := op.press("Create key", inSection("New admin key")); st != http.StatusOK {
		t.Fatalf("Create key gave %d: %s", st, op.textQuiet())
	}
	key := strings.TrimSpace(op.copyTarget("Copy"))
	if len(key) < 20 {
		t.Fatalf("the new admin key reads %q", key)
	}
	op.copy("Copy", key)

	if st, body := a.call(t, "GET", "/api/admin/accounts", key, nil); st != http.StatusOK {
		t.Errorf("GET /api/admin/accounts with the read-only key = %d %s", st, body)
	}
	if st, body := a.call(t, "POST", "/api/admin/accounts", key, map[string]any{"email": "x@example.com", "name": "x"}); st != http.StatusForbidden {
		t.Errorf("POST /api/admin/accounts with the read-only key = %d %s, want 403", st, body)
	}

	op.open("/admin/keys")
	if html := eval[string](op, `document.documentElement.outerHTML`); strings.Contains(html, key) {
		t.Errorf("the admin keys page shows the key after it was created")
	}
	if st := op.press("Disable monitoring"); st != http.StatusOK {
		t.Fatalf("Disable gave %d: %s", st, op.textQuiet())
	}
	op.one(query{Kind: "button", Text: "Enable monitoring"})
	if st, body := a.call(t, "GET", "/api/admin/accounts", key, nil); st != http.StatusUnauthorized {
		t.Errorf("GET /api/admin/accounts with the disabled key = %d %s, want 401", st, body)
	}
}
