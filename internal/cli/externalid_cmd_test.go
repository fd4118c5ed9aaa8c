package cli_test

import (
	"strings"
	"testing"
)

// TestExternalIDCommands: --external-id on account and server create and
// update, shown by show, unique per kind (409: exit 5), removed with "";
// the Pterodactyl application API then finds the account and the server
// by it, on a real store.
func TestExternalIDCommands(t *testing.T) {
	t.Parallel()
	in := startInstance(t)

	r := in.mustCLI(t, 0, in.adminKey, "account", "create", "ada@example.com", "--name", "Ada", "--external-id", "whmcs-7")
	if !strings.Contains(r.stdout, "whmcs-7") {
		t.Errorf("account create --external-id: stdout %q, want the external id", r.stdout)
	}
	golden(t, "account-show", in.mustCLI(t, 0, in.adminKey, "account", "show", "ada@example.com").stdout, nil)
	r = in.mustCLI(t, 5, in.adminKey, "account", "create", "bob@example.com", "--external-id", "whmcs-7")
	if !strings.Contains(r.stderr, "externalId") {
		t.Errorf("account create with a taken external id: stderr %q, want it named", r.stderr)
	}
	in.mustCLI(t, 2, in.adminKey, "account", "create", "bob@example.com", "--external-id", strings.Repeat("x", 192))
	in.mustCLI(t, 0, in.adminKey, "account", "create", "bob@example.com")
	in.mustCLI(t, 5, in.adminKey, "account", "update", "bob@example.com", "--external-id", "whmcs-7")

	in.mustCLI(t, 0, in.adminKey, "node", "create", "fra-1")
	r = in.mustCLI(t, 0, in.adminKey, "server", "create", "Survival", "--owner", "ada@example.com", "--node", "1", "--external-id", "panel-1")
	if !strings.Contains(r.stdout, "External id") || !strings.Contains(r.stdout, "panel-1") {
		t.Errorf("server create --external-id: stdout %q, want the external id", r.stdout)
	}
	in.mustCLI(t, 0, in.adminKey, "server", "create", "Creative", "--owner", "ada@example.com", "--node", "1")
	in.mustCLI(t, 5, in.adminKey, "server", "update", "2", "--external-id", "panel-1")
	// The same id on an account and a server is fine: unique per kind.
	in.mustCLI(t, 0, in.adminKey, "server", "update", "2", "--external-id", "whmcs-7")

	// The panel's lookups find them, exactly.
	user := in.mustDo(t, 200, "GET", "/api/application/users/external/whmcs-7", in.adminKey, nil).json(t)["attributes"].(map[string]any)
	if user["email"] != "ada@example.com" || user["external_id"] != "whmcs-7" {
		t.Errorf("GET /users/external/whmcs-7 = %v, want ada with external_id whmcs-7", user)
	}
	in.mustDo(t, 404, "GET", "/api/application/users/external/whmcs", in.adminKey, nil)
	srv := in.mustDo(t, 200, "GET", "/api/application/servers/external/panel-1?include=user", in.adminKey, nil).json(t)["attributes"].(map[string]any)
	if srv["name"] != "Survival" || srv["external_id"] != "panel-1" || srv["relationships"] == nil {
		t.Errorf("GET /servers/external/panel-1?include=user = %v, want Survival with its user", srv)
	}
	list := in.mustDo(t, 200, "GET", "/api/application/servers?filter[external_id]=whmcs-7", in.adminKey, nil).json(t)["data"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["attributes"].(map[string]any)["name"] != "Creative" {
		t.Errorf("servers?filter[external_id]=whmcs-7 = %v, want Creative alone", list)
	}

	// "" removes it; the lookup then finds nothing.
	r = in.mustCLI(t, 0, in.adminKey, "server", "update", "1", "--external-id", "")
	if !strings.Contains(r.stdout, "none") {
		t.Errorf("server update --external-id '': stdout %q, want none", r.stdout)
	}
	in.mustDo(t, 404, "GET", "/api/application/servers/external/panel-1", in.adminKey, nil)
	in.mustCLI(t, 0, in.adminKey, "account", "update", "ada@example.com", "--external-id", "")
	in.mustCLI(t, 0, in.adminKey, "account", "update", "bob@example.com", "--external-id", "whmcs-7")
	user = in.mustDo(t, 200, "GET", "/api/application/users/external/whmcs-7", in.adminKey, nil).json(t)["attributes"].(map[string]any)
	if user["email"] != "bob@example.com" {
		t.Errorf("GET /users/external/whmcs-7 after moving it = %v, want bob", user)
	}
}
