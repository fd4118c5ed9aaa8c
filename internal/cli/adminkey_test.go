package cli_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestAdminKeyRecover: an operator who lost the init key mints a new one
// from the data dir while serve runs; the new key opens the admin API.
// A wrong data dir is refused without creating anything in it.
func TestAdminKeyRecover(t *testing.T) {
	t.Parallel()
	in := startInstance(t)

	var out, errb strings.Builder
	code := cliMain([]string{"admin-key", "recover", "--data-dir", in.dataDir}, &out, &errb)
	if code != 0 {
		t.Fatalf("admin-key recover: exit %d: %s", code, errb.String())
	}
	key := strings.TrimSpace(out.String())
	if !regexp.MustCompile(`^dbpa_[A-Za-z0-9]+$`).MatchString(key) {
		t.Fatalf("admin-key recover stdout = %q, want the key alone", out.String())
	}
	if !strings.Contains(errb.String(), "admin@localhost") || strings.Contains(errb.String(), key) {
		t.Errorf("admin-key recover stderr = %q, want the account and not the key", errb.String())
	}
	in.mustCLI(t, 0, key, "host", "list")
	in.mustCLI(t, 0, key, "account", "create", "ops@example.com", "--role", "admin") // every permission
	r := in.mustCLI(t, 0, in.adminKey, "key", "list", "--admin")
	if !strings.Contains(r.stdout, "recovered") || !strings.Contains(r.stdout, "all") {
		t.Errorf("key list --admin = %s, want the recovered key with every permission", r.stdout)
	}

	// Another admin, by email; refused for a user or a suspended admin.
	out.Reset()
	if code := cliMain([]string{"admin-key", "recover", "--data-dir", in.dataDir, "--email", "OPS@example.com", "--name", "ops"}, &out, &errb); code != 0 {
		t.Errorf("admin-key recover --email: exit %d: %s", code, errb.String())
	}
	in.mustCLI(t, 0, strings.TrimSpace(out.String()), "host", "list")
	in.mustCLI(t, 0, in.adminKey, "account", "create", "ada@example.com")
	in.mustCLI(t, 0, in.adminKey, "account", "suspend", "ops@example.com")
	for _, email := range []string{"ada@example.com", "ops@example.com", "nobody@example.com"} {
		errb.Reset()
		if code := cliMain([]string{"admin-key", "recover", "--data-dir", in.dataDir, "--email", email}, &out, &errb); code != 1 {
			t.Errorf("admin-key recover --email %s: exit %d, want 1: %s", email, code, errb.String())
		}
	}

	empty := t.TempDir()
	errb.Reset()
	if code := cliMain([]string{"admin-key", "recover", "--data-dir", empty}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "no master key") {
		t.Errorf("admin-key recover on an empty dir: exit %d, stderr %q; want 1 and no master key", code, errb.String())
	}
	if files, _ := filepath.Glob(filepath.Join(empty, "*")); len(files) > 0 {
		t.Errorf("admin-key recover created %q in a dir that was not a data dir", files)
	}
	if err := os.WriteFile(filepath.Join(empty, "master.key"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if code := cliMain([]string{"admin-key", "recover", "--data-dir", empty, "--bogus"}, &out, &errb); code != 2 {
		t.Errorf("admin-key recover --bogus: exit %d, want 2", code)
	}
}
