package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dbplane/dbplane/internal/cli"
)

// serveOnce runs the serve command; were it to start serving, it stops
// after 30 seconds with exit 0, which the tests count as a failure.
func serveOnce(args []string, stdout, stderr *bytes.Buffer) int {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return cli.Main(ctx, append([]string{"serve", "--listen", "127.0.0.1:0"}, args...), strings.NewReader(""), stdout, stderr)
}

// TestServe_NeverInitialised: serve on a data dir that init never made
// says so, names the command to run, and creates nothing there.
func TestServe_NeverInitialised(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	var stdout, stderr bytes.Buffer
	code := serveOnce([]string{"--data-dir", dir}, &stdout, &stderr)
	want := []string{dir + " was never initialised", "Run 'dbplane init --data-dir " + dir + "'"}
	for _, w := range want {
		if code != 1 || !strings.Contains(stderr.String(), w) {
			t.Errorf("serve on a new dir = exit %d, stderr %q; want 1 and %q", code, stderr.String(), w)
		}
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("serve on a new dir created it (stat: %v)", err)
	}
}

// TestServe_MasterKeyMissing: a store whose generated master key is gone
// is refused, rather than served with a new key that cannot open what the
// store holds.
func TestServe_MasterKeyMissing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustInit(t, dir)
	if err := os.Remove(filepath.Join(dir, "master.key")); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := serveOnce([]string{"--data-dir", dir}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "master key "+filepath.Join(dir, "master.key")+" is missing") || !strings.Contains(stderr.String(), "Restore master.key from your backup") {
		t.Errorf("serve without master.key = exit %d, stderr %q; want 1, saying it is missing", code, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "master.key")); !os.IsNotExist(err) {
		t.Errorf("serve made a new master key (stat: %v)", err)
	}
}
