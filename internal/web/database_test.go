package web_test

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/dbplane/dbplane/internal/dbtest"
)

// dbpText is the text of the element with that id, or "".
func dbpText(p *page, id string) string {
	if n := p.byID(id); n != nil {
		return nodeText(n)
	}
	return ""
}

// dbpCreate makes a database through the dashboard and returns its id.
func dbpCreate(t *testing.T, b *browser, label, engine string) string {
	t.Helper()
	p := b.post("/databases", url.Values{"label": {label}, "engine": {engine}})
	loc := p.header.Get("Location")
	if p.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/databases/") || !strings.HasSuffix(loc, "?m=created") {
		t.Fatalf("create %s = %d %s: %s", label, p.status, loc, p.text())
	}
	return strings.TrimSuffix(strings.TrimPrefix(loc, "/databases/"), "?m=created")
}

// dbpOnEngine reports whether the MariaDB server holds the database and
// the user.
func dbpOnEngine(t *testing.T, srv *dbtest.Server, dbName, user string) (db, usr bool) {
	t.Helper()
	var n int
	if err := srv.AdminDB().QueryRow(`SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?`, dbName).Scan(&n); err != nil {
		t.Fatal(err)
	}
	db = n > 0
	if err := srv.AdminDB().QueryRow(`SELECT COUNT(*) FROM mysql.user WHERE User = ?`, user).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return db, n > 0
}

// dbpClient returns the path of a command-line client, or skips (fails
// with CI=true, where .ci/run installs the clients).
func dbpClient(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed", name)
		}
		t.Skipf("%s is not installed", name)
	}
	return p
}

