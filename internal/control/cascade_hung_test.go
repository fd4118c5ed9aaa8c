package control_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dbplane/dbplane/internal/control"
	"github.com/dbplane/dbplane/internal/engine/enginefake"
)

// TestDeleteAccount_MoreHungHostsThanWorkers: a cascade account delete
// over more hung hosts than it drops from at once (8) still costs the
// request one engine timeout (SPEC §6): the hosts no worker reached in
// time are left pending for the next pass, not waited on round after
// round.
func TestDeleteAccount_MoreHungHostsThanWorkers(t *testing.T) {
	const timeout = 300 * time.Millisecond
	f := newFixture(t, control.Options{EngineTimeout: timeout})
	for i := 2; i <= 10; i++ {
		f.mustHost(t, fmt.Sprintf("fake-%d", i), "hostpw-"+strings.Repeat("s", 20))
	}
	acct := f.mustAccount(t, "bob@example.com", ptr(20))
	hosts := map[string]bool{}
	for i := range 10 {
		cr := f.mustCreate(t, acct.ID, fmt.Sprintf("db%d", i))
		hosts[cr.Database.HostID] = true
	}
	if len(hosts) < 9 {
		t.Fatalf("databases on %d hosts, want more than 8", len(hosts))
	}
	f.fake.Hang(enginefake.OpDrop, true)
	start := time.Now()
	res, err := f.svc.DeleteAccount(context.Background(), acct.ID, true)
	took := time.Since(start)
	if err != nil {
		t.Fatalf("DeleteAccount: %v", err)
	}
	if res.Deleted || res.Pending != 10 {
		t.Errorf("deletion = %+v, want the account kept with its 10 databases pending", res)
	}
	if took > timeout+timeout/2 {
		t.Errorf("cascade delete over %d hung hosts took %s, want about one engine timeout (%s)", len(hosts), took, timeout)
	}
}
