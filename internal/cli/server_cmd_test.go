package cli_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/dbplane/dbplane/internal/dbtest"
)

// TestServerCommands: nodes and servers — create, list, show, update,
// delete — with the exit codes of 404, 409 (a server with a database) and
// 422.
func TestServerCommands(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	owner, _ := in.addTenant(t, "ada@example.com", nil)

	r := in.mustCLI(t, 0, in.adminKey, "node", "create", "fra-1")
	golden(t, "node-create", r.stdout, nil)
	golden(t, "node-list", in.mustCLI(t, 0, in.adminKey, "node", "list").stdout, nil)
	in.mustCLI(t, 0, in.adminKey, "node", "show", "1")

	r = in.mustCLI(t, 0, in.adminKey, "server", "create", "Survival", "--owner", "ada@example.com", "--node", "1", "--database-limit", "2")
	golden(t, "create", r.stdout, nil)
	r = in.mustCLI(t, 0, in.adminKey, "server", "create", "Creative", "--owner", owner, "--node", "1", "-o", "json")
	var creative struct {
		ID            string `json:"id"`
		Identifier    string `json:"identifier"`
		DatabaseLimit *int   `json:"databaseLimit"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &creative); err != nil || creative.DatabaseLimit != nil {
		t.Fatalf("server create -o json = %s (%v), want an unlimited server", r.stdout, err)
	}
	golden(t, "list", in.mustCLI(t, 0, in.adminKey, "server", "list").stdout, identifiers(t, in))
	golden(t, "list.json", in.mustCLI(t, 0, in.adminKey, "server", "list", "-o", "json").stdout, nil)
	r = in.mustCLI(t, 0, in.adminKey, "server", "list", "--page", "2", "--per-page", "1", "-o", "json")
	if !strings.Contains(r.stdout, "Creative") || strings.Contains(r.stdout, "Survival") {
		t.Errorf("server list --page 2 --per-page 1 = %s, want only the second server", r.stdout)
	}

	r = in.mustCLI(t, 0, in.adminKey, "server", "show", creative.Identifier)
	golden(t, "show", r.stdout, nil)
	r = in.mustCLI(t, 0, in.adminKey, "server", "update", "1", "--name", "Survival 2", "--database-limit", "unlimited")
	if !strings.Contains(r.stdout, "Survival 2") || !strings.Contains(r.stdout, "0 of unlimited") {
		t.Errorf("server update = %s", r.stdout)
	}

	// A database on the server: the server cannot go until it is deleted.
	host := in.addHost(t, dbtest.MariaDB(t))
	db := in.mustDo(t, 201, "POST", "/api/application/servers/1/databases", in.adminKey, map[string]any{
		"database": "clisrvdel", "remote": "%", "host": host["numericId"],
	}).json(t)["attributes"].(map[string]any)
	r = in.mustCLI(t, 5, in.adminKey, "server", "delete", "1")
	if !strings.Contains(r.stderr, "1 database") {
		t.Errorf("server delete with a database: stderr %q, want the count", r.stderr)
	}
	in.mustCLI(t, 0, in.adminKey, "database", "delete", fmt.Sprint(db["id"]))
	r = in.mustCLI(t, 0, in.adminKey, "server", "delete", "1")
	golden(t, "delete", r.stdout, nil)

	in.mustCLI(t, 3, in.adminKey, "server", "show", "1")
	in.mustCLI(t, 3, in.adminKey, "server", "delete", "1")
	in.mustCLI(t, 3, in.adminKey, "node", "show", "9")
	in.mustCLI(t, 2, in.adminKey, "server", "create", "x", "--owner", "ada@example.com", "--node", "9")
	in.mustCLI(t, 2, in.adminKey, "server", "create", "x", "--owner", "ada@example.com")
	in.mustCLI(t, 2, in.adminKey, "server", "update", creative.ID, "--database-limit", "-1")
}

// identifiers maps each server's identifier to a placeholder: it is the
// first 8 characters of a random UUID.
func identifiers(t *testing.T, in *instance) map[string]string {
	t.Helper()
	var servers []struct{ Identifier string }
	r := in.mustCLI(t, 0, in.adminKey, "server", "list", "-o", "json")
	if err := json.Unmarshal([]byte(r.stdout), &servers); err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, s := range servers {
		m[s.Identifier] = "<IDENT>"
	}
	return m
}