func TestDatabasePage(t *testing.T) {
	ctx := context.Background()
	a := newApp(t)
	adaID := a.tenant(t, "ada@example.com", 3, "ada's long password")
	a.tenant(t, "bob@example.com", 3, "bob's long password")
	b := a.signIn(t, "ada@example.com", "ada's long password")
	id := dbpCreate(t, b, "shop", "mariadb")
	stored, err := a.srv.Service().RevealDatabase(ctx, adaID, id)
	if err != nil {
		t.Fatal(err)
	}
	d := stored.Database
	oldPw := string(stored.Password)

	// The page after the create: details, no secret.
	p := b.get("/databases/" + id + "?m=created")
	if p.status != http.StatusOK {
		t.Fatalf("GET database page = %d: %s", p.status, p.text())
	}
	checkPage(t, "database", p)
	host, port := a.maria.Addr()
	for _, want := range []string{"shop", "MariaDB / MySQL", "active", "Working normally.", "not measured yet", "Your database is ready"} {
		if !strings.Contains(p.text(), want) {
			t.Errorf("database page lacks %q: %s", want, p.text())
		}
	}
	for elem, want := range map[string]string{"db-host": host, "db-port": strconv.Itoa(port), "db-name": d.DBName, "db-user": d.DBUser} {
		if got := dbpText(p, elem); got != want {
			t.Errorf("#%s = %q, want %q", elem, got, want)
		}
	}
	copies := map[string]bool{}
	for _, btn := range p.all("button") {
		if v, ok := attr(btn, "data-copy"); ok {
			copies[v] = true
		}
	}
	for _, sel := range []string{"#db-host", "#db-port", "#db-name", "#db-user"} {
		if !copies[sel] {
			t.Errorf("no copy button for %s (have %v)", sel, copies)
		}
	}
	for _, label := range []string{"Reveal password", "Rotate password", "Delete"} {
		if !p.hasButton(label) {
			t.Errorf("the database page has no %q button", label)
		}
	}
	var match string
	for _, in := range p.all("input") {
		if v, ok := attr(in, "data-match"); ok {
			match = v
		}
	}
	if match != "shop" {
		t.Errorf("the delete confirmation matches %q, want the label", match)
	}
	if strings.Contains(p.body, oldPw) || strings.Contains(p.body, string(stored.ConnectionString)) || strings.Contains(p.body, "mysql://") {
		t.Error("the database page shows the password or the connection string before reveal")
	}
	if p.byID("snippet-cli") != nil {
		t.Error("the database page shows snippets before reveal")
	}
	// After a quota pass the size says when it was measured.
	if _, err := a.srv.Service().RefreshQuota(ctx); err != nil {
		t.Fatal(err)
	}
	if p := b.get("/databases/" + id); !strings.Contains(p.text(), "measured just now") {
		t.Errorf("after a quota pass the page does not say when the size was measured: %s", p.text())
	}

	// Reveal: the stored password, no-store, and it logs in.
	p = b.post("/databases/"+id+"/reveal", nil)
	if p.status != http.StatusOK {
		t.Fatalf("reveal = %d: %s", p.status, p.text())
	}
	checkPage(t, "database revealed", p)
	if cc := p.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("reveal Cache-Control = %q, want no-store", cc)
	}
	if got := dbpText(p, "db-password"); got != oldPw {
		t.Errorf("revealed password = %q, want the stored one", got)
	}
	if got := dbpText(p, "db-uri"); got != string(stored.ConnectionString) {
		t.Errorf("revealed connection string = %q, want the service's", got)
	}
	for _, sn := range []string{"snippet-uri", "snippet-jdbc", "snippet-cli", "snippet-env", "snippet-node", "snippet-python", "snippet-go", "snippet-php"} {
		if dbpText(p, sn) == "" {
			t.Errorf("revealed page lacks snippet %s", sn)
		}
	}
	if err := a.maria.ConnectAs(ctx, d.DBUser, dbpText(p, "db-password"), d.DBName); err != nil {
		t.Errorf("the revealed password does not log in: %v", err)
	}
	// The mariadb command line as shown, run by a shell.
	if cli := dbpText(p, "snippet-cli"); cli != "" {
		client := dbpClient(t, "mariadb")
		out, err := exec.CommandContext(ctx, "sh", "-c", strings.Replace(cli, "mariadb", client+" --no-defaults", 1)+` --batch --skip-column-names --execute='SELECT CURRENT_USER()'`).CombinedOutput()
		if err != nil || !strings.HasPrefix(strings.TrimSpace(string(out)), d.DBUser+"@") {
			t.Errorf("the mariadb command line does not log in: %v: %s", err, out)
		}
	}

	// Another tenant: 404 for the page and for every action, and nothing
	// changes.
	bob := a.signIn(t, "bob@example.com", "bob's long password")
	if p := bob.get("/databases/" + id); p.status != http.StatusNotFound || strings.Contains(p.body, d.DBName) {
		t.Errorf("foreign GET = %d, want the 404 page without the database", p.status)
	}
	for _, action := range []string{"reveal", "rotate", "delete"} {
		p := bob.post("/databases/"+id+"/"+action, url.Values{"confirm": {"shop"}})
		if p.status != http.StatusNotFound || strings.Contains(p.body, oldPw) || strings.Contains(p.body, d.DBName) {
			t.Errorf("foreign POST %s = %d, want the 404 page", action, p.status)
		}
	}
	if err := a.maria.ConnectAs(ctx, d.DBUser, oldPw, d.DBName); err != nil {
		t.Errorf("a foreign rotate or delete changed the database: %v", err)
	}
	// An id that does not exist reads the same.
	if p := b.get("/databases/01JZZZZZZZZZZZZZZZZZZZZZZZ"); p.status != http.StatusNotFound {
		t.Errorf("unknown id = %d, want 404", p.status)
	}

	// Rotate: the new password once, no-store; the old one is refused.
	p = b.post("/databases/"+id+"/rotate", nil)
	if p.status != http.StatusOK {
		t.Fatalf("rotate = %d: %s", p.status, p.text())
	}
	checkPage(t, "database rotated", p)
	if cc := p.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("rotate Cache-Control = %q, want no-store", cc)
	}
	newPw := dbpText(p, "db-password")
	if newPw == "" || newPw == oldPw {
		t.Fatalf("rotate showed %q, want a new password", newPw)
	}
	if !strings.Contains(p.text(), "old one no longer works") {
		t.Errorf("rotate page does not say the old password is dead: %s", p.text())
	}
	if err := a.maria.ConnectAs(ctx, d.DBUser, oldPw, d.DBName); err == nil {
		t.Error("the old password still logs in after rotate")
	}
	if err := a.maria.ConnectAs(ctx, d.DBUser, newPw, d.DBName); err != nil {
		t.Errorf("the new password does not log in: %v", err)
	}
	if p := b.get("/databases/" + id); strings.Contains(p.body, newPw) {
		t.Error("the page shows the new password on a later GET")
	}

	// Delete with a wrong label: 422, and the database is still there.
	p = b.post("/databases/"+id+"/delete", url.Values{"confirm": {"shop "}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.text(), "to confirm the delete") {
		t.Errorf("delete with a wrong label = %d: %s", p.status, p.text())
	}
	checkPage(t, "database delete refused", p)
	if db, user := dbpOnEngine(t, a.maria, d.DBName, d.DBUser); !db || !user {
		t.Fatalf("a refused delete dropped database %v / user %v", !db, !user)
	}
	if err := a.maria.ConnectAs(ctx, d.DBUser, newPw, d.DBName); err != nil {
		t.Errorf("after a refused delete the password does not log in: %v", err)
	}

	// Delete with the label: gone from the engine and from the list.
	p = b.post("/databases/"+id+"/delete", url.Values{"confirm": {"shop"}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/?m=deleted" {
		t.Fatalf("delete = %d %s: %s", p.status, p.header.Get("Location"), p.text())
	}
	if db, user := dbpOnEngine(t, a.maria, d.DBName, d.DBUser); db || user {
		t.Errorf("after delete the engine still has database %v / user %v", db, user)
	}
	if home := b.get("/?m=deleted"); strings.Contains(home.body, id) || strings.Contains(home.text(), "shop") || !strings.Contains(home.text(), "were dropped") {
		t.Errorf("the list after delete shows the database, or no note that it was dropped: %s", home.text())
	}
	if p := b.get("/databases/" + id); p.status != http.StatusNotFound {
		t.Errorf("GET of a deleted database = %d, want 404", p.status)
	}

	for _, pw := range []string{oldPw, newPw} {
		if strings.Contains(a.logs.String(), pw) {
			t.Error("a database password is in the server log")
		}
	}
}

// TestDatabasePage_Mongo reveals a MongoDB database (FerretDB in tests):
// the connection string carries authSource, and there is no JDBC URL.
func TestDatabasePage_Mongo(t *testing.T) {
	ctx := context.Background()
	mongo := dbtest.Mongo(t)
	a := newApp(t)
	a.addHost(t, "mongo-1", mongo)
	adaID := a.tenant(t, "ada@example.com", 3, "ada's long password")
	b := a.signIn(t, "ada@example.com", "ada's long password")
	id := dbpCreate(t, b, "events", "mongo")
	stored, err := a.srv.Service().RevealDatabase(ctx, adaID, id)
	if err != nil {
		t.Fatal(err)
	}
	d := stored.Database

	p := b.get("/databases/" + id)
	checkPage(t, "mongo database", p)
	if !strings.Contains(p.text(), "MongoDB") || strings.Contains(p.body, string(stored.Password)) || strings.Contains(p.body, "mongodb://") {
		t.Errorf("mongo page before reveal: %s", p.text())
	}
	p = b.post("/databases/"+id+"/reveal", nil)
	if p.status != http.StatusOK || p.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("reveal = %d %q", p.status, p.header.Get("Cache-Control"))
	}
	checkPage(t, "mongo database revealed", p)
	pw := dbpText(p, "db-password")
	if pw != string(stored.Password) {
		t.Fatalf("revealed %q, want the stored password", pw)
	}
	if err := mongo.ConnectAs(ctx, d.DBUser, pw, d.DBName); err != nil {
		t.Errorf("the revealed password does not log in: %v", err)
	}
	uri := dbpText(p, "snippet-uri")
	if uri != string(stored.ConnectionString) || !strings.HasSuffix(uri, "?authSource="+d.DBName) {
		t.Errorf("mongo URI snippet = %q, want the service's, with authSource", uri)
	}
	if p.byID("snippet-jdbc") != nil || !strings.HasPrefix(dbpText(p, "snippet-cli"), "mongosh ") {
		t.Errorf("mongo snippets: jdbc %v, cli %q", p.byID("snippet-jdbc") != nil, dbpText(p, "snippet-cli"))
	}
}

