package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dbplane/dbplane/internal/dbtest"
)

// readmeExample returns the shell block under "## A worked example" in
// the README.
func readmeExample(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, "## A worked example")
	if i < 0 {
		t.Fatal("README.md has no '## A worked example' section")
	}
	m := regexp.MustCompile("(?s)```sh\n(.*?)```").FindStringSubmatch(s[i:])
	if m == nil {
		t.Fatal("the worked example has no ```sh block")
	}
	return m[1]
}

// TestREADMEWorkedExample runs the README's worked example as a reader
// pastes it, against a real serve and a real MariaDB: the lines the README
// asks the reader to set (URL, ADMIN, DB_*) are set to this test's
// values, and every other line runs verbatim under bash -e. It needs
// bash, curl, jq and the mariadb client, which .ci/run installs.
func TestREADMEWorkedExample(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "jq", "mariadb"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is required to run the README's example with CI=true", tool)
			}
			t.Skipf("%s not installed", tool)
		}
	}
	block := readmeExample(t)
	maria := dbtest.MariaDB(t)
	in := startInstance(t)
	cfg := maria.AdminConfig()

	set := map[string]string{
		"URL":   "URL=" + in.url,
		"ADMIN": "ADMIN=" + in.adminKey,
		"DB_HOST": fmt.Sprintf("DB_HOST=%s DB_PORT=%d DB_USER=%s DB_PASSWORD=%s",
			cfg.Host, cfg.Port, shellQuote(cfg.User), shellQuote(cfg.Password)),
	}
	var script []string
	found := map[string]bool{}
	for _, line := range strings.Split(block, "\n") {
		name, _, _ := strings.Cut(line, "=")
		if v, ok := set[name]; ok {
			line, found[name] = v, true
		}
		script = append(script, line)
	}
	for name := range set {
		if !found[name] {
			t.Fatalf("the worked example no longer starts with a %s= line for the reader to set", name)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-e", "-o", "pipefail", "-c", strings.Join(script, "\n"))
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("the README's worked example failed: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), errb.String())
	}
	// What a reader sees: the host's name, the list, the connection
	// string, and the login with the rotated password.
	got := out.String()
	for _, want := range []string{`"maria-1"`, `{"name":"my-app","status":"active"}`, "mysql://", "um_"} {
		if !strings.Contains(got, want) {
			t.Errorf("the example's output lacks %q:\n%s", want, got)
		}
	}
	if !regexp.MustCompile(`(?m)^um_[a-z0-9]+_1\s+dum_[a-z0-9]+_1@`).MatchString(got) {
		t.Errorf("the mariadb login did not print the database and user:\n%s", got)
	}
}

// shellQuote quotes s for bash.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
