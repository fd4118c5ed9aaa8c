package browser_test

import (
	"net/http"
	"testing"
)

// TestServerJourney: Pterodactyl servers in the dashboard. Ada owns a
// server and makes a database on its page; Sam, a subuser with
// database.read and database.view_password, sees it and reveals the same
// password, but has no Create, Rotate or Delete. Ada rotates it (Sam's
// copy stops working on the engine) and deletes it through the "Delete…"
// disclosure by typing its name.
func TestServerJourney(t *testing.T) {
	a := newApp(t)
	adaID := a.tenant(t, "ada@example.com", 5, "ada's long password")
	samID := a.tenant(t, "sam@example.com", 5, "sam's long password")
	node := a.api(t, http.StatusCreated, "POST", "/api/admin/nodes", a.adminKey, map[string]any{"name": "fra-1"})
	srv := a.api(t, http.StatusCreated, "POST", "/api/admin/servers", a.adminKey, map[string]any{"name": "Survival", "ownerId": adaID, "nodeId": node["id"]})
	a.api(t, http.StatusOK, "PUT", "/api/admin/servers/"+srv["id"].(string)+"/subusers/"+samID, a.adminKey,
		map[string]any{"permissions": []string{"database.read", "database.view_password"}})

	b := newBrowser(t, a.url, 1280, 900)
	ada, sam := b.tab("owner"), b.tab("subuser")
	ada.signIn("ada@example.com", "ada's long password")
	sam.signIn("sam@example.com", "sam's long password")

	// The owner makes a database on the server's page.
	ada.follow("Servers", inSection("Main"))
	ada.follow("Survival")
	ada.fill("Name", "stats", inSection("New database"))
	ada.fill("Connections from", "%", inSection("New database"))
	ada.choose("Engine", "MariaDB / MySQL", inSection("New database"))
	if st := ada.press("Create", inSection("New database")); st != http.StatusOK {
		t.Fatalf("Create gave %d: %s", st, ada.textQuiet())
	}
	dbName, user, pw := ada.value("Database"), ada.value("User"), ada.value("Password")
	connect(t, a.maria, user, pw, dbName, true)
	// The answer to the POST shows the password and is not a page to go
	// back to: the server's page is.
	serverPage := "/servers/" + srv["identifier"].(string)

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
