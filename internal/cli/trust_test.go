package cli_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
)

// mustServer creates a node and a server owned by ownerID and returns the
// server's id.
func (in *instance) mustServer(tb testing.TB, ownerID string) string {
	tb.Helper()
	node := in.mustDo(tb, http.StatusCreated, "POST", "/api/admin/nodes", in.adminKey, map[string]any{"name": "node"}).data(tb)
	srv := in.mustDo(tb, http.StatusCreated, "POST", "/api/admin/servers", in.adminKey, map[string]any{
		"name": "srv", "ownerId": ownerID, "nodeId": node["id"],
	}).data(tb)
	return srv["id"].(string)
}

// TestSubuserCreate_Concurrent: concurrent POST …/subusers for the same
// account make exactly one subuser: one 201, every other answer 409 (issue
// 10, defect 5: on the check-then-upsert handler two could answer 201, the
// second silently replacing the first's permissions).
func TestSubuserCreate_Concurrent(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	owner, _ := in.addTenant(t, "owner@example.com", nil)
	srv := in.mustServer(t, owner)
	const rounds, parallel = 5, 8
	for round := range rounds {
		sub, _ := in.addTenant(t, fmt.Sprintf("sub%d@example.com", round), nil)
		var (
			wg       sync.WaitGroup
			mu       sync.Mutex
			statuses = map[int]int{}
		)
		start := make(chan struct{})
		for i := range parallel {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				perms := []string{"database.read"}
				if i%2 == 1 {
					perms = []string{"database.create"}
				}
				r := in.do(t, "POST", "/api/admin/servers/"+srv+"/subusers", in.adminKey, map[string]any{"accountId": sub, "permissions": perms})
				mu.Lock()
				statuses[r.status]++
				mu.Unlock()
			}()
		}
		close(start)
		wg.Wait()
		if statuses[http.StatusCreated] != 1 || statuses[http.StatusConflict] != parallel-1 {
			t.Errorf("round %d: %d concurrent POST subusers answered %v, want one 201 and %d 409", round, parallel, statuses, parallel-1)
		}
	}
}