// TestDatabasePage_Postgres reveals a PostgreSQL database and runs the
// psql command line the page shows.
func TestDatabasePage_Postgres(t *testing.T) {
	ctx := context.Background()
	pg := dbtest.Postgres(t)
	a := newApp(t)
	a.addHost(t, "pg-1", pg)
	adaID := a.tenant(t, "ada@example.com", 3, "ada's long password")
	b := a.signIn(t, "ada@example.com", "ada's long password")
	id := dbpCreate(t, b, "analytics", "postgres")

	p := b.get("/databases/" + id)
	checkPage(t, "postgres database", p)
	if !strings.Contains(p.text(), "PostgreSQL") {
		t.Errorf("postgres page: %s", p.text())
	}
	stored, err := a.srv.Service().RevealDatabase(ctx, adaID, id)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(p.body, string(stored.Password)) || strings.Contains(p.body, "postgresql://") {
		t.Error("the postgres page shows a secret before reveal")
	}

	p = b.post("/databases/"+id+"/reveal", nil)
	if p.status != http.StatusOK || p.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("reveal = %d %q", p.status, p.header.Get("Cache-Control"))
	}
	d := stored.Database
	pw := dbpText(p, "db-password")
	if pw != string(stored.Password) {
		t.Fatalf("revealed %q, want the stored password", pw)
	}
	if err := pg.ConnectAs(ctx, d.DBUser, pw, d.DBName); err != nil {
		t.Errorf("the revealed password does not log in: %v", err)
	}
	cli := dbpText(p, "snippet-cli")
	if !strings.HasPrefix(cli, "psql ") || dbpText(p, "snippet-jdbc") == "" {
		t.Fatalf("psql snippet = %q", cli)
	}
	client := dbpClient(t, "psql")
	cmd := exec.CommandContext(ctx, "sh", "-c", strings.Replace(cli, "psql", client, 1)+` -XtAc 'SELECT current_user'`)
	cmd.Env = append(os.Environ(), "PGCONNECT_TIMEOUT=10")
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != d.DBUser {
		t.Errorf("the psql command line does not log in: %v: %s", err, out)
	}
}

