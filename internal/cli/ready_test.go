package cli_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"testing"

	"github.com/dbplane/dbplane/internal/dbtest"
)

type readyBody struct {
	Status    string `json:"status"`
	HostsDown []struct {
		ID, Name, Problem, Since string
	} `json:"hostsDown"`
}

func getReady(t *testing.T, url string) (int, readyBody) {
	t.Helper()
	res, err := http.Get(url + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b readyBody
	if err := json.NewDecoder(res.Body).Decode(&b); err != nil {
		t.Fatalf("/readyz body: %v", err)
	}
	return res.StatusCode, b
}

// TestReadyListsHostsDown: a MariaDB killed under dbplane shows in /readyz
// once an operation has found it down, and the replica stays ready: only
// the requests that need that host fail.
func TestReadyListsHostsDown(t *testing.T) {
	maria, err := dbtest.StartMariaDB(context.Background(), t.TempDir())
	if errors.Is(err, dbtest.ErrNotInstalled) && os.Getenv("CI") != "true" {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { maria.Stop() })
	in := startInstance(t)
	host := in.addHost(t, maria)
	_, key := in.addTenant(t, "ready@example.com", 5)
	in.mustDo(t, 201, "POST", "/api/v1/db/databases", key, map[string]any{"name": "before", "engine": "mariadb"})
	if code, b := getReady(t, in.url); code != 200 || b.Status != "ready" || len(b.HostsDown) != 0 {
		t.Fatalf("/readyz with the host up = %d %+v", code, b)
	}

	if err := maria.Stop(); err != nil {
		t.Fatal(err)
	}
	in.mustDo(t, 503, "POST", "/api/v1/db/databases", key, map[string]any{"name": "after", "engine": "mariadb"})
	code, b := getReady(t, in.url)
	if code != 200 || len(b.HostsDown) != 1 || b.HostsDown[0].ID != host["id"] || b.HostsDown[0].Name != host["name"] || b.HostsDown[0].Problem == "" {
		t.Fatalf("/readyz with the host killed = %d %+v, want ready with %v listed down", code, b, host["name"])
	}
	// Reads that need no host keep working.
	in.mustDo(t, 200, "GET", "/api/v1/db/databases", key, nil)
	if m := scrape(t, in.url, ""); m["dbplane_hosts_down"] != 1 {
		t.Errorf("dbplane_hosts_down = %v with the host killed, want 1", m["dbplane_hosts_down"])
	}
}
