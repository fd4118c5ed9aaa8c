package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/store"
)

func mustNode(tb testing.TB, db *store.DB, id string) *dbplane.Node {
	tb.Helper()
	n := &dbplane.Node{ID: id, Name: id}
	if err := db.CreateNode(context.Background(), n); err != nil {
		tb.Fatalf("CreateNode(%s): %v", id, err)
	}
	return n
}

func hostNodes(tb testing.TB, db *store.DB, id string) []string {
	tb.Helper()
	h, err := db.Host(context.Background(), id)
	if err != nil {
		tb.Fatalf("Host(%s): %v", id, err)
	}
	return h.NodeIDs
}

// A host links to several nodes (Pelican's node_ids), given by UUID or
// numeric id; reads return the UUIDs, sorted; an update replaces the
// links, and a node that does not exist changes nothing.
func TestHost_LinksSeveralNodes(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		ctx := context.Background()
		n1, n2, n3 := mustNode(t, db, "node-a"), mustNode(t, db, "node-b"), mustNode(t, db, "node-c")
		h := &dbplane.Host{ID: "h1", Name: "h1", Engine: dbplane.EngineMariaDB, Hostname: "127.0.0.1", Port: 3306, Username: "root",
			SealedPassword: []byte("sealed"), TLS: dbplane.TLSDisable, Enabled: true,
			NodeIDs: []string{n2.ID, itoa(n1.NumericID), n2.ID}}
		if err := db.CreateHost(ctx, h); err != nil {
			t.Fatalf("CreateHost: %v", err)
		}
		want := []string{n1.ID, n2.ID}
		if !slices.Equal(h.NodeIDs, want) {
			t.Errorf("CreateHost NodeIDs = %v, want %v", h.NodeIDs, want)
		}
		if got := hostNodes(t, db, "h1"); !slices.Equal(got, want) {
			t.Errorf("Host NodeIDs = %v, want %v", got, want)
		}
		mustHost(t, db, "h2", nil)
		hosts, err := db.ListHosts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][]string{}
		for _, x := range hosts {
			got[x.ID] = x.NodeIDs
		}
		if !slices.Equal(got["h1"], want) || len(got["h2"]) != 0 {
			t.Errorf("ListHosts NodeIDs = %v, want h1 %v and h2 none", got, want)
		}

		cur, _ := db.Host(ctx, "h1")
		cur.NodeIDs = []string{n3.ID}
		if err := db.UpdateHost(ctx, cur); err != nil {
			t.Fatalf("UpdateHost: %v", err)
		}
		if got := hostNodes(t, db, "h1"); !slices.Equal(got, []string{n3.ID}) {
			t.Errorf("after update NodeIDs = %v, want [%s]", got, n3.ID)
		}

		cur, _ = db.Host(ctx, "h1")
		cur.Name, cur.NodeIDs = "renamed", []string{n1.ID, "no-such-node"}
		err = db.UpdateHost(ctx, cur)
		if dbplane.ErrorCode(err) != dbplane.CodeInvalid || dbplane.ErrorField(err) != "nodeIds" {
			t.Fatalf("UpdateHost with an unknown node = %v, want a nodeIds field error", err)
		}
		after, _ := db.Host(ctx, "h1")
		if after.Name != "h1" || !slices.Equal(after.NodeIDs, []string{n3.ID}) {
			t.Errorf("after a refused update: name %q, nodes %v; want nothing changed", after.Name, after.NodeIDs)
		}

		after.NodeIDs = nil
		if err := db.UpdateHost(ctx, after); err != nil {
			t.Fatal(err)
		}
		if got := hostNodes(t, db, "h1"); len(got) != 0 {
			t.Errorf("after unlinking NodeIDs = %v, want none", got)
		}

		// Deleting a host takes its links with it.
		cur, _ = db.Host(ctx, "h2")
		cur.NodeIDs = []string{n1.ID}
		if err := db.UpdateHost(ctx, cur); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteHost(ctx, "h2"); err != nil {
			t.Fatalf("DeleteHost: %v", err)
		}
		mustHost(t, db, "h2", nil)
		if got := hostNodes(t, db, "h2"); len(got) != 0 {
			t.Errorf("a new host with a deleted host's id has links %v", got)
		}
	})
}