// TestDatabasePage_HostDown: rotate and delete while the host cannot be
// reached say so plainly, without the driver's text; the delete is
// finished once the host is back.
func TestDatabasePage_HostDown(t *testing.T) {
	ctx := context.Background()
	a := newApp(t)
	proxy := startProxy(t, a.maria)
	ph, pp, _ := net.SplitHostPort(proxy.addr)
	port, _ := strconv.Atoi(pp)
	a.addHostAt(t, "maria-proxied", a.maria, ph, port)
	// New databases go to the proxied host only.
	hosts, err := a.srv.Service().ListHosts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hosts {
		if h.Name == "maria-1" {
			a.api(t, 200, "PATCH", "/api/admin/database-hosts/"+h.ID, a.adminKey, map[string]any{"enabled": false})
		}
	}
	adaID := a.tenant(t, "ada@example.com", 3, "ada's long password")
	b := a.signIn(t, "ada@example.com", "ada's long password")
	// One database to rotate and one to delete while the host is down: a
	// rotate whose reply is lost keeps its change pending, which holds
	// back the next change of that database until the reconciler settles
	// it.
	id := dbpCreate(t, b, "shop", "mariadb")
	rotID := dbpCreate(t, b, "blog", "mariadb")
	stored, err := a.srv.Service().RevealDatabase(ctx, adaID, id)
	if err != nil {
		t.Fatal(err)
	}
	d := stored.Database
	if p := b.get("/databases/" + id); dbpText(p, "db-port") != pp {
		t.Fatalf("the database is not on the proxied host: port %q", dbpText(p, "db-port"))
	}

	proxy.stop()
	driverText := []string{"dial tcp", "connection refused", "invalid connection", "driver", "mysql:", "127.0.0.1:" + pp}
	p := b.post("/databases/"+rotID+"/rotate", nil)
	if p.status != http.StatusServiceUnavailable || !strings.Contains(p.text(), "The database host cannot be reached") {
		t.Errorf("rotate with the host down = %d: %s", p.status, p.text())
	}
	checkPage(t, "rotate with the host down", p)
	for _, s := range driverText {
		if strings.Contains(p.text(), s) {
			t.Errorf("rotate error page shows driver text %q: %s", s, p.text())
		}
	}

	p = b.post("/databases/"+id+"/delete", url.Values{"confirm": {"shop"}})
	if p.status != http.StatusServiceUnavailable || !strings.Contains(p.text(), "finishes as soon as the host answers") {
		t.Errorf("delete with the host down = %d: %s", p.status, p.text())
	}
	for _, s := range driverText {
		if strings.Contains(p.text(), s) {
			t.Errorf("delete error page shows driver text %q", s)
		}
	}
	if p := b.get("/databases/" + id); p.status != http.StatusOK || !strings.Contains(p.text(), "being deleted") {
		t.Errorf("page of a database whose delete waits = %d: %s", p.status, p.text())
	}

	// The host comes back: the recorded drop finishes.
	proxy.start()
	if err := a.srv.Service().Reconcile(ctx, 0); err != nil {
		t.Fatalf("Reconcile: %v", err)
	}
	if db, user := dbpOnEngine(t, a.maria, d.DBName, d.DBUser); db || user {
		t.Errorf("after the host came back the engine still has database %v / user %v", db, user)
	}
	if p := b.get("/databases/" + id); p.status != http.StatusNotFound {
		t.Errorf("GET after the drop finished = %d, want 404", p.status)
	}
	// The rotate is settled too: the stored password is the one that logs in.
	rot, err := a.srv.Service().RevealDatabase(ctx, adaID, rotID)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.maria.ConnectAs(ctx, rot.Database.DBUser, string(rot.Password), rot.Database.DBName); err != nil {
		t.Errorf("after the host came back the stored password does not log in: %v", err)
	}
	if strings.Contains(a.logs.String(), string(stored.Password)) || strings.Contains(a.logs.String(), string(rot.Password)) {
		t.Error("the password is in the server log")
	}
}
