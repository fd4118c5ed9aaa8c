package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/store"
	"github.com/google/go-cmp/cmp"
)

// seedFindServers makes seven servers of two owners whose two orders
// differ (numeric ids 1…7 follow the creation order, the ids do not), three
// with external ids that differ in case or by a suffix. It returns the ids
// in each order.
func seedFindServers(t *testing.T, db *store.DB) (byNumeric, byID []string) {
	t.Helper()
	ctx := context.Background()
	mustAccount(t, db, "owner-1", nil)
	mustAccount(t, db, "owner-2", nil)
	mustNode(t, db, "node")
	external := map[string]string{"srv-b": "WHMCS-7", "srv-g": "whmcs-7", "srv-d": "WHMCS-70"}
	ids := []string{"srv-e", "srv-b", "srv-g", "srv-a", "srv-f", "srv-c", "srv-d"}
	for i, id := range ids {
		s := &dbplane.Server{ID: id, Identifier: fmt.Sprintf("%s%04d", id[4:], i), Name: "Survival " + id[4:],
			OwnerID: []string{"owner-1", "owner-2"}[i%2], NodeID: "node"}
		if ext, ok := external[id]; ok {
			s.ExternalID = &ext
		}
		if err := db.CreateServer(ctx, s); err != nil {
			t.Fatalf("CreateServer(%s): %v", id, err)
		}
	}
	return ids, []string{"srv-a", "srv-b", "srv-c", "srv-d", "srv-e", "srv-f", "srv-g"}
}

func serverIDs(list []*dbplane.Server) []string {
	out := []string{}
	for _, s := range list {
		out = append(out, s.ID)
	}
	return out
}

// TestFindServersPages: pages in each order, first, middle, last and past
// the last, with the total of every server; the pages laid end to end are
// the whole order, each server once; the default order is ListServers'.
func TestFindServersPages(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, open opener) {
		t.Parallel()
		db := open(t)
		ctx := context.Background()
		byNumeric, byID := seedFindServers(t, db)
		for _, tc := range []struct {
			order dbplane.ServerOrder
			desc  bool
			want  []string
		}{
			{dbplane.ServersByNumericID, false, byNumeric},
			{dbplane.ServersByNumericID, true, reversed(byNumeric)},
			{dbplane.ServersByID, false, byID},
			{dbplane.ServersByID, true, reversed(byID)},
		} {
			name := fmt.Sprintf("order %q desc %v", tc.order, tc.desc)
			var all []string
			for page, want := range [][]string{tc.want[0:3], tc.want[3:6], tc.want[6:7], {}} {
				f := dbplane.ServerFilter{Order: tc.order, Desc: tc.desc, Page: dbplane.Page{Page: page + 1, PerPage: 3}}
				list, total, err := db.FindServers(ctx, f)
				if err != nil {
					t.Fatalf("%s: FindServers(page %d) = %v", name, page+1, err)
				}
				if diff := cmp.Diff(want, serverIDs(list)); diff != "" || total != 7 {
					t.Errorf("%s: page %d: total %d (want 7), ids (-want +got):\n%s", name, page+1, total, diff)
				}
				all = append(all, serverIDs(list)...)
			}
			if diff := cmp.Diff(tc.want, all); diff != "" {
				t.Errorf("%s: the pages end to end (-want +got):\n%s", name, diff)
			}
			list, total, err := db.FindServers(ctx, dbplane.ServerFilter{Order: tc.order, Desc: tc.desc})
			if diff := cmp.Diff(tc.want, serverIDs(list)); diff != "" || total != 7 || err != nil {
				t.Errorf("%s: no page: total %d, %v (want 7, nil), ids (-want +got):\n%s", name, total, err, diff)
			}
		}
		list, total, err := db.ListServers(ctx, "", dbplane.Page{Page: 1, PerPage: 100})
		if diff := cmp.Diff(byNumeric, serverIDs(list)); diff != "" || total != 7 || err != nil {
			t.Errorf("ListServers() = %d, %v; ids (-FindServers +ListServers):\n%s", total, err, diff)
		}
	})
}

