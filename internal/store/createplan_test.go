package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/store"
)

// TestCreatePath_NoScan checks every statement the store part of a create
// runs (InsertDatabase and CompleteCreate, in an account with slots and a
// storage quota, on a host with a database limit), and those of the setup
// before it, with SQLite's EXPLAIN QUERY PLAN: none may scan a table or an index from end to end, or sort
// into a temporary b-tree. Either would make a create grow with the
// databases in the store (issue 12: creates stay flat at 1,000,000 rows),
// which the counters of migration 0006 are there to prevent.
func TestCreatePath_NoScan(t *testing.T) {
	db := mustOpen(t)
	ctx := context.Background()
	a := mustAccount(t, db, "acc", ptr(1<<20))
	quota := int64(1 << 40)
	if _, err := db.UpdateAccount(ctx, a.ID, dbplane.AccountUpdate{StorageBytesSet: true, StorageBytes: &quota}); err != nil {
		t.Fatal(err)
	}
	mustHost(t, db, "h1", ptr(1<<20))
	if err := store.SeedDatabases(ctx, db, "acc", "h1", 100); err != nil {
		t.Fatal(err)
	}
	for _, label := range []string{"one", "two"} { // the second runs prepared
		nd := newDB("acc", label, "h1")
		if err := db.InsertDatabase(ctx, nd); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CompleteCreate(ctx, nd.Intent); err != nil {
			t.Fatal(err)
		}
	}
	// The check itself: a count by an unindexed column scans.
	plan, err := store.QueryPlan(ctx, db, `SELECT COUNT(*) FROM databases WHERE status = ?`)
	if err != nil || !slices.ContainsFunc(plan, fullScan) {
		t.Fatalf("the check misses a full scan: plan %q, %v", plan, err)
	}
	var checked int
	for _, q := range store.CachedStatements(db) {
		checked++
		plan, err := store.QueryPlan(ctx, db, q)
		if err != nil {
			t.Fatalf("EXPLAIN QUERY PLAN %s: %v", q, err)
		}
		for _, step := range plan {
			if fullScan(step) || strings.Contains(step, "TEMP B-TREE") {
				t.Errorf("a create runs\n\t%s\nwhose plan has %q (all steps: %q)", oneLine(q), step, plan)
			}
		}
	}
	if checked < 5 {
		t.Fatalf("only %d statements seen on the create path; the statement cache no longer shows them", checked)
	}
}

// fullScan reports a plan step that reads a whole table or index: SQLite
// says "SCAN t" (optionally "USING [COVERING] INDEX i") for those and
// "SEARCH t USING …" for a lookup by key. A scan of a subquery or of a
// VALUES list ("SCAN CONSTANT ROW", a CTE) reads no table.
func fullScan(step string) bool {
	rest, ok := strings.CutPrefix(step, "SCAN ")
	if !ok {
		return false
	}
	return !strings.HasPrefix(rest, "CONSTANT ROW") && !strings.HasPrefix(rest, "(subquery")
}

func oneLine(q string) string { return strings.Join(strings.Fields(q), " ") }

// TestAccountOrders_NoSort: the accounts are listed and paged oldest
// first (the admin API's streamed list, the dashboard, the Pterodactyl
// users list); each order reads an index in order instead of sorting
// every account into a temporary b-tree.
func TestAccountOrders_NoSort(t *testing.T) {
	db := mustOpen(t)
	ctx := context.Background()
	for _, order := range []string{`a.created_at, a.id`, `a.created_at DESC, a.id DESC`, `a.numeric_id`, `a.id DESC`} {
		q := `SELECT a.id FROM accounts a WHERE 1 = 1 ORDER BY ` + order + ` LIMIT ? OFFSET ?`
		plan, err := store.QueryPlan(ctx, db, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, step := range plan {
			if strings.Contains(step, "TEMP B-TREE") {
				t.Errorf("ORDER BY %s sorts every account: plan %q", order, plan)
			}
		}
	}
}
