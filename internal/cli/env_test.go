package cli_test

import (
	"strings"
	"testing"
)

// TestAPICommands_Environment: DBPLANE_ADDR and DBPLANE_TOKEN stand in for
// --addr and --token, and the flags win over them. (Not parallel: it sets
// the process environment.)
func TestAPICommands_Environment(t *testing.T) {
	in := startInstance(t)
	t.Setenv("DBPLANE_ADDR", strings.TrimPrefix(in.url, "http://")) // host:port means http://
	t.Setenv("DBPLANE_TOKEN", in.adminKey)
	var stdout, stderr strings.Builder
	if code := cliMain([]string{"account", "list"}, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "admin@localhost") {
		t.Errorf("account list from the environment: exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
	if code := cliMain([]string{"account", "list", "--token", "dbpa_wrong"}, &stdout, &stderr); code != 4 {
		t.Errorf("account list --token dbpa_wrong over a good DBPLANE_TOKEN: exit %d, want 4", code)
	}
	t.Setenv("DBPLANE_ADDR", "ftp://example.com")
	if code := cliMain([]string{"account", "list"}, &stdout, &stderr); code != 2 {
		t.Errorf("account list with DBPLANE_ADDR=ftp://…: exit %d, want 2", code)
	}
}
