package cli_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/dbplane/dbplane/internal/dbtest"
)

// scaleoutEnv gates TestScaleOut: it starts PostgreSQL and four serve
// processes and takes about a minute (.ci/run sets it).
const scaleoutEnv = "DBPLANE_TEST_SCALEOUT"

// cluster is 3 serve replicas on one PostgreSQL store, its metadata
// database opened directly, and the PostgreSQL engine host they share.
type cluster struct {
	t        *testing.T
	replicas []*proc
	storeURL string
	key      string // master key
	admin    string // admin API key
	meta     *sql.DB
	engine   *dbtest.Server
	// before are the databases the shared PostgreSQL held when the
	// cluster started (other tests' leftovers, the metadata store): the
	// orphan check leaves them out.
	before   map[string]bool
	mu       sync.Mutex
	next     int               // round robin
	checkers map[string]string // per account, a key the invariants reveal with
}

// TestScaleOut is issue 8's "How it is checked", with processes: three
// replicas started together on an empty PostgreSQL store, clients round
// robin over them, and the invariants checked after each scenario: no
// intent left once the lease has passed, every row on its engine with a
// stored password that logs in, no orphan on the engine, every counter
// equal to COUNT(*).
func TestScaleOut(t *testing.T) {
	if os.Getenv(scaleoutEnv) != "1" {
		t.Skipf("set %s=1 to run the scale-out test (3 serve processes on one PostgreSQL store)", scaleoutEnv)
	}
	pg := dbtest.Postgres(t)
	parent := t
	c := &cluster{t: t, engine: pg, key: newMasterKey(t), checkers: map[string]string{}}
	c.storeURL = pg.URL(pg.NewDatabase(t))
	c.before = map[string]bool{}
	for _, n := range c.engineDatabases(context.Background()) {
		c.before[n] = true
	}
	var stdout, stderr bytes.Buffer
	t.Setenv("DBPLANE_MASTER_KEY", c.key)
	if code := cliMain([]string{"init", "--store", c.storeURL}, &stdout, &stderr); code != 0 {
		t.Fatalf("init: exit %d: %s", code, stderr.String())
	}
	c.admin = strings.TrimSpace(stdout.String())
	var err error
	if c.meta, err = sql.Open("pgx", c.storeURL); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.meta.Close() })

	// Three replicas started together.
	var wg sync.WaitGroup
	c.replicas = make([]*proc, 3)
	for i := range c.replicas {
		wg.Add(1)
		go func() { defer wg.Done(); c.replicas[i] = startProc(t, fmt.Sprintf("r%d", i), c.storeURL, c.key, "") }()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	// Registered after the replicas' own cleanups, so it runs before their
	// logs are removed.
	t.Cleanup(func() {
		if t.Failed() {
			for _, p := range c.replicas {
				t.Logf("replica %s, errors and warnings:\n%s", p.name, grepLines(p.logs(), "level=ERROR", "level=WARN"))
			}
		}
	})
	c.oneLeader()

	cfg := pg.AdminConfig()
	host := c.mustDo(201, "POST", "/api/admin/database-hosts", c.admin, map[string]any{
		"name": "pg", "engine": "postgres", "hostname": cfg.Host, "port": cfg.Port,
		"username": cfg.User, "password": cfg.Password, "tls": "disable", "database": cfg.Database,
	})
	hostID := host["id"].(string)

	t.Run("60 creates for 10 slots", func(t *testing.T) {
		c.t = t
		defer func() { c.t = parent }()
		_, key := c.tenant("slots@example.com", 10)
		got := c.race(60, func(i int) (int, string) {
			return c.create(key, fmt.Sprintf("s%d", i))
		})
		c.expect(got, map[string]int{"201": 10, "402 OUT_OF_SLOTS": 50})
		c.invariants()
	})

	t.Run("60 creates for 10 places on the host", func(t *testing.T) {
		c.t = t
		defer func() { c.t = parent }()
		_, key := c.tenant("host@example.com", nil)
		c.mustDo(200, "PATCH", "/api/admin/database-hosts/"+hostID, c.admin, map[string]any{"maxDatabases": c.rows() + 10})
		got := c.race(60, func(i int) (int, string) {
			return c.create(key, fmt.Sprintf("h%d", i))
		})
		c.expect(got, map[string]int{"201": 10, "503 NO_CAPACITY": 50})
		c.mustDo(200, "PATCH", "/api/admin/database-hosts/"+hostID, c.admin, map[string]any{"maxDatabases": nil})
		c.invariants()
	})

	t.Run("60 creates for a server's databaseLimit of 10", func(t *testing.T) {
		c.t = t
		defer func() { c.t = parent }()
		ownerID, ownerKey := c.tenant("owner@example.com", nil)
		node := c.mustDo(201, "POST", "/api/admin/nodes", c.admin, map[string]any{"name": "node-1"})
		srv := c.mustDo(201, "POST", "/api/admin/servers", c.admin, map[string]any{
			"name": "survival", "ownerId": ownerID, "nodeId": node["id"], "databaseLimit": 10,
		})
		base := "/api/client/servers/" + srv["identifier"].(string) + "/databases"
		got := c.race(60, func(i int) (int, string) {
			r := c.do("POST", base, ownerKey, map[string]any{"database": fmt.Sprintf("db%02d", i), "remote": "%", "engine": "postgres"})
			return r.status, pteroCode(r.body)
		})
		c.expect(got, map[string]int{"200": 10, "400 TooManyDatabasesException": 50})
		c.invariants()
	})

	t.Run("caches across replicas", func(t *testing.T) {
		c.t = t
		defer func() { c.t = parent }()
		accountID, key := c.tenant("cache@example.com", nil)
		if status, code := c.create(key, "app"); status != 201 {
			t.Fatalf("create = %d %s", status, code)
		}
		id := c.databaseIDs(accountID)[0]
		for i := range 3 { // warm every replica's caches
			c.at(i, 200, "GET", "/api/v1/db/databases/"+id, key, nil)
		}
		rotated := c.at(0, 200, "POST", "/api/v1/db/databases/"+id+"/rotate", key, nil)
		for i := 1; i < 3; i++ {
			got := c.at(i, 200, "GET", "/api/v1/db/databases/"+id, key, nil)
			if got["password"] != rotated["password"] {
				t.Errorf("reveal on replica %d right after a rotate on replica 0 returned the old password", i)
			}
		}
		keyID := c.keyID(accountID)
		c.at(0, 200, "PATCH", "/api/admin/accounts/"+accountID+"/keys/"+keyID, c.admin, map[string]any{"disabled": true})
		for i := 1; i < 3; i++ {
			if r := c.doAt(i, "GET", "/api/v1/db/databases", key, nil); r.status != 401 {
				t.Errorf("a key disabled on replica 0 gets %d on replica %d, want 401", r.status, i)
			}
		}
		c.invariants()
	})

	for _, step := range []string{"create:recorded", "create:engine-done"} {
		t.Run("SIGKILL at "+step, func(t *testing.T) {
			c.t = t
			defer func() { c.t = parent }()
			accountID, key := c.tenant(strings.ReplaceAll(step, ":", "-")+"@example.com", nil)
			crasher := startProc(t, "crash-"+step, c.storeURL, c.key, step)
			r := doURL(t, crasher.url, "POST", "/api/v1/db/databases", key, map[string]any{"name": "killed", "engine": "postgres"})
			if r.status != 0 {
				t.Fatalf("create on the replica that dies at %s answered %d: %s", step, r.status, r.body)
			}
			select {
			case <-crasher.done:
			case <-time.After(10 * time.Second):
				t.Fatalf("the replica did not die at %s", step)
			}
			c.invariants() // waits for the lease: the leader finishes the create
			if n := len(c.databaseIDs(accountID)); n != 1 {
				t.Errorf("after SIGKILL at %s, %d rows for the create, want 1 (finished by the leader)", step, n)
			}
		})
	}

	t.Run("SIGKILL the leader in the middle of a quota pass", func(t *testing.T) {
		c.t = t
		defer func() { c.t = parent }()
		accountID, key := c.tenant("quota@example.com", nil)
		created := c.mustDo(201, "POST", "/api/v1/db/databases", key, map[string]any{"name": "full", "engine": "postgres"})
		dbName, dbUser, pw := created["dbName"].(string), created["dbUser"].(string), created["password"].(string)
		var size int64
		c.poll(15*time.Second, "the watcher measures the new database", func() bool {
			return c.meta.QueryRow(`SELECT size_bytes FROM databases WHERE db_name = $1 AND size_refreshed_at IS NOT NULL`, dbName).Scan(&size) == nil
		})
		c.mustDo(200, "PATCH", "/api/admin/accounts/"+accountID, c.admin, map[string]any{"storageBytes": size + 1<<20})

		// Freeze every replica, so that the one that dies at
		// quota:host-measured is elected, fill the database past its
		// quota, and let that one measure it and die before it applies
		// anything.
		for _, p := range c.replicas {
			p.freeze(true)
		}
		fill := "CREATE TABLE t (id INT PRIMARY KEY, b TEXT); INSERT INTO t SELECT g, md5(random()::text) || md5(random()::text) FROM generate_series(1, 30000) g"
		if err := c.engine.ExecAs(context.Background(), dbUser, pw, dbName, fill); err != nil {
			t.Fatal(err)
		}
		crasher := startProc(t, "crash-quota", c.storeURL, c.key, "quota:host-measured")
		select {
		case <-crasher.done:
		case <-time.After(30 * time.Second):
			t.Fatalf("the replica that dies in a quota pass is still running: %s", tail(crasher.logs()))
		}
		if !strings.Contains(crasher.logs(), "elected leader") {
			t.Fatalf("the replica died without leading: %s", tail(crasher.logs()))
		}
		epoch := c.epoch()
		var status string
		c.meta.QueryRow(`SELECT status FROM databases WHERE db_name = $1`, dbName).Scan(&status)
		if status != "active" {
			t.Fatalf("status %s after the pass that died, want active (nothing applied yet)", status)
		}
		for _, p := range c.replicas {
			p.freeze(false)
		}
		c.oneLeader()
		c.poll(20*time.Second, "the next leader's pass moves the database to over_quota", func() bool {
			return c.meta.QueryRow(`SELECT status FROM databases WHERE db_name = $1`, dbName).Scan(&status) == nil && status == "over_quota"
		})
		if e := c.epoch(); e <= epoch {
			t.Errorf("epoch %d after the new election, want more than %d", e, epoch)
		}
		if err := c.engine.ExecAs(context.Background(), dbUser, pw, dbName, "INSERT INTO t VALUES (0, 'x')"); err == nil {
			t.Error("over quota: the tenant's INSERT went through on the engine")
		}
		if err := c.engine.ExecAs(context.Background(), dbUser, pw, dbName, "TRUNCATE t"); err != nil {
			t.Fatal(err)
		}
		c.poll(20*time.Second, "the database is active again once space is freed", func() bool {
			return c.meta.QueryRow(`SELECT status FROM databases WHERE db_name = $1`, dbName).Scan(&status) == nil && status == "active"
		})
		c.invariants()
	})

	t.Run("SIGSTOP the leader past its lease, then SIGCONT", func(t *testing.T) {
		c.t = t
		defer func() { c.t = parent }()
		old := c.oneLeader()
		epoch := c.epoch()
		c.replicas[old].freeze(true)
		next := c.waitLeader(old, 15*time.Second)
		if e := c.epoch(); e <= epoch {
			t.Errorf("epoch %d after replica %d took over from %d, want more than %d", e, next, old, epoch)
		}
		// Work goes on while the old leader is frozen.
		_, key := c.tenant("frozen@example.com", nil)
		c.createOn(next, key, "while-frozen")
		c.replicas[old].freeze(false)
		deadline := time.Now().Add(10 * time.Second)
		for c.replicas[old].leads() {
			if time.Now().After(deadline) {
				t.Fatalf("the woken leader %d never stepped down: %s", old, tail(c.replicas[old].logs()))
			}
			time.Sleep(100 * time.Millisecond)
		}
		c.oneLeader()
		c.invariants()
	})

	t.Run("every store session ended in the middle of creates", func(t *testing.T) {
		c.t = t
		defer func() { c.t = parent }()
		_, key := c.tenant("terminated@example.com", nil)
		done := make(chan map[string]int)
		go func() {
			done <- c.race(30, func(i int) (int, string) { return c.create(key, fmt.Sprintf("t%d", i)) })
		}()
		time.Sleep(50 * time.Millisecond)
		if _, err := c.engine.AdminDB().Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
			WHERE pid <> pg_backend_pid() AND application_name LIKE 'dbplane%'`); err != nil {
			t.Fatal(err)
		}
		t.Logf("answers while the sessions ended: %v", <-done)
		for _, p := range c.replicas {
			if l := grepLines(p.logs(), `msg="internal error"`); l != "" {
				t.Logf("replica %s:\n%s", p.name, l)
			}
		}
		// The pools reconnect and the replicas elect a leader again; every
		// replica creates again.
		c.oneLeader()
		for _, i := range c.live() {
			c.poll(10*time.Second, fmt.Sprintf("replica %d creates again", i), func() bool {
				r := c.doAt(i, "POST", "/api/v1/db/databases", key, map[string]any{"name": fmt.Sprintf("again-%d-%d", i, time.Now().UnixNano()), "engine": "postgres"})
				return r.status == 201
			})
		}
		c.invariants()
	})

	t.Run("SIGKILL the leader", func(t *testing.T) {
		c.t = t
		defer func() { c.t = parent }()
		old := c.oneLeader()
		c.replicas[old].signal(syscall.SIGKILL)
		<-c.replicas[old].done
		next := c.waitLeader(old, 10*time.Second)
		_, key := c.tenant("after-kill@example.com", nil)
		c.createOn(next, key, "after-kill")
		c.invariants()
	})
}

// race runs n calls at once, round robin over the live replicas, and
// counts "status code" answers.
func (c *cluster) race(n int, call func(i int) (int, string)) map[string]int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	got := map[string]int{}
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, code := call(i)
			k := fmt.Sprint(status)
			if code != "" {
				k += " " + code
			}
			mu.Lock()
			got[k]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	return got
}

func (c *cluster) expect(got, want map[string]int) {
	c.t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		c.t.Errorf("answers %v, want %v", got, want)
	}
}

func (c *cluster) create(key, name string) (int, string) {
	r := c.do("POST", "/api/v1/db/databases", key, map[string]any{"name": name, "engine": "postgres"})
	var m map[string]any
	json.Unmarshal(r.body, &m)
	code, _ := m["code"].(string)
	return r.status, code
}

func (c *cluster) createOn(i int, key, name string) {
	c.t.Helper()
	c.at(i, 201, "POST", "/api/v1/db/databases", key, map[string]any{"name": name, "engine": "postgres"})
}

func pteroCode(body []byte) string {
	var m struct {
		Errors []struct{ Code string } `json:"errors"`
	}
	json.Unmarshal(body, &m)
	if len(m.Errors) == 0 {
		return ""
	}
	return m.Errors[0].Code
}

// live returns the replicas that run and are not stopped.
func (c *cluster) live() []int {
	var out []int
	for i, p := range c.replicas {
		if !p.exited() && !p.frozen.Load() {
			out = append(out, i)
		}
	}
	return out
}

// do sends a request to the next live replica.
func (c *cluster) do(method, path, key string, body any) response {
	c.mu.Lock()
	live := c.live()
	i := live[c.next%len(live)]
	c.next++
	c.mu.Unlock()
	return c.doAt(i, method, path, key, body)
}

func (c *cluster) doAt(i int, method, path, key string, body any) response {
	return doURL(c.t, c.replicas[i].url, method, path, key, body)
}

func (c *cluster) at(i, want int, method, path, key string, body any) map[string]any {
	c.t.Helper()
	r := c.doAt(i, method, path, key, body)
	if r.status != want {
		c.t.Fatalf("%s %s on replica %d = %d %s, want %d", method, path, i, r.status, r.body, want)
	}
	return dataOf(r.body)
}

func (c *cluster) mustDo(want int, method, path, key string, body any) map[string]any {
	c.t.Helper()
	r := c.do(method, path, key, body)
	if r.status != want {
		c.t.Fatalf("%s %s = %d %s, want %d", method, path, r.status, r.body, want)
	}
	return dataOf(r.body)
}

func dataOf(body []byte) map[string]any {
	var m map[string]any
	json.Unmarshal(body, &m)
	if d, ok := m["data"].(map[string]any); ok {
		return d
	}
	return m
}

// doURL sends one request; a connection cut (a replica that died) is
// status 0.
func doURL(tb testing.TB, base, method, path, key string, body any) response {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, base+path, rd)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	client := &http.Client{Timeout: 30 * time.Second}
	res, err := client.Do(req)
	if err != nil {
		return response{}
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, body: b}
}

func (c *cluster) tenant(email string, slots any) (accountID, key string) {
	c.t.Helper()
	a := c.mustDo(201, "POST", "/api/admin/accounts", c.admin, map[string]any{"email": email, "name": email, "slots": slots, "storageBytes": nil})
	accountID = a["id"].(string)
	k := c.mustDo(201, "POST", "/api/admin/accounts/"+accountID+"/keys", c.admin, map[string]any{"name": "ci"})
	return accountID, k["key"].(string)
}

func (c *cluster) keyID(accountID string) string {
	var id string
	if err := c.meta.QueryRow(`SELECT id FROM api_keys WHERE account_id = $1`, accountID).Scan(&id); err != nil {
		c.t.Fatal(err)
	}
	return id
}

func (c *cluster) databaseIDs(accountID string) []string {
	rows, err := c.meta.Query(`SELECT id FROM databases WHERE account_id = $1 ORDER BY numeric_id`, accountID)
	if err != nil {
		c.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		rows.Scan(&id)
		out = append(out, id)
	}
	return out
}

func (c *cluster) count(q string) int {
	c.t.Helper()
	var n int
	if err := c.meta.QueryRow(q).Scan(&n); err != nil {
		c.t.Fatalf("%s: %v", q, err)
	}
	return n
}

// poll waits until cond holds, for at most within.
func (c *cluster) poll(within time.Duration, what string, cond func() bool) {
	c.t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			c.t.Fatalf("after %s: not yet: %s", within, what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (c *cluster) rows() int { return c.count(`SELECT COUNT(*) FROM databases`) }

func (c *cluster) epoch() int64 {
	var e int64
	c.meta.QueryRow(`SELECT epoch FROM leadership WHERE name = 'background'`).Scan(&e)
	return e
}

// oneLeader waits until exactly one live replica leads and returns it.
func (c *cluster) oneLeader() int { return c.waitLeader(-1, 15*time.Second) }

// waitLeader waits until exactly one live replica but not leads. Two may
// say so for a moment (one starved of CPU past its lease has not noticed
// yet; its writes are fenced), not for the whole wait.
func (c *cluster) waitLeader(not int, within time.Duration) int {
	c.t.Helper()
	deadline := time.Now().Add(within)
	for {
		var ls []int
		for _, i := range c.live() {
			if i != not && c.replicas[i].leads() {
				ls = append(ls, i)
			}
		}
		if len(ls) == 1 {
			return ls[0]
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("after %s, replicas %v lead (want exactly one, not %d)", within, ls, not)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// invariants polls, for up to 30s (a request's lease is 2 × the engine
// timeout, 10s here, plus the leader's ticks), until every invariant holds,
// and fails with the last violation otherwise.
func (c *cluster) invariants() {
	c.t.Helper()
	var last []string
	deadline := time.Now().Add(30 * time.Second)
	for {
		last = c.violations()
		if len(last) == 0 {
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("invariants broken after 30s:\n%s", strings.Join(last, "\n"))
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func (c *cluster) violations() []string {
	ctx := context.Background()
	var out []string
	if n := c.count(`SELECT COUNT(*) FROM intents`); n > 0 {
		out = append(out, fmt.Sprintf("%d intent(s) left", n))
	}
	for _, q := range []string{
		`SELECT COUNT(*) FROM accounts a WHERE database_count <> (SELECT COUNT(*) FROM databases d WHERE d.account_id = a.id)`,
		`SELECT COUNT(*) FROM servers s WHERE database_count <> (SELECT COUNT(*) FROM databases d WHERE d.server_id = s.id)`,
		`SELECT COUNT(*) FROM hosts h WHERE database_count <> (SELECT COUNT(*) FROM databases d WHERE d.host_id = h.id)`,
	} {
		if n := c.count(q); n > 0 {
			out = append(out, "counter differs from COUNT(*): "+q)
		}
	}
	type row struct{ id, account, name, user, status string }
	rs, err := c.meta.Query(`SELECT d.id, d.account_id, d.db_name, d.db_user, d.status FROM databases d ORDER BY d.db_name`)
	if err != nil {
		return append(out, err.Error())
	}
	var rows []row
	for rs.Next() {
		var r row
		rs.Scan(&r.id, &r.account, &r.name, &r.user, &r.status)
		rows = append(rows, r)
	}
	rs.Close()
	var names []string
	for _, r := range rows {
		names = append(names, r.name)
		if r.status != "active" {
			out = append(out, fmt.Sprintf("database %s is %s", r.name, r.status))
		}
	}
	var onEngine []string
	for _, n := range c.engineDatabases(ctx) {
		if !c.before[n] {
			onEngine = append(onEngine, n)
		}
	}
	slices.Sort(names)
	if !slices.Equal(names, onEngine) {
		out = append(out, fmt.Sprintf("the engine holds %d databases, the store %d: orphans or missing databases", len(onEngine), len(names)))
	}
	if len(out) > 0 {
		return out
	}
	// Every stored password logs in: revealed through the API, as a tenant
	// would, and tried on the engine.
	for _, r := range rows {
		pw, err := c.reveal(r.account, r.id)
		if err != nil {
			out = append(out, err.Error())
			continue
		}
		if err := c.engine.ConnectAs(ctx, r.user, pw, r.name); err != nil {
			out = append(out, fmt.Sprintf("database %s: the stored password does not log in: %v", r.name, err))
		}
	}
	return out
}

// engineDatabases lists the databases on the engine, sorted, but the
// server's own and the test harness's (t_…).
func (c *cluster) engineDatabases(ctx context.Context) []string {
	c.t.Helper()
	rows, err := c.engine.AdminDB().QueryContext(ctx, `SELECT datname FROM pg_database
		WHERE datname NOT IN ('postgres', 'template0', 'template1') AND datname NOT LIKE 't\_%' ORDER BY datname`)
	if err != nil {
		c.t.Fatalf("list the engine's databases: %v", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			c.t.Fatal(err)
		}
		out = append(out, n)
	}
	return out
}

// reveal returns a database's password through a key of its account made
// for the check (kept per account).
func (c *cluster) reveal(accountID, id string) (string, error) {
	c.mu.Lock()
	key, ok := c.checkers[accountID]
	c.mu.Unlock()
	if !ok {
		r := c.do("POST", "/api/admin/accounts/"+accountID+"/keys", c.admin, map[string]any{"name": "check"})
		if r.status != 201 {
			return "", fmt.Errorf("key for the check of %s: %d %s", accountID, r.status, r.body)
		}
		key = dataOf(r.body)["key"].(string)
		c.mu.Lock()
		c.checkers[accountID] = key
		c.mu.Unlock()
	}
	r := c.do("GET", "/api/v1/db/databases/"+id, key, nil)
	if r.status != 200 {
		return "", fmt.Errorf("reveal %s: %d %s", id, r.status, r.body)
	}
	pw, _ := dataOf(r.body)["password"].(string)
	return pw, nil
}

func tail(s string) string {
	lines := strings.Split(s, "\n")
	if len(lines) > 40 {
		lines = lines[len(lines)-40:]
	}
	return strings.Join(lines, "\n")
}

func grepLines(s string, subs ...string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		for _, sub := range subs {
			if strings.Contains(l, sub) {
				out = append(out, l)
				break
			}
		}
	}
	return strings.Join(out, "\n")
}
