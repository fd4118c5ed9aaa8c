package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/dbtest"
)

// TestAdminDatabases filters every database by account, host, engine and
// status on real MariaDB and PostgreSQL hosts, disables and enables one
// (the engine refuses, then accepts its login), deletes one after typing
// its name (gone from the engine), and runs a quota pass.
func TestAdminDatabases(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	svc := a.srv.Service()
	op, _ := a.admOperator(t)
	pg := dbtest.Postgres(t)
	pgHost := a.addHost(t, "pg-1", pg)
	maria := a.mariaID
	ada := a.tenant(t, "ada@example.com", nil, "ada's long password")
	bob := a.tenant(t, "bob@example.com", nil, "bob's long password")
	mk := func(account, label, engine string) *dbplane.Credentials {
		t.Helper()
		cr, err := svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: account, Label: label, Engine: engine})
		if err != nil {
			t.Fatal(err)
		}
		return cr
	}
	app := mk(ada, "app", "mariadb")
	pgapp := mk(ada, "pgapp", "postgres")
	bobdb := mk(bob, "bobdb", "mariadb")

	all := op.get("/admin/databases")
	admStatus(t, "GET /admin/databases", all, http.StatusOK)
	checkPage(t, "admin-databases", all)
	if !strings.Contains(all.text(), "3 database(s)") || !all.hasButton("Run quota pass now") {
		t.Errorf("the list = %s", all.text())
	}
	admNoSecret(t, "databases list", all, string(app.Password), string(pgapp.Password), pg.AdminConfig().Password)
	filters := []struct {
		query string
		want  []string
	}{
		{"engine=postgres", []string{pgapp.Database.DBName}},
		{"engine=mariadb", []string{app.Database.DBName, bobdb.Database.DBName}},
		{"account=" + bob, []string{bobdb.Database.DBName}},
		{"email=bob%40example.com", []string{bobdb.Database.DBName}},
		{"email=&engine=postgres", []string{pgapp.Database.DBName}},
		{"email=ada%40example.com&account=" + bob, []string{app.Database.DBName, pgapp.Database.DBName}},
		{"host=" + pgHost, []string{pgapp.Database.DBName}},
		{"host=" + maria + "&account=" + ada, []string{app.Database.DBName}},
		{"status=active", []string{app.Database.DBName, pgapp.Database.DBName, bobdb.Database.DBName}},
		{"status=creating", nil},
	}
	for _, f := range filters {
		p := op.get("/admin/databases?" + f.query)
		admStatus(t, f.query, p, http.StatusOK)
		for _, d := range []*dbplane.Credentials{app, pgapp, bobdb} {
			want := false
			for _, w := range f.want {
				want = want || w == d.Database.DBName
			}
			if got := strings.Contains(p.text(), d.Database.DBName); got != want {
				t.Errorf("?%s lists %s: %v, want %v", f.query, d.Database.DBName, got, want)
			}
		}
	}

	// The filter's account is typed by email; a link's id shows as its
	// email; an email of no account (whole, in its case) is refused
	// beside the field and lists nothing.
	if v, _ := attr(op.get("/admin/databases?account="+bob).byID("f-account"), "value"); v != "bob@example.com" {
		t.Errorf("?account=bob fills the account input with %q", v)
	}
	for _, email := range []string{"nobody@example.com", "Bob@example.com", "bob"} {
		p := op.get("/admin/databases?email=" + url.QueryEscape(email))
		admStatus(t, "filter by "+email, p, http.StatusUnprocessableEntity)
		if !strings.Contains(p.text(), "No account has the email "+email) || !strings.Contains(p.text(), "0 database(s)") || strings.Contains(p.text(), bobdb.Database.DBName) {
			t.Errorf("?email=%s = %s", email, p.text())
		}
		if v, _ := attr(p.byID("f-account"), "value"); v != email {
			t.Errorf("?email=%s: the input holds %q", email, v)
		}
	}

	// Disable from the filtered list: the engine refuses the login, and the
	// page comes back to the same filter.
	login := func(cr *dbplane.Credentials) error {
		return a.maria.ConnectAs(ctx, cr.Database.DBUser, string(cr.Password), cr.Database.DBName)
	}
	q := "account=" + ada
	p := op.post("/admin/databases/"+app.Database.ID+"/disable", admForm("q", q))
	admStatus(t, "Disable", p, http.StatusSeeOther)
	if loc, _ := url.Parse(p.header.Get("Location")); loc.Query().Get("account") != ada {
		t.Errorf("after Disable the list lost its filter: %s", p.header.Get("Location"))
	}
	if err := login(app); err == nil {
		t.Error("the engine accepts a disabled database's login")
	}
	if p := op.get("/admin/databases?status=disabled"); !strings.Contains(p.text(), app.Database.DBName) || !strings.Contains(p.text(), "disabled by an operator") {
		t.Errorf("the disabled filter = %s", p.text())
	}
	admStatus(t, "Enable", op.post("/admin/databases/"+app.Database.ID+"/enable", admForm("q", q)), http.StatusSeeOther)
	if err := login(app); err != nil {
		t.Errorf("the login is not restored by Enable: %v", err)
	}

	// Delete asks for the name, checked on the server.
	conf := op.get("/admin/databases/" + bobdb.Database.ID + "/delete")
	admStatus(t, "GET delete", conf, http.StatusOK)
	checkPage(t, "admin-database-delete", conf)
	if !conf.hasButton("Delete") || !strings.Contains(conf.text(), "bob@example.com") {
		t.Errorf("the delete page = %s", conf.text())
	}
	admStatus(t, "Delete without the name", op.post("/admin/databases/"+bobdb.Database.ID+"/delete", admForm("confirm", "bobdb")), http.StatusUnprocessableEntity)
	if err := login(bobdb); err != nil {
		t.Fatalf("a refused delete dropped the database: %v", err)
	}
	admStatus(t, "Delete", op.post("/admin/databases/"+bobdb.Database.ID+"/delete", admForm("confirm", bobdb.Database.DBName)), http.StatusSeeOther)
	if err := login(bobdb); err == nil {
		t.Error("the deleted database's login still works on the engine")
	}
	if strings.Contains(op.get("/admin/databases").text(), bobdb.Database.DBName) {
		t.Error("the deleted database is still listed")
	}

	// The quota pass measures both hosts and says so.
	p = op.post("/admin/databases/quota-pass", admForm("q", "engine=postgres"))
	admStatus(t, "Run quota pass now", p, http.StatusOK)
	checkPage(t, "admin-databases with report", p)
	for _, want := range []string{"2 host(s) measured", "maria-1", "pg-1"} {
		if !strings.Contains(p.text(), want) {
			t.Errorf("the quota report does not say %q: %s", want, p.text())
		}
	}
	if d, _ := svc.Database(ctx, app.Database.ID); d.SizeRefreshedAt == nil {
		t.Error("the quota pass measured nothing")
	}

	for _, path := range []string{"/admin/databases/no-such-db/disable", "/admin/databases/no-such-db/delete"} {
		admStatus(t, "POST "+path, op.post(path, admForm("confirm", "x")), http.StatusNotFound)
	}
	admStatus(t, "GET unknown delete", op.get("/admin/databases/no-such-db/delete"), http.StatusNotFound)
}

// TestAdminDatabasesPaginate keeps the filter on the page links.
func TestAdminDatabasesPaginate(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	op, _ := a.admOperator(t)
	ada := a.tenant(t, "ada@example.com", nil, "ada's long password")
	for i := range 52 {
		if _, err := a.srv.Service().CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: ada, Label: fmt.Sprintf("db%02d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	p := op.get("/admin/databases?engine=mariadb")
	if !strings.Contains(p.text(), "Page 1 of 2") {
		t.Fatalf("page 1 = %s", p.text())
	}
	var next string
	for _, l := range p.all("a") {
		if rel, _ := attr(l, "rel"); rel == "next" {
			next, _ = attr(l, "href")
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Query().Get("engine") != "mariadb" || u.Query().Get("page") != "2" {
		t.Fatalf("the next link %q loses the filter", next)
	}
	p = op.get(next)
	if !strings.Contains(p.text(), "Page 2 of 2") || !strings.Contains(p.text(), "db51") || strings.Contains(p.text(), "db00") {
		t.Errorf("page 2 = %s", p.text())
	}
	if p := op.get("/admin/databases?page=99"); !strings.Contains(p.text(), "Page 2 of 2") {
		t.Errorf("a page past the end = %s", p.text())
	}
}
