package cli_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/dbplane/dbplane/internal/config"
	"github.com/dbplane/dbplane/internal/dbtest"
)

// scrape returns the samples of /metrics as "name{labels}" → value.
func scrape(t *testing.T, url, token string) map[string]float64 {
	t.Helper()
	req, _ := http.NewRequest("GET", url+"/metrics", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("GET /metrics = %d", res.StatusCode)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out
}

// TestMetrics performs one of each operation on real MariaDB and checks
// that the counters and gauges moved, and that no secret is in them.
func TestMetrics(t *testing.T) {
	in := startInstance(t)
	maria := dbtest.MariaDB(t)
	in.addHost(t, maria)
	_, key := in.addTenant(t, "metrics@example.com", 5)
	before := scrape(t, in.url, "")

	created := in.mustDo(t, 201, "POST", "/api/v1/db/databases", key, map[string]any{"name": "m1", "engine": "mariadb"}).data(t)
	id := created["id"].(string)
	in.mustDo(t, 200, "POST", "/api/v1/db/databases/"+id+"/rotate", key, nil)
	in.mustDo(t, 404, "GET", "/api/v1/db/nope", key, nil)
	in.mustDo(t, 200, "POST", "/api/admin/quota/refresh", in.adminKey, nil)
	after := scrape(t, in.url, "")

	moved := func(name string, by float64) {
		t.Helper()
		if got := after[name] - before[name]; got < by {
			t.Errorf("%s moved by %v, want at least %v", name, got, by)
		}
	}
	moved(`dbplane_http_requests_total{route="POST /api/v1/db/databases",status="201",surface="dbapi"}`, 1)
	moved(`dbplane_http_requests_total{route="POST /api/v1/db/databases/{id}/rotate",status="200",surface="dbapi"}`, 1)
	moved(`dbplane_http_requests_total{route="unmatched",status="404",surface="dbapi"}`, 1)
	moved(`dbplane_http_request_duration_seconds_count{route="POST /api/v1/db/databases",surface="dbapi"}`, 1)
	moved(`dbplane_engine_operations_total{engine="mariadb",op="ensure",outcome="ok"}`, 1)
	moved(`dbplane_engine_operations_total{engine="mariadb",op="set_password",outcome="ok"}`, 1)
	moved(`dbplane_quota_passes_total{outcome="ok"}`, 1)
	moved(`dbplane_quota_pass_duration_seconds_count`, 1)
	// The create (intent, completion) and the rotate (the same) wrote at
	// least four transactions, sequentially: one commit each.
	moved(`dbplane_store_write_transactions_total`, 4)
	moved(`dbplane_store_commits_total`, 4)
	if w, c := after[`dbplane_store_write_transactions_total`], after[`dbplane_store_commits_total`]; c > w || c == 0 {
		t.Errorf("store commits = %v for %v write transactions, want between 1 and the transactions", c, w)
	}
	if got := after["dbplane_hosts_down"]; got != 0 {
		t.Errorf("dbplane_hosts_down = %v with the host up, want 0", got)
	}
	if got := after[`dbplane_databases{engine="mariadb",status="active"}`]; got != 1 {
		t.Errorf("dbplane_databases{mariadb,active} = %v, want 1", got)
	}
	if after[`dbplane_hosts{state="enabled"}`] != 1 || after[`dbplane_store_up`] != 1 {
		t.Errorf("hosts enabled = %v, store up = %v; want 1 and 1", after[`dbplane_hosts{state="enabled"}`], after[`dbplane_store_up`])
	}
	if after[`dbplane_api_keys{kind="user",state="active"}`] != 1 || after[`dbplane_api_keys{kind="admin",state="active"}`] != 1 {
		t.Errorf("active keys: user %v, admin %v; want 1 and 1", after[`dbplane_api_keys{kind="user",state="active"}`], after[`dbplane_api_keys{kind="admin",state="active"}`])
	}
	if after["dbplane_intents_pending"] != 0 {
		t.Errorf("intents pending = %v after settled changes", after["dbplane_intents_pending"])
	}
	// No key, password or path id becomes a label.
	res, _ := http.Get(in.url + "/metrics")
	var buf bytes.Buffer
	buf.ReadFrom(res.Body)
	res.Body.Close()
	for _, s := range []string{key, created["password"].(string), id, maria.AdminConfig().Password} {
		if strings.Contains(buf.String(), s) {
			t.Errorf("/metrics holds a secret or an id: %.8s…", s)
		}
	}
}

func TestMetricsToken(t *testing.T) {
	in := startInstanceWith(t, func(c *config.Config) { c.MetricsToken = "s3cret-token-for-metrics" })
	res, err := http.Get(in.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET /metrics without the token = %d, want 401", res.StatusCode)
	}
	if m := scrape(t, in.url, "s3cret-token-for-metrics"); m["dbplane_store_up"] != 1 {
		t.Errorf("with the token: dbplane_store_up = %v", m["dbplane_store_up"])
	}
}

// TestGrafanaDashboardMatchesMetrics: every dbplane metric the example
// dashboard in docs/ queries is one /metrics serves.
func TestGrafanaDashboardMatchesMetrics(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "grafana-dashboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dash map[string]any
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatalf("docs/grafana-dashboard.json: %v", err)
	}
	in := startInstance(t)
	// Every family has a sample once a database exists on a host.
	in.addHost(t, dbtest.MariaDB(t))
	_, key := in.addTenant(t, "grafana@example.com", 5)
	in.mustDo(t, 201, "POST", "/api/v1/db/databases", key, map[string]any{"name": "g1", "engine": "mariadb"})
	in.mustDo(t, 200, "POST", "/api/admin/quota/refresh", in.adminKey, nil)
	served := map[string]bool{}
	for sample := range scrape(t, in.url, "") {
		name, _, _ := strings.Cut(sample, "{")
		served[name] = true
	}
	used := regexp.MustCompile(`dbplane_[a-z_]+`).FindAllString(string(b), -1)
	if len(used) < 10 {
		t.Fatalf("the dashboard queries %d dbplane metrics; is it the right file?", len(used))
	}
	for _, name := range used {
		if !served[name] {
			t.Errorf("docs/grafana-dashboard.json queries %s, which /metrics does not serve", name)
		}
	}
}
