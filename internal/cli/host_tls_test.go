package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbplane/dbplane/internal/dbtest"
	"github.com/dbplane/dbplane/internal/testcert"
)

// TestHostCommands_TLS adds a real MariaDB with TLS on through
// --tls-ca FILE (verify-full by default), is refused with a wrong CA or
// server name, and clears the CA with --tls-ca "" and --tls-mode require.
func TestHostCommands_TLS(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	srv := dbtest.MariaDBTLS(t)
	cfg := srv.AdminConfig()
	dir := t.TempDir()
	caFile, wrongFile := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "wrong.pem")
	if err := os.WriteFile(caFile, []byte(srv.TLSCA()), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(wrongFile, testcert.New(t, "wrong").CertPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	args := func(name string, extra ...string) []string {
		return append([]string{"host", "add", name, "--hostname", cfg.Host, "--port", fmt.Sprint(cfg.Port),
			"--username", cfg.User, "--password-stdin"}, extra...)
	}

	r := in.cli(t, in.adminKey, cfg.Password+"\n", args("wrong-ca", "--tls-ca", wrongFile)...)
	if r.code != 2 || !strings.Contains(r.stderr, "over TLS: the server's certificate is not signed by a trusted CA (check tlsCA)") {
		t.Fatalf("host add with a wrong CA: exit %d, want 2 naming the CA:\n%s", r.code, r.stderr)
	}
	r = in.cli(t, in.adminKey, cfg.Password+"\n", args("wrong-name", "--tls-ca", caFile, "--tls-server-name", "db.example.com")...)
	if r.code != 2 || !strings.Contains(r.stderr, "check tlsServerName") {
		t.Fatalf("host add with a wrong server name: exit %d, want 2 naming the server name:\n%s", r.code, r.stderr)
	}
	r = in.cli(t, in.adminKey, cfg.Password+"\n", args("missing", "--tls-ca", filepath.Join(dir, "missing.pem"))...)
	if r.code == 0 || !strings.Contains(r.stderr, "--tls-ca") {
		t.Fatalf("host add with a missing CA file: exit %d, want an error naming --tls-ca:\n%s", r.code, r.stderr)
	}

	r = in.cli(t, in.adminKey, cfg.Password+"\n", args("tls", "--tls-ca", caFile, "--tls-server-name", "localhost")...)
	if r.code != 0 || !strings.Contains(r.stdout, "verify-full, CA bundle of 1 certificate(s), server name localhost") {
		t.Fatalf("host add with the right CA: exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	id := in.hostIDs(t)["tls"]
	r = in.mustCLI(t, 0, in.adminKey, "host", "update", id, "--tls-mode", "require", "--tls-ca", "", "--tls-server-name", "")
	if !strings.Contains(r.stdout, "TLS") || strings.Contains(r.stdout, "CA bundle") || !strings.Contains(r.stdout, "require") {
		t.Fatalf("host update to require without a CA:\n%s", r.stdout)
	}
}
