package cli_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestKeyCommands: an account's user keys and admin keys — create (the
// key once), list (prefixes only), disable (the key stops working),
// enable, delete — and a key that cannot hand out what it lacks.
func TestKeyCommands(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	in.mustCLI(t, 0, in.adminKey, "account", "create", "ada@example.com")

	r := in.mustCLI(t, 0, in.adminKey, "key", "create", "ci", "--account", "ada@example.com")
	golden(t, "create-user", r.stdout, nil)
	if !strings.Contains(r.stderr, "shown this once") {
		t.Errorf("key create stderr = %q, want the shown-once note", r.stderr)
	}
	r = in.mustCLI(t, 0, in.adminKey, "key", "create", "deploy", "--account", "ada@example.com", "--expires", "720h", "-o", "json")
	var deploy struct {
		ID, Key string
	}
	if err := json.Unmarshal([]byte(r.stdout), &deploy); err != nil || !strings.HasPrefix(deploy.Key, "dbpu_") {
		t.Fatalf("key create -o json = %s (%v), want a user key", r.stdout, err)
	}

	list := in.mustCLI(t, 0, in.adminKey, "key", "list", "--account", "ada@example.com")
	goldenUnordered(t, "list-user", list.stdout)
	listJSON := in.mustCLI(t, 0, in.adminKey, "key", "list", "--account", "ada@example.com", "-o", "json")
	for _, out := range []string{list.stdout, listJSON.stdout} {
		mustNotContain(t, "key list", out, deploy.Key)
	}

	// The key works until it is disabled, and again once enabled.
	in.mustCLI(t, 0, deploy.Key, "database", "list", "--mine")
	r = in.mustCLI(t, 0, in.adminKey, "key", "disable", deploy.ID, "--account", "ada@example.com")
	if !strings.Contains(r.stdout, "disabled") {
		t.Errorf("key disable = %s, want status disabled", r.stdout)
	}
	in.mustCLI(t, 4, deploy.Key, "database", "list", "--mine")
	in.mustCLI(t, 0, in.adminKey, "key", "enable", deploy.ID, "--account", "ada@example.com")
	in.mustCLI(t, 0, deploy.Key, "database", "list", "--mine")
	r = in.mustCLI(t, 0, in.adminKey, "key", "delete", deploy.ID, "--account", "ada@example.com")
	golden(t, "delete", r.stdout, nil)
	in.mustCLI(t, 4, deploy.Key, "database", "list", "--mine")
	in.mustCLI(t, 3, in.adminKey, "key", "delete", deploy.ID, "--account", "ada@example.com")

	// Admin keys.
	r = in.mustCLI(t, 0, in.adminKey, "key", "create", "monitor", "--admin", "--permissions", "database_hosts:read, nodes:read", "-o", "json")
	var monitor struct{ ID, Key string }
	if err := json.Unmarshal([]byte(r.stdout), &monitor); err != nil || !strings.HasPrefix(monitor.Key, "dbpa_") {
		t.Fatalf("key create --admin -o json = %s (%v)", r.stdout, err)
	}
	in.mustCLI(t, 0, monitor.Key, "host", "list")
	in.mustCLI(t, 4, monitor.Key, "account", "list")
	// A key hands out only what it holds.
	in.mustCLI(t, 4, monitor.Key, "key", "create", "wider", "--admin", "--permissions", "all")
	in.mustCLI(t, 0, in.adminKey, "key", "create", "second", "--admin", "--permissions", "all", "--account", "admin@localhost")
	list = in.mustCLI(t, 0, in.adminKey, "key", "list", "--admin")
	goldenUnordered(t, "list-admin", list.stdout)
	mustNotContain(t, "key list --admin", list.stdout, monitor.Key, in.adminKey)
	in.mustCLI(t, 0, in.adminKey, "key", "disable", monitor.ID, "--admin")
	in.mustCLI(t, 4, monitor.Key, "host", "list")

	// Usage mistakes.
	in.mustCLI(t, 2, in.adminKey, "key", "list")
	in.mustCLI(t, 2, in.adminKey, "key", "list", "--admin", "--account", "ada@example.com")
	in.mustCLI(t, 2, in.adminKey, "key", "create", "x", "--admin")
	in.mustCLI(t, 2, in.adminKey, "key", "create", "x", "--account", "ada@example.com", "--permissions", "all")
	in.mustCLI(t, 2, in.adminKey, "key", "create", "x", "--account", "ada@example.com", "--expires", "tomorrow")
	in.mustCLI(t, 2, in.adminKey, "key", "create", "x", "--admin", "--permissions", "hosts:fly")
}
