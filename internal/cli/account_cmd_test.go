package cli_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/dbplane/dbplane/internal/cli"
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
	if !regexp.MustCompile(`(?m)^Suspended +yes$`).MatchString(r.stdout) {
		t.Errorf("account suspend = %s, want Suspended yes", r.stdout)
	}
	r = in.mustCLI(t, 0, in.adminKey, "account", "unsuspend", "ada@example.com")
	if !regexp.MustCompile(`(?m)^Suspended +no$`).MatchString(r.stdout) {
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

// TestAccountSetPassword: the local subcommand beside the API ones still
// reads the password from standard input, or prints a link.
func TestAccountSetPassword(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	set := func(stdin string, args ...string) run {
		var stdout, stderr strings.Builder
		code := cli.Main(context.Background(), append([]string{"account", "set-password"}, args...), strings.NewReader(stdin), &stdout, &stderr)
		return run{stdout: stdout.String(), stderr: stderr.String(), code: code}
	}
	if r := set("a long passphrase\n", "admin@localhost", "--data-dir", in.dataDir); r.code != 0 || r.stdout != "" {
		t.Errorf("set-password: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if r := set("", "--data-dir", in.dataDir, "--link", "--url", "https://db.example.com", "admin@localhost"); r.code != 0 ||
		!strings.HasPrefix(r.stdout, "https://db.example.com/set-password?token=") {
		t.Errorf("set-password --link: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if r := set("short\n", "admin@localhost", "--data-dir", in.dataDir); r.code != 1 {
		t.Errorf("set-password with a short password: exit %d, want 1", r.code)
	}
	if r := set("a long passphrase\n", "nobody@example.com", "--data-dir", in.dataDir); r.code != 1 {
		t.Errorf("set-password for an unknown email: exit %d, want 1", r.code)
	}
	if r := set("", "--data-dir", in.dataDir); r.code != 2 {
		t.Errorf("set-password without EMAIL: exit %d, want 2", r.code)
	}
}
