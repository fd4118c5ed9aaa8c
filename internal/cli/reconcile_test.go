package cli_test

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// TestReconcile_DoesNotMigrateUnderARunningServe: a newer binary's
// reconcile, run while a serve holds the data dir, must not migrate the
// store under it (that serve would then run on a schema it does not
// know); it says to stop serve first, and leaves the schema alone.
func TestReconcile_DoesNotMigrateUnderARunningServe(t *testing.T) {
	in := startInstance(t) // serve holds the data dir
	file := filepath.Join(in.dataDir, "dbplane.db")
	raw, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	// The store as an older binary left it: the newest migration not
	// applied yet (its columns are there, so running it again would fail
	// on them: only the refusal can pass).
	if _, err := raw.ExecContext(context.Background(), `DELETE FROM schema_migrations WHERE version = (SELECT MAX(version) FROM schema_migrations)`); err != nil {
		t.Fatal(err)
	}
	var before int
	raw.QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&before)

	var stdout, stderr bytes.Buffer
	code := cliMain([]string{"reconcile", "--data-dir", in.dataDir}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "stop it") {
		t.Errorf("reconcile under a serve, store behind the binary = exit %d, %q; want 1 and to stop serve first", code, stderr.String())
	}
	var after int
	raw.QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&after)
	if after != before {
		t.Errorf("schema_migrations went from %d to %d rows: reconcile migrated under serve", before, after)
	}
}
