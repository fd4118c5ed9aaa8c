package browser_test

import (
	"net/http"
	"testing"
)

// TestServerJourney: Pterodactyl servers in the dashboard. The operator
// creates a node and a server for Ada on the operator pages, and makes Sam
// a subuser with database.read and database.view_password. Ada makes a
// database on the server's page; Sam sees it and reveals the same
// password, but has no Create, Rotate or Delete. Ada rotates it (Sam's
// copy stops working on the engine) and deletes it through the "Delete…"
// disclosure by typing its name.
func TestServerJourney(t *testing.T) {
	a := newApp(t)
	a.tenant(t, "ada@example.com", 5, "ada's long password")
	a.tenant(t, "sam@example.com", 5, "sam's long password")
	adminPW := "the operator's long passphrase"
	a.adminPassword(t, adminPW)

	b := newBrowser(t, a.url, 1280, 900)
	op, ada, sam := b.tab("operator"), b.tab("owner"), b.tab("subuser")
	op.signIn(adminEmail, adminPW)
	ada.signIn("ada@example.com", "ada's long password")
	sam.signIn("sam@example.com", "sam's long password")

	// The operator: a node, a server for Ada, Sam as its subuser.
	op.follow("Operator", inSection("Main"))
	op.follow("Nodes", inSection("Operator pages"))
	op.fill("Name", "fra-1", inSection("New node"))
	if st := op.press("Create", inSection("New node")); st != http.StatusOK {
		t.Fatalf("Create node gave %d: %s", st, op.textQuiet())
	}
	op.follow("Servers", inSection("Operator pages"))
	op.fill("Name", "Survival", inSection("New server"))
	op.fill("Owner", "ada@example.com", inSection("New server"))
	op.choose("Node", "fra-1", inSection("New server"))
	if st := op.press("Create", inSection("New server")); st != http.StatusOK {
		t.Fatalf("Create server gave %d: %s", st, op.textQuiet())
	}
	op.open("/admin/servers")
	op.follow("Survival")
	op.fill("Account email", "sam@example.com", inSection("Subusers"))
	op.tick("database.read")
	op.tick("database.view_password")
	if st := op.press("Save subuser"); st != http.StatusOK {
		t.Fatalf("Save subuser gave %d: %s", st, op.textQuiet())
	}
	if got := op.cellText("sam@example.com", 2); got != "database.read, database.view_password" {
		t.Errorf("the subusers list says sam has %q", got)
	}

	// The owner makes a database on the server's page.
	ada.follow("Servers", inSection("Main"))
	ada.follow("Survival")
	serverPage := ada.where()
	ada.fill("Name", "stats", inSection("New database"))
	ada.fill("Connections from", "%", inSection("New database"))
	ada.choose("Engine", "MariaDB / MySQL", inSection("New database"))
	if st := ada.press("Create", inSection("New database")); st != http.StatusOK {
		t.Fatalf("Create gave %d: %s", st, ada.textQuiet())
	}
	dbName, user, pw := ada.value("Database"), ada.value("User"), ada.value("Password")
	dropAfter(t, a.maria, dbName, user)
	connect(t, a.maria, user, pw, dbName, true)

	// The subuser sees it and reveals the same password, and no more.
	sam.follow("Servers", inSection("Main"))
	sam.waitText("Survival")
	sam.follow("Survival")
	if st := sam.press("Reveal password", inRow(dbName)); st != http.StatusOK {
		t.Fatalf("the subuser's Reveal password gave %d: %s", st, sam.textQuiet())
	}
	if got := sam.value("Password"); got != pw {
		t.Errorf("the subuser sees password %q, the owner %q", got, pw)
	}
	for _, button := range []string{"Create", "Rotate password", "Delete…"} {
		if n := sam.count(query{Kind: "button", Text: button}); n != 0 {
			t.Errorf("the subuser without that permission sees %q", button)
		}
	}

	// The owner rotates: the password the subuser copied stops working.
	ada.open(serverPage)
	if st := ada.press("Rotate password", inRow(dbName)); st != http.StatusOK {
		t.Fatalf("Rotate password gave %d: %s", st, ada.textQuiet())
	}
	newPW := ada.value("Password")
	connect(t, a.maria, user, pw, dbName, false)
	connect(t, a.maria, user, newPW, dbName, true)

	// Delete through the disclosure, by typing the database's name.
	ada.open(serverPage)
	ada.click("Delete…", inRow(dbName))
	if !ada.disabled("Delete", inRow(dbName)) {
		t.Errorf("Delete is enabled before the name is typed")
	}
	ada.fill("Type "+dbName+" to confirm", dbName, inRow(dbName))
	if st := ada.press("Delete", inRow(dbName)); st != http.StatusOK {
		t.Fatalf("Delete gave %d: %s", st, ada.textQuiet())
	}
	if exists(t, a.maria, dbName) {
		t.Errorf("%s is still on the server after Delete", dbName)
	}
	sam.open(serverPage)
	sam.waitText("No databases yet.")
}
