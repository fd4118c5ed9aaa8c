package control_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/dbtest"
)

// A server's databases go to the hosts linked to its node first, a host
// linked to several nodes serving each of them, emptiest first among the
// linked ones; a linked host that is full is passed over in the same
// transaction as the quota checks; a node whose hosts are all full falls
// back to the other hosts. On real MariaDB: three host rows on one server.
func TestPlacement_PrefersHostsLinkedToTheServersNode(t *testing.T) {
	if testing.Short() {
		t.Skip("starts database servers")
	}
	srv := dbtest.MariaDB(t)
	ctx := context.Background()
	rs := openRealService(t, t.TempDir(), nil)
	nodeA, err := rs.svc.CreateNode(ctx, "node-a")
	if err != nil {
		t.Fatal(err)
	}
	nodeB, err := rs.svc.CreateNode(ctx, "node-b")
	if err != nil {
		t.Fatal(err)
	}
	nodeC, err := rs.svc.CreateNode(ctx, "node-c")
	if err != nil {
		t.Fatal(err)
	}
	host := func(name string, max *int, nodes ...string) *dbplane.Host {
		t.Helper()
		in := hostInput(srv)
		in.Name, in.NodeIDs = &name, &nodes
		in.MaxDatabasesSet, in.MaxDatabases = true, max
		h, err := rs.svc.CreateHost(ctx, in)
		if err != nil {
			t.Fatalf("CreateHost(%s): %v", name, err)
		}
		return h
	}
	unlinked := host("a-unlinked", nil)
	// Linked to two nodes, given by numeric id and by UUID.
	small := host("b-small", ptr(1), strconv.FormatInt(nodeB.NumericID, 10), nodeA.ID)
	big := host("c-big", nil, nodeC.ID, nodeA.ID)
	if got := small.NodeIDs; len(got) != 2 {
		t.Fatalf("b-small NodeIDs = %v, want node-a and node-b", got)
	}
	acct, err := rs.svc.CreateAccount(ctx, dbplane.AccountInput{Email: "placement@example.com", Name: "placement"})
	if err != nil {
		t.Fatal(err)
	}
	onA, err := rs.svc.CreateServer(ctx, dbplane.ServerInput{Name: "on-a", OwnerID: acct.ID, NodeID: nodeA.ID})
	if err != nil {
		t.Fatal(err)
	}
	onB, err := rs.svc.CreateServer(ctx, dbplane.ServerInput{Name: "on-b", OwnerID: acct.ID, NodeID: nodeB.ID})
	if err != nil {
		t.Fatal(err)
	}
	create := func(server *dbplane.Server, name string) string {
		t.Helper()
		cr, err := rs.svc.CreateServerDatabase(ctx, dbplane.ServerDatabaseInput{ServerID: server.ID, Name: name})
		if err != nil {
			t.Fatalf("CreateServerDatabase(%s, %s): %v", server.Name, name, err)
		}
		return cr.Database.HostID
	}
	placed := map[string]int{}
	for _, name := range []string{"one", "two", "three"} {
		placed[create(onA, name)]++
	}
	// The unlinked host, emptier than c-big at the third create, gets
	// nothing: node A's hosts come first; b-small holds one.
	if placed[small.ID] != 1 || placed[big.ID] != 2 || placed[unlinked.ID] != 0 {
		t.Errorf("node A's databases: b-small %d, c-big %d, unlinked %d; want 1, 2, 0",
			placed[small.ID], placed[big.ID], placed[unlinked.ID])
	}
	// Node B's only host is full: the emptiest other host.
	if got := create(onB, "four"); got != unlinked.ID {
		t.Errorf("node B's database went to %s, want the unlinked host %s (b-small is full, c-big holds more)", got, unlinked.ID)
	}
	// Unlinking c-big from node A sends node A's next database elsewhere.
	if _, err := rs.svc.UpdateHost(ctx, big.ID, dbplane.HostInput{NodeIDs: &[]string{nodeC.ID}}); err != nil {
		t.Fatal(err)
	}
	if got := create(onA, "five"); got != unlinked.ID {
		t.Errorf("after unlinking, node A's database went to %s, want %s", got, unlinked.ID)
	}
}