// The migration moves each host's single node link (hosts.node_id, a
// node's UUID or, as the admin API stored it, its numeric id) into
// host_nodes, and drops links to no node.
func TestMigration_HostNodesMovesTheNodeLink(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		ctx := context.Background()
		n1, n2 := mustNode(t, db, "node-a"), mustNode(t, db, "node-b")
		for _, id := range []string{"by-uuid", "by-number", "dangling", "none"} {
			mustHost(t, db, id, nil)
		}
		prefix := "0009_"
		if store.Dialect(db) == "postgres" {
			prefix = "0003_"
		}
		// Back to the shape before the migration.
		err := store.ExecSchema(ctx, db, `DROP TABLE host_nodes;
			ALTER TABLE hosts ADD COLUMN node_id TEXT;
			UPDATE hosts SET node_id = '`+n1.ID+`' WHERE id = 'by-uuid';
			UPDATE hosts SET node_id = '`+itoa(n2.NumericID)+`' WHERE id = 'by-number';
			UPDATE hosts SET node_id = 'gone' WHERE id = 'dangling';`)
		if err != nil {
			t.Fatalf("revert: %v", err)
		}
		if err := store.RunMigration(ctx, db, prefix); err != nil {
			t.Fatalf("migration: %v", err)
		}
		for id, want := range map[string][]string{"by-uuid": {n1.ID}, "by-number": {n2.ID}, "dangling": nil, "none": nil} {
			if got := hostNodes(t, db, id); !slices.Equal(got, want) {
				t.Errorf("host %s: NodeIDs = %v, want %v", id, got, want)
			}
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestCandidateHosts: the enabled, not retired hosts of the engine, the
// emptiest first, then by name; on both dialects.
func TestCandidateHosts(t *testing.T) {
	t.Parallel()
	bothDialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mk := func(id, name string, e dbplane.Engine, enabled bool) {
			t.Helper()
			h := &dbplane.Host{ID: id, Name: name, Engine: e, Hostname: "127.0.0.1", Port: 3306, Username: "root",
				SealedPassword: []byte("sealed"), TLS: dbplane.TLSDisable, Enabled: enabled}
			if err := db.CreateHost(ctx, h); err != nil {
				t.Fatal(err)
			}
		}
		mk("hb", "b", dbplane.EngineMariaDB, true)
		mk("ha", "a", dbplane.EngineMariaDB, true)
		mk("hc", "c", dbplane.EngineMariaDB, true)
		mk("hoff", "0-off", dbplane.EngineMariaDB, false)
		mk("hpg", "0-pg", dbplane.EnginePostgres, true)
		mk("hgone", "0-gone", dbplane.EngineMariaDB, true)
		if _, _, err := db.RetireHost(ctx, "hgone"); err != nil {
			t.Fatal(err)
		}
		got, err := db.CandidateHosts(ctx, dbplane.EngineMariaDB)
		if err != nil || fmt.Sprint(got) != "[ha hb hc]" {
			t.Fatalf("CandidateHosts = %v, %v; want [ha hb hc] (by name when equally full)", got, err)
		}
		// Two databases on ha, one on hb: hc is now the emptiest.
		mustAccount(t, db, "acc", nil)
		for i, h := range []string{"ha", "ha", "hb"} {
			if err := db.InsertDatabase(ctx, newDB("acc", fmt.Sprint("l", i), h)); err != nil {
				t.Fatal(err)
			}
		}
		got, err = db.CandidateHosts(ctx, dbplane.EngineMariaDB)
		if err != nil || fmt.Sprint(got) != "[hc hb ha]" {
			t.Fatalf("CandidateHosts = %v, %v; want [hc hb ha]", got, err)
		}
		if got, err := db.CandidateHosts(ctx, dbplane.EngineMongo); err != nil || len(got) != 0 {
			t.Fatalf("CandidateHosts(mongodb) = %v, %v; want none", got, err)
		}
	})
}

