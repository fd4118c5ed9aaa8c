package cli_test

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestAuditCommands(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	in.mustCLI(t, 0, in.adminKey, "node", "create", "fra-1")
	in.mustCLI(t, 0, in.adminKey, "node", "create", "fra-2")
	in.mustCLI(t, 0, in.adminKey, "account", "create", "ada@example.com")
	in.mustCLI(t, 0, in.adminKey, "node", "list") // a read: not kept

	// Entries written within one millisecond have no order among
	// themselves: compare the rows as a set.
	r := in.mustCLI(t, 0, in.adminKey, "audit", "list")
	goldenUnordered(t, "list", r.stdout)
	if r.stderr != "" {
		t.Errorf("audit list stderr = %q, want nothing (one page)", r.stderr)
	}

	// A page of one says how to get the next; --all walks them.
	r = in.mustCLI(t, 0, in.adminKey, "audit", "list", "--limit", "1")
	if n := strings.Count(r.stdout, "\n"); n != 2 || !strings.Contains(r.stderr, "more: --cursor ") {
		t.Errorf("audit list --limit 1 = %d lines, stderr %q; want a header, one row and the cursor", n, r.stderr)
	}
	r = in.mustCLI(t, 0, in.adminKey, "audit", "list", "--limit", "1", "--all", "--action", "POST /api/admin/nodes", "-o", "json")
	var entries []struct {
		Action, Outcome string
		KeyPrefix       *string
	}
	if err := json.Unmarshal([]byte(r.stdout), &entries); err != nil || len(entries) != 2 {
		t.Fatalf("audit list --all --action -o json = %s (%v), want the 2 node creates", r.stdout, err)
	}
	for _, e := range entries {
		if e.Action != "POST /api/admin/nodes" || e.Outcome != "success" || e.KeyPrefix == nil || !strings.HasPrefix(in.adminKey, *e.KeyPrefix) {
			t.Errorf("entry = %+v, want a successful node create by the admin key", e)
		}
	}
	mustNotContain(t, "audit list -o json", r.stdout, in.adminKey)

	// A bad filter is a usage error; a key without audit:read is refused.
	in.mustCLI(t, 2, in.adminKey, "audit", "list", "--outcome", "maybe")
	k := in.mustCLI(t, 0, in.adminKey, "key", "create", "nodes-only", "--admin", "--permissions", "nodes:read", "-o", "json")
	var key struct{ Key string }
	if err := json.Unmarshal([]byte(k.stdout), &key); err != nil {
		t.Fatal(err)
	}
	in.mustCLI(t, 4, key.Key, "audit", "list")
}
