package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
)

// TestDriftFindings: a host's sweep replaces that host's findings only;
// the filters, pages and totals; the per-database kinds leave repaired
// findings out; the stats count what is not repaired; pruning forgets
// hosts no longer swept. On both dialects.
func TestDriftFindings(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		ctx := context.Background()
		at := time.UnixMilli(1_780_000_000_000).UTC()
		f := func(host string, kind dbplane.DriftKind, object, dbID, repair string) *dbplane.DriftFinding {
			return &dbplane.DriftFinding{HostID: host, Kind: kind, Object: object, DatabaseID: dbID, Repair: repair, FoundAt: at}
		}
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(db.ReplaceDriftFindings(ctx, "h1", []*dbplane.DriftFinding{
			f("h1", dbplane.DriftPassword, "du1", "d1", dbplane.RepairDone),
			f("h1", dbplane.DriftMissingDatabase, "u2", "d2", dbplane.RepairNone),
			f("h1", dbplane.DriftUnknownUser, "dux", "", dbplane.RepairNone),
		}))
		must(db.ReplaceDriftFindings(ctx, "h2", []*dbplane.DriftFinding{
			f("h2", dbplane.DriftAccess, "du3", "d3", dbplane.RepairFailed),
		}))
		all, n, err := db.DriftFindings(ctx, dbplane.DriftFilter{})
		must(err)
		if n != 4 || len(all) != 4 || all[0].HostID != "h1" || all[3].HostID != "h2" || !all[0].FoundAt.Equal(at) {
			t.Fatalf("all findings = %d %v", n, all)
		}
		got, n, err := db.DriftFindings(ctx, dbplane.DriftFilter{HostID: "h1", Kind: dbplane.DriftMissingDatabase})
		must(err)
		if n != 1 || len(got) != 1 || got[0].Object != "u2" || got[0].DatabaseID != "d2" {
			t.Errorf("h1 missing_database = %d %v", n, got)
		}
		got, n, err = db.DriftFindings(ctx, dbplane.DriftFilter{Page: dbplane.Page{Page: 2, PerPage: 3}})
		must(err)
		if n != 4 || len(got) != 1 {
			t.Errorf("page 2 of 3 = %d, total %d; want 1 of 4", len(got), n)
		}
		kinds, err := db.DatabaseDrift(ctx, []string{"d1", "d2", "d3", "d9"})
		must(err)
		if len(kinds) != 2 || len(kinds["d2"]) != 1 || kinds["d3"][0] != dbplane.DriftAccess {
			t.Errorf("DatabaseDrift = %v, want d2 and d3 (d1's finding is repaired)", kinds)
		}
		st, err := db.Stats(ctx, time.Now(), time.Now())
		must(err)
		if st.DriftOutstanding() != 3 || st.DriftFindings[dbplane.DriftPassword] != 0 {
			t.Errorf("stats drift = %v, want 3 not repaired", st.DriftFindings)
		}

		// The next sweep of h1 replaces h1's findings, not h2's.
		must(db.ReplaceDriftFindings(ctx, "h1", nil))
		all, n, err = db.DriftFindings(ctx, dbplane.DriftFilter{})
		must(err)
		if n != 1 || all[0].HostID != "h2" {
			t.Errorf("after h1's clean sweep = %v", all)
		}
		must(db.PruneDriftFindings(ctx, []string{"h1"}))
		if _, n, _ = db.DriftFindings(ctx, dbplane.DriftFilter{}); n != 0 {
			t.Errorf("after pruning h2: %d findings", n)
		}
	})
}