// A host's pool size is stored on create, replaced on update, and read
// back by Host and ListHosts; a host made without one reads 0 (automatic).
func TestHost_PoolSizeRoundTrip(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		ctx := context.Background()
		h := &dbplane.Host{ID: "h1", Name: "h1", Engine: dbplane.EngineMariaDB, Hostname: "127.0.0.1", Port: 3306, Username: "root",
			SealedPassword: []byte("sealed"), TLS: dbplane.TLSDisable, Enabled: true, PoolSize: 12}
		if err := db.CreateHost(ctx, h); err != nil {
			t.Fatalf("CreateHost: %v", err)
		}
		mustHost(t, db, "h2", nil)
		got, err := db.Host(ctx, "h1")
		if err != nil {
			t.Fatal(err)
		}
		if got.PoolSize != 12 {
			t.Errorf("Host PoolSize = %d, want 12", got.PoolSize)
		}
		got.PoolSize = 1000
		if err := db.UpdateHost(ctx, got); err != nil {
			t.Fatalf("UpdateHost: %v", err)
		}
		hosts, err := db.ListHosts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sizes := map[string]int{}
		for _, x := range hosts {
			sizes[x.ID] = x.PoolSize
		}
		if sizes["h1"] != 1000 || sizes["h2"] != 0 {
			t.Errorf("ListHosts pool sizes = %v, want h1 1000 and h2 0", sizes)
		}
		got, _ = db.Host(ctx, "h1")
		got.PoolSize = 0
		if err := db.UpdateHost(ctx, got); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Host(ctx, strconv.FormatInt(h.NumericID, 10)); got.PoolSize != 0 {
			t.Errorf("after setting 0, PoolSize = %d, want 0", got.PoolSize)
		}
	})
}

// TestInsertDatabase_ChoosesAmongTheEngineHosts: without hosts of its
// own, an insert reads its engine's enabled hosts in its own transaction,
// emptiest first, and lets Order rearrange them; with none it is
// ErrEngineDisabled and writes nothing.
func TestInsertDatabase_ChoosesAmongTheEngineHosts(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		ctx := context.Background()
		mustAccount(t, db, "acc", nil)

		nd := newDB("acc", "none")
		nd.Hosts = nil
		if err := db.InsertDatabase(ctx, nd); !errors.Is(err, dbplane.ErrEngineDisabled) {
			t.Fatalf("insert with no host of the engine = %v, want ErrEngineDisabled", err)
		}
		if dbs, err := db.ListDatabases(ctx, "acc"); err != nil || len(dbs) != 0 {
			t.Fatalf("databases after a refused insert = %d, %v; want none", len(dbs), err)
		}

		mustHost(t, db, "ha", nil)
		mustHost(t, db, "hb", nil)
		place := func(label string, order func([]string) []string) string {
			t.Helper()
			nd := newDB("acc", label)
			nd.Hosts, nd.Order = nil, order
			if err := db.InsertDatabase(ctx, nd); err != nil {
				t.Fatalf("insert %s: %v", label, err)
			}
			return nd.Database.HostID
		}
		// Emptiest first, by name when equally full.
		if got := place("one", nil); got != "ha" {
			t.Errorf("first insert on %s, want ha", got)
		}
		if got := place("two", nil); got != "hb" {
			t.Errorf("second insert on %s, want hb (the emptier)", got)
		}
		// Order puts hb first (as healthyFirst puts a down host last).
		last := func(id string) func([]string) []string {
			return func(ids []string) []string {
				out := slices.DeleteFunc(slices.Clone(ids), func(s string) bool { return s == id })
				return append(out, id)
			}
		}
		if got := place("three", last("ha")); got != "hb" {
			t.Errorf("insert with ha ordered last on %s, want hb", got)
		}
	})
}
