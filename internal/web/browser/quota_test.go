package browser_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestQuotaJourney: a tenant with one slot and 100 kB of storage. After one
// database, New database is disabled and the page says why. Filled past
// the quota and measured, the page shows the over-quota banner (with the
// operator's get-more link), the engine refuses writes and still serves
// reads, and the operator's overview lists the account. Dropping the
// table gives writes back after the next measurement; deleting the
// database frees the slot.
func TestQuotaJourney(t *testing.T) {
	a := newApp(t, func(o *appOptions) {
		o.upgradeURL, o.upgradeText = "https://shop.example.com/storage", "Buy more storage"
	})
	id := a.tenant(t, "ada@example.com", 1, "ada's long password")
	a.api(t, 200, "PATCH", "/api/admin/accounts/"+id, a.adminKey, map[string]any{"storageBytes": 100000})
	b := newBrowser(t, a.url, 1280, 900)
	ada := b.tab("tenant")
	ada.signIn("ada@example.com", "ada's long password")

	ada.fill("Label", "big", inSection("New database"))
	ada.choose("Engine", "MariaDB / MySQL", inSection("New database"))
	ada.press("New database", inSection("New database"))
	ada.press("Reveal password")
	user, pw, dbName := ada.value("User"), ada.value("Password"), ada.value("Database")

	// No slot left: the button is disabled and the page says why.
	ada.open("/")
	if !ada.disabled("New database", inSection("New database")) {
		t.Errorf("New database is enabled with no slot left")
	}
	ada.waitText("You cannot create a database now")

	// Past the quota and measured: the banner, and writes refused.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, stmt := range []string{
		"CREATE TABLE blobs (b LONGBLOB)",
		"INSERT INTO blobs VALUES (REPEAT('x', 2000000))",
	} {
		if err := a.maria.ExecAs(ctx, user, pw, dbName, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	a.api(t, 200, "POST", "/api/admin/quota/refresh", a.adminKey, nil)
	ada.open("/")
	ada.waitText("You are over your storage quota.")
	if h := ada.href("Buy more storage", inSection("New database")); h != "https://shop.example.com/storage" {
		t.Errorf("the get-more link goes to %q", h)
	}
	if err := a.maria.ExecAs(ctx, user, pw, dbName, "INSERT INTO blobs VALUES ('y')"); err == nil {
		t.Errorf("the engine still takes writes over the quota")
	}
	if err := a.maria.ExecAs(ctx, user, pw, dbName, "SELECT COUNT(*) FROM blobs"); err != nil {
		t.Errorf("the engine refuses reads over the quota: %v", err)
	}

	// The operator's overview lists the account over quota.
	a.adminPassword(t, "the operator's long passphrase")
	op := b.tab("operator")
	op.signIn(adminEmail, "the operator's long passphrase")
	op.follow("Operator", inSection("Main"))
	if n := op.count(query{Kind: "link", Text: "ada@example.com", Section: "Accounts over quota"}); n != 1 {
		t.Errorf("the overview's Accounts over quota does not list ada:\n%s", op.textQuiet())
	}

	// Freeing space gives writes back after the next measurement.
	if err := a.maria.ExecAs(ctx, user, pw, dbName, "DROP TABLE blobs"); err != nil {
		t.Fatalf("DROP TABLE over the quota: %v", err)
	}
	a.api(t, 200, "POST", "/api/admin/quota/refresh", a.adminKey, nil)
	ada.open("/")
	if strings.Contains(ada.text(), "You are over your storage quota.") {
		t.Errorf("the banner stays after the space was freed and measured")
	}
	if err := a.maria.ExecAs(ctx, user, pw, dbName, "CREATE TABLE small (n INT)"); err != nil {
		t.Errorf("the engine still refuses writes after the space was freed and measured: %v", err)
	}

	// Deleting the database frees the slot.
	ada.open("/")
	ada.follow("big")
	ada.fill("Type big to confirm", "big")
	if st := ada.press("Delete"); st != http.StatusOK {
		t.Fatalf("Delete gave %d: %s", st, ada.textQuiet())
	}
	ada.open("/")
	if ada.disabled("New database", inSection("New database")) {
		t.Errorf("New database is still disabled after the only database was deleted:\n%s", ada.textQuiet())
	}
}