// TestFindServersFilters: the external ids (whole, in their case, any of
// several), Match alone, with a page and with the external ids, and the
// row read with each server.
func TestFindServersFilters(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, open opener) {
		t.Parallel()
		db := open(t)
		ctx := context.Background()
		seedFindServers(t, db)
		var matched int
		odd := func(s *dbplane.Server) bool { matched++; return s.NumericID%2 == 1 }
		byID := dbplane.ServersByID
		for _, tc := range []struct {
			name  string
			f     dbplane.ServerFilter
			want  []string
			total int
		}{
			{"ExternalID", dbplane.ServerFilter{ExternalIDs: []string{"WHMCS-7"}}, []string{"srv-b"}, 1},
			{"ExternalIDCase", dbplane.ServerFilter{ExternalIDs: []string{"whmcs-7"}}, []string{"srv-g"}, 1},
			{"ExternalIDAnyOf", dbplane.ServerFilter{ExternalIDs: []string{"x", "whmcs-7", "WHMCS-70"}, Order: byID}, []string{"srv-d", "srv-g"}, 2},
			// Five values: padded to eight with the last.
			{"ExternalIDFive", dbplane.ServerFilter{ExternalIDs: []string{"x", "y", "WHMCS-70", "WHMCS-7", "whmcs-7"}},
				[]string{"srv-b", "srv-g", "srv-d"}, 3},
			{"ExternalIDPage", dbplane.ServerFilter{ExternalIDs: []string{"WHMCS-7", "whmcs-7", "WHMCS-70"}, Page: dbplane.Page{Page: 2, PerPage: 2}},
				[]string{"srv-d"}, 3},
			{"ExternalIDPart", dbplane.ServerFilter{ExternalIDs: []string{"WHMCS"}}, []string{}, 0},
			{"ExternalIDNone", dbplane.ServerFilter{ExternalIDs: []string{"panel-1"}, Page: dbplane.Page{Page: 1, PerPage: 50}}, []string{}, 0},
			// An empty value is no server's: the servers without one
			// have NULL.
			{"ExternalIDEmptyValue", dbplane.ServerFilter{ExternalIDs: []string{""}}, []string{}, 0},
			{"ExternalIDEmpty", dbplane.ServerFilter{ExternalIDs: []string{}}, []string{}, 0},
			// Numeric ids 1, 3, 5, 7: srv-e, srv-g, srv-f, srv-d.
			{"Match", dbplane.ServerFilter{Match: odd}, []string{"srv-e", "srv-g", "srv-f", "srv-d"}, 4},
			{"MatchPage", dbplane.ServerFilter{Match: odd, Order: byID, Desc: true, Page: dbplane.Page{Page: 2, PerPage: 3}},
				[]string{"srv-d"}, 4},
			{"MatchPastTheEnd", dbplane.ServerFilter{Match: odd, Page: dbplane.Page{Page: 3, PerPage: 3}}, []string{}, 4},
			{"MatchAndExternalID", dbplane.ServerFilter{Match: odd, ExternalIDs: []string{"WHMCS-7", "whmcs-7"}}, []string{"srv-g"}, 1},
		} {
			list, total, err := db.FindServers(ctx, tc.f)
			if err != nil {
				t.Errorf("%s: FindServers = %v", tc.name, err)
				continue
			}
			if diff := cmp.Diff(tc.want, serverIDs(list)); diff != "" || total != tc.total {
				t.Errorf("%s: total %d (want %d), ids (-want +got):\n%s", tc.name, total, tc.total, diff)
			}
		}
		// Match sees only what the external ids select.
		matched = 0
		if _, _, err := db.FindServers(ctx, dbplane.ServerFilter{Match: odd, ExternalIDs: []string{"WHMCS-7", "whmcs-7"}}); err != nil || matched != 2 {
			t.Errorf("Match with ExternalIDs ran on %d servers (%v), want the 2 selected", matched, err)
		}
		list, _, err := db.FindServers(ctx, dbplane.ServerFilter{ExternalIDs: []string{"whmcs-7"}})
		if err != nil || len(list) != 1 {
			t.Fatalf("FindServers(whmcs-7) = %v, %v", list, err)
		}
		want, err := db.Server(ctx, "srv-g")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, list[0]); diff != "" || list[0].OwnerNumericID == 0 {
			t.Errorf("FindServers(whmcs-7) (-Server(srv-g) +got):\n%s", diff)
		}
	})
}

// TestFindServers_FewStatements: the external-id lists of every length up
// to eight take four statements (1, 2, 4 and 8 values), not eight.
func TestFindServers_FewStatements(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	ctx := context.Background()
	for n := 1; n <= 8; n++ {
		ids := make([]string, n)
		for i := range ids {
			ids[i] = fmt.Sprintf("ext-%d", i)
		}
		if _, _, err := db.FindServers(ctx, dbplane.ServerFilter{ExternalIDs: ids}); err != nil {
			t.Fatal(err)
		}
	}
	var finds []string
	for _, q := range store.CachedStatements(db) {
		if strings.Contains(q, "external_id IN") {
			finds = append(finds, q)
		}
	}
	slices.Sort(finds)
	if len(finds) != 4 {
		t.Errorf("%d statements for external-id lists of 1 to 8 values, want 4:\n%s", len(finds), strings.Join(finds, "\n"))
	}
}
