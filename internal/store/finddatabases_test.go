package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/dbplane/dbplane"
)

// TestFindDatabases: every lookup of databases is one filtered finder;
// this checks the filters, the two orders, paging and not found through
// the methods that use it, on both dialects.
func TestFindDatabases(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		ctx := context.Background()
		mustAccount(t, db, "a", nil)
		mustAccount(t, db, "b", nil)
		mustHost(t, db, "h1", nil)
		mustHost(t, db, "h2", nil)
		if err := db.CreateNode(ctx, nodeNamed("node")); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateServer(ctx, &dbplane.Server{ID: "srv", Identifier: "srv00001", Name: "s", OwnerID: "a", NodeID: "node"}); err != nil {
			t.Fatal(err)
		}
		ids := map[string]*dbplane.Database{}
		intents := map[string]*dbplane.Intent{}
		for i, c := range []struct{ account, host, server string }{{"a", "h1", "srv"}, {"a", "h2", ""}, {"b", "h1", ""}, {"a", "h1", "srv"}} {
			nd := newDB(c.account, fmt.Sprintf("l%d", i), c.host)
			nd.Database.ServerID = c.server
			if err := db.InsertDatabase(ctx, nd); err != nil {
				t.Fatal(err)
			}
			ids[nd.Database.Label], intents[nd.Database.Label] = nd.Database, nd.Intent
		}
		if _, err := db.CompleteCreate(ctx, intents["l1"]); err != nil {
			t.Fatal(err)
		}

		labels := func(list []*dbplane.Database, err error) string {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, d := range list {
				out = append(out, d.Label)
			}
			return fmt.Sprint(out)
		}
		page := func(n, per int) dbplane.Page { return dbplane.Page{Page: n, PerPage: per} }
		list, total, err := db.ListAllDatabases(ctx, dbplane.DatabaseFilter{AccountID: "a", HostID: "h1", Page: page(1, 10)})
		if got := labels(list, err); got != "[l0 l3]" || total != 2 {
			t.Errorf("account a on h1 = %s (total %d), want [l0 l3] (2)", got, total)
		}
		list, total, err = db.ListAllDatabases(ctx, dbplane.DatabaseFilter{Status: dbplane.StatusActive, Page: page(1, 10)})
		if got := labels(list, err); got != "[l1]" || total != 1 {
			t.Errorf("active = %s (total %d), want [l1] (1)", got, total)
		}
		list, total, err = db.ListAllDatabases(ctx, dbplane.DatabaseFilter{Page: page(2, 3)})
		if got := labels(list, err); got != "[l3]" || total != 4 {
			t.Errorf("page 2 of 3 = %s (total %d), want [l3] (4)", got, total)
		}
		list, total, err = db.ServerDatabases(ctx, "srv", page(1, 10))
		if got := labels(list, err); got != "[l0 l3]" || total != 2 {
			t.Errorf("server srv = %s (total %d), want [l0 l3] (2)", got, total)
		}
		if got := labels(db.ListDatabases(ctx, "a")); got != "[l0 l1 l3]" {
			t.Errorf("account a = %s, want [l0 l1 l3]", got)
		}
		for ref, want := range map[string]string{ids["l2"].ID: "l2", fmt.Sprint(ids["l2"].NumericID): "l2"} {
			if d, err := db.Database(ctx, ref); err != nil || d.Label != want {
				t.Errorf("Database(%s) = %v, %v; want %s", ref, d, err, want)
			}
		}
		if d, err := db.ServerDatabase(ctx, "srv", fmt.Sprint(ids["l3"].NumericID)); err != nil || d.Label != "l3" {
			t.Errorf("ServerDatabase(srv, l3's number) = %v, %v", d, err)
		}
		for name, err := range map[string]error{
			"another server's":  func() error { _, err := db.ServerDatabase(ctx, "srv", ids["l1"].ID); return err }(),
			"another account's": func() error { _, err := db.AccountDatabase(ctx, "b", ids["l0"].ID); return err }(),
			"unknown":           func() error { _, err := db.Database(ctx, "nope"); return err }(),
		} {
			if !errors.Is(err, dbplane.ErrDatabaseNotFound) {
				t.Errorf("%s database = %v, want ErrDatabaseNotFound", name, err)
			}
		}
	})
}
