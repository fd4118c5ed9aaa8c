package browser_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dbplane/dbplane/internal/dbtest"
)

// TestTenantJourney is issue 7's tenant journey, on MariaDB and on
// PostgreSQL: sign in, New database, open it, Reveal password, Copy,
// Rotate password (the engine refuses the old password and takes the
// new), then delete it by typing its label (gone from the engine). On
// MariaDB it also makes an API key, uses it on /api/v1/db, disables it
// on the page and sees the API refuse it.
func TestTenantJourney(t *testing.T) {
	for _, tc := range []struct {
		engine, option string
		keys           bool
	}{
		{engine: "mariadb", option: "MariaDB / MySQL", keys: true},
		{engine: "postgres", option: "PostgreSQL"},
	} {
		t.Run(tc.engine, func(t *testing.T) {
			a := newApp(t)
			srv := a.maria
			if tc.engine == "postgres" {
				srv = a.pg
			}
			a.tenant(t, "ten@example.com", 5, "tenant's long password")
			b := newBrowser(t, a.url, 1280, 900)
			ten := b.tab("tenant")
			ten.signIn("ten@example.com", "tenant's long password")

			// New database.
			ten.fill("Label", "shop", inSection("New database"))
			ten.choose("Engine", tc.option, inSection("New database"))
			if st := ten.press("New database", inSection("New database")); st != http.StatusOK {
				t.Fatalf("New database gave %d: %s", st, ten.textQuiet())
			}

			// Open it from the list.
			if st := ten.follow("Databases", inSection("Main")); st != http.StatusOK {
				t.Fatalf("the Databases link gave %d", st)
			}
			ten.waitText("shop")
			if st := ten.follow("shop"); st != http.StatusOK {
				t.Fatalf("opening shop gave %d", st)
			}
			page := ten.where()
			user, dbName := ten.value("User"), ten.value("Database")
			if user == "" || dbName == "" {
				t.Fatalf("the database page shows user %q and database %q", user, dbName)
			}

			// Reveal password: a POST whose page is not cached.
			res := ten.pressResponse("Reveal password")
			if res.status != http.StatusOK || !strings.Contains(res.header.Get("Cache-Control"), "no-store") {
				t.Errorf("Reveal password = %d, Cache-Control %q; want 200 and no-store", res.status, res.header.Get("Cache-Control"))
			}
			pw := ten.value("Password")
			if len(pw) < 16 {
				t.Fatalf("the revealed password is %q", pw)
			}
			connect(t, srv, user, pw, dbName, true)

			// Copy.
			ten.copy("Copy password", pw)

			// The password is not in the page until asked for again.
			ten.open(page)
			if html := eval[string](ten, `document.documentElement.outerHTML`); strings.Contains(html, pw) {
				t.Errorf("the database page shows the password before Reveal password")
			}

			// Rotate password: the old one stops working at once.
			if st := ten.press("Rotate password"); st != http.StatusOK {
				t.Fatalf("Rotate password gave %d: %s", st, ten.textQuiet())
			}
			newPW := ten.value("Password")
			if newPW == "" || newPW == pw {
				t.Fatalf("after Rotate password the page shows %q (old %q)", newPW, pw)
			}
			connect(t, srv, user, pw, dbName, false)
			connect(t, srv, user, newPW, dbName, true)

			if tc.keys {
				keyJourney(t, a, ten)
				ten.open(page)
			}

			// Delete by typing the label; the button waits for it.
			if !ten.disabled("Delete") {
				t.Errorf("Delete is enabled before the label is typed")
			}
			// The server checks the label too: with the button forced on
			// (as without JavaScript), a wrong label deletes nothing.
			ten.fill("Type shop to confirm", "Shop")
			eval[bool](ten, string(ten.one(query{Kind: "button", Text: "Delete"}))+`.removeAttribute("disabled") || true`)
			if st := ten.press("Delete"); st == http.StatusOK || st == http.StatusSeeOther {
				t.Errorf("Delete with the label typed wrong gave %d", st)
			}
			if !exists(t, srv, dbName) {
				t.Fatalf("Delete with the label typed wrong dropped the database")
			}
			ten.open(page)
			ten.fill("Type shop to confirm", "shop")
			if st := ten.press("Delete"); st != http.StatusOK {
				t.Fatalf("Delete gave %d: %s", st, ten.textQuiet())
			}
			if p := ten.where(); p == page {
				t.Errorf("still on the database page after Delete")
			}
			ten.open("/")
			if ten.count(query{Kind: "link", Text: "shop"}) != 0 {
				t.Errorf("shop is still listed after Delete")
			}
			connect(t, srv, user, newPW, dbName, false)
			if exists(t, srv, dbName) {
				t.Errorf("database %s is still on the %s server after Delete", dbName, tc.engine)
			}
			if st := ten.open(page); st != http.StatusNotFound {
				t.Errorf("the deleted database's page gave %d, want 404", st)
			}
		})
	}
}

