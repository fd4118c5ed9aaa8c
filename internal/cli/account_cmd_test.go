package cli_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestAccountCommands: create, list, show (by id and by email), update,
// suspend and unsuspend, and the exit codes of 404, 409 and 422.
func TestAccountCommands(t *testing.T) {
	t.Parallel()
	in := startInstance(t)

	r := in.mustCLI(t, 0, in.adminKey, "account", "create", "ada@example.com", "--name", "Ada", "--slots", "3", "--storage", "1GiB")
	golden(t, "create", r.stdout, nil)
	r = in.mustCLI(t, 0, in.adminKey, "account", "create", "bob@example.com", "-o", "json")
	var bob struct {
		ID           string `json:"id"`
		Name         string `json:"name"`
		Slots        *int   `json:"slots"`
		StorageBytes *int64 `json:"storageBytes"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &bob); err != nil || bob.Name != "bob@example.com" || bob.Slots != nil || bob.StorageBytes != nil {
		t.Fatalf("account create -o json = %s (%v), want the email as name and no quotas", r.stdout, err)
	}

	goldenUnordered(t, "list", in.mustCLI(t, 0, in.adminKey, "account", "list").stdout)
	goldenUnordered(t, "list.json", in.mustCLI(t, 0, in.adminKey, "account", "list", "-o", "json").stdout)

	byEmail := in.mustCLI(t, 0, in.adminKey, "account", "show", "ADA@example.com")
	golden(t, "show", byEmail.stdout, nil)
	r = in.mustCLI(t, 0, in.adminKey, "account", "show", bob.ID)
	if !strings.Contains(r.stdout, "bob@example.com") {
		t.Errorf("account show by id = %s, want bob", r.stdout)
	}

	r = in.mustCLI(t, 0, in.adminKey, "account", "update", "ada@example.com", "--slots", "unlimited", "--storage", "500MB", "--name", "Ada L.")
	golden(t, "update", r.stdout, nil)
	r = in.cli(t, in.adminKey, "a long passphrase\n", "account", "update", bob.ID, "--password-stdin", "-o", "json")
	if r.code != 0 || strings.Contains(r.stdout, "a long passphrase") {
		t.Errorf("account update --password-stdin: exit %d, stdout %s", r.code, r.stdout)
	}

	r = in.mustCLI(t, 0, in.adminKey, "account", "suspend", "ada@example.com")
	if !strings.Contains(r.stdout, "Suspended  yes") {
		t.Errorf("account suspend = %s, want Suspended yes", r.stdout)
	}
	r = in.mustCLI(t, 0, in.adminKey, "account", "unsuspend", "ada@example.com")
	if !strings.Contains(r.stdout, "Suspended  no") {
		t.Errorf("account unsuspend = %s, want Suspended no", r.stdout)
	}

	in.mustCLI(t, 3, in.adminKey, "account", "show", "nobody@example.com")
	in.mustCLI(t, 3, in.adminKey, "account", "show", "01HVNOSUCHACCOUNT000000000")
	in.mustCLI(t, 3, in.adminKey, "account", "suspend", "nobody@example.com")
	r = in.mustCLI(t, 5, in.adminKey, "account", "create", "ada@example.com")
	if !strings.Contains(r.stderr, "409") {
		t.Errorf("account create of a taken email: stderr %q, want the 409", r.stderr)
	}
	in.mustCLI(t, 2, in.adminKey, "account", "create", "not-an-email")
	in.mustCLI(t, 2, in.adminKey, "account", "create", "c@example.com", "--slots", "lots")
	in.mustCLI(t, 2, in.adminKey, "account", "update", "ada@example.com")
	in.mustCLI(t, 2, in.adminKey, "account", "frobnicate")
	in.mustCLI(t, 2, in.adminKey, "account")
}
