package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/dbplane/dbplane/internal/store"
)

// TestDrifted_Filter: Drifted finds the databases whose status is behind
// their flags, narrowed to an account, and past the hosts a quota pass is
// still measuring.
func TestDrifted_Filter(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		ctx := context.Background()
		mustAccount(t, db, "acc", nil)
		mustAccount(t, db, "other", nil)
		mustHost(t, db, "h1", nil)
		mustHost(t, db, "h2", nil)
		ids := map[string]string{} // label → id
		for _, c := range []struct{ account, label, host string }{
			{"acc", "a1", "h1"}, {"acc", "a2", "h2"}, {"other", "o1", "h1"}, {"acc", "settled", "h1"},
		} {
			nd := newDB(c.account, c.label, c.host)
			if err := db.InsertDatabase(ctx, nd); err != nil {
				t.Fatal(err)
			}
			if _, err := db.CompleteCreate(ctx, nd.Intent); err != nil {
				t.Fatal(err)
			}
			ids[c.label] = nd.Database.ID
			if c.label != "settled" {
				if err := db.SetAdminDisabled(ctx, nd.Database.ID, true); err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, tc := range []struct {
			name   string
			filter store.DriftFilter
			want   []string
		}{
			{"all", store.DriftFilter{}, []string{"a1", "a2", "o1"}},
			{"account", store.DriftFilter{AccountID: "acc"}, []string{"a1", "a2"}},
			{"skip host", store.DriftFilter{SkipHosts: []string{"h1"}}, []string{"a2"}},
			{"account and skip", store.DriftFilter{AccountID: "acc", SkipHosts: []string{"h2", "h3"}}, []string{"a1"}},
			{"skip every host", store.DriftFilter{SkipHosts: []string{"h2", "h1"}}, nil},
		} {
			got, err := db.Drifted(ctx, tc.filter)
			if err != nil {
				t.Fatalf("Drifted(%+v): %v", tc.filter, err)
			}
			var want []string
			for _, l := range tc.want {
				want = append(want, ids[l])
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s: Drifted(%+v) = %v, want %v (%v)", tc.name, tc.filter, got, want, tc.want)
			}
		}
	})
}