// keyJourney creates an API key on the keys page, uses it on the
// management API, disables it on the page and sees the API refuse it.
func keyJourney(t *testing.T, a *app, ten *tab) {
	t.Helper()
	if st := ten.follow("API keys", inSection("Main")); st != http.StatusOK {
		t.Fatalf("the API keys link gave %d", st)
	}
	ten.fill("Label", "deploy bot", inSection("Create key"))
	if st := ten.press("Create key"); st != http.StatusOK {
		t.Fatalf("Create key gave %d: %s", st, ten.textQuiet())
	}
	key := strings.TrimSpace(ten.copyTarget("Copy", inSection("Key “deploy bot” created")))
	if len(key) < 20 {
		t.Fatalf("the new key reads %q", key)
	}
	ten.copy("Copy", key, inSection("Key “deploy bot” created"))

	status, body := a.call(t, "GET", "/api/v1/db/databases", key, nil)
	if status != http.StatusOK {
		t.Fatalf("GET /api/v1/db/databases with the new key = %d %s", status, body)
	}
	var list struct {
		Data struct {
			Databases []struct {
				Name string `json:"name"`
			} `json:"databases"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &list); err != nil || len(list.Data.Databases) != 1 || list.Data.Databases[0].Name != "shop" {
		t.Errorf("GET /api/v1/db/databases = %s (%v), want shop in it", body, err)
	}

	// The key no longer shows on the page, and the list is its row.
	ten.open("/keys")
	if html := eval[string](ten, `document.documentElement.outerHTML`); strings.Contains(html, key) {
		t.Errorf("the keys page shows the key after it was created")
	}
	if st := ten.press("Disable", inRow("deploy bot")); st != http.StatusOK {
		t.Fatalf("Disable gave %d: %s", st, ten.textQuiet())
	}
	ten.one(query{Kind: "button", Text: "Enable", Row: "deploy bot"})
	if status, body := a.call(t, "GET", "/api/v1/db/databases", key, nil); status != http.StatusUnauthorized {
		t.Errorf("GET /api/v1/db/databases with the disabled key = %d %s, want 401", status, body)
	}
}

// connect logs in to database on srv as user and fails the test unless
// the result is as wanted.
func connect(t *testing.T, srv *dbtest.Server, user, password, database string, want bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := srv.ConnectAs(ctx, user, password, database)
	switch {
	case want && err != nil:
		t.Errorf("%s refuses %s's current password: %v", srv.Engine(), user, err)
	case !want && err == nil:
		t.Errorf("%s still takes %s's old password", srv.Engine(), user)
	}
}

// dropAfter drops MariaDB database name and its user (made for host '%')
// from srv when the test ends, if they are still there. The engines are
// shared by every test of the binary, and a server database's name
// (s<server>_<name>) repeats across fresh data dirs; MariaDB keeps a
// dropped database's grants, which would make the next one refuse it.
func dropAfter(t *testing.T, srv *dbtest.Server, name, user string) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		for _, stmt := range []string{"DROP DATABASE IF EXISTS `" + name + "`", "DROP USER IF EXISTS '" + user + "'@'%'"} {
			if _, err := srv.AdminDB().ExecContext(ctx, stmt); err != nil {
				t.Errorf("%s: %v", stmt, err)
			}
		}
	})
}

// exists reports whether the server has a database named name.
func exists(t *testing.T, srv *dbtest.Server, name string) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	q := "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?"
	if srv.Engine() == "postgres" {
		q = "SELECT COUNT(*) FROM pg_database WHERE datname = $1"
	}
	var n int
	if err := srv.AdminDB().QueryRowContext(ctx, q, name).Scan(&n); err != nil {
		t.Fatalf("look for database %s: %v", name, err)
	}
	return n > 0
}
