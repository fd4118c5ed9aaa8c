// Command memory measures dbplane's resident memory with many databases in
// the metadata store (SPEC §7: under 64 MiB RSS with 100,000 databases).
//
// It builds the dbplane binary, initialises a data dir, fills the store
// with -databases rows spread over accounts (straight into SQLite, in one
// transaction, with passwords sealed under the data dir's master key), then
// runs `dbplane serve` as a child process, drives the read paths and a
// quota pass over HTTP, then -creates sequential creates over HTTP on a
// throwaway MariaDB host (internal/dbtest; the filled rows are on a
// PostgreSQL host that does not answer, so every create lands on the real
// one), and reads the child's peak RSS (VmHWM) from /proc. The creates'
// latency, compared between runs with -databases 0 and 1000000, shows
// whether a create grows with the store.
//
//	go run ./bench/memory -databases 100000
//	go run ./bench/memory -databases 1000000 -creates 300
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/dbtest"
	"github.com/dbplane/dbplane/internal/secret"
)

const targetMiB = 64

func main() {
	n := flag.Int("databases", 100000, "databases in the metadata store")
	perAccount := flag.Int("per-account", 100, "databases per account")
	creates := flag.Int("creates", 200, "sequential creates over HTTP on a MariaDB host after the reads (0: none)")
	flag.Parse()
	if *n < 0 || *perAccount < 1 || *creates < 0 {
		fmt.Fprintln(os.Stderr, "memory: -databases and -creates must not be negative, -per-account must be positive")
		os.Exit(2)
	}
	if err := run(*n, *perAccount, *creates); err != nil {
		fmt.Fprintln(os.Stderr, "memory:", err)
		os.Exit(1)
	}
}

func run(n, perAccount, creates int) error {
	dir, err := os.MkdirTemp("", "dbplane-memory-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "dbplane")
	logf("building dbplane")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/dbplane").CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v: %s", err, out)
	}
	data := filepath.Join(dir, "data")
	out, err := exec.Command(bin, "init", "--data-dir", data).Output()
	if err != nil {
		return fmt.Errorf("dbplane init: %w", err)
	}
	adminKey := strings.TrimSpace(string(out))

	start := time.Now()
	accounts, err := fill(data, n, perAccount)
	if err != nil {
		return err
	}
	logf("filled the store with %d databases over %d accounts in %s", n, len(accounts), time.Since(start).Round(time.Millisecond))

	port, err := freePort()
	if err != nil {
		return err
	}
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	cmd := exec.Command(bin, "serve", "--data-dir", data, "--listen", "127.0.0.1:"+strconv.Itoa(port), "--log-level", "error")
	cmd.Env = append(os.Environ(), "DBPLANE_QUOTA_INTERVAL=0")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	if err := waitHealthy(base); err != nil {
		return err
	}
	idle := rss(cmd.Process.Pid)

	c := &client{base: base}
	steps := 0
	var firstKey string
	for i, acct := range accounts[:min(20, len(accounts))] {
		var key struct{ Data struct{ Key string } }
		if err := c.do("POST", "/api/admin/accounts/"+acct+"/keys", adminKey, `{"name":"mem"}`, &key); err != nil {
			return err
		}
		if i == 0 {
			firstKey = key.Data.Key
		}
		var list struct {
			Data struct{ Databases []struct{ ID string } }
		}
		if err := c.do("GET", "/api/v1/db/databases", key.Data.Key, "", &list); err != nil {
			return err
		}
		if want := min(perAccount, n); len(list.Data.Databases) != want {
			return fmt.Errorf("account %d lists %d databases, want %d", i, len(list.Data.Databases), want)
		}
		for _, d := range list.Data.Databases[:min(5, len(list.Data.Databases))] {
			if err := c.do("GET", "/api/v1/db/databases/"+d.ID, key.Data.Key, "", nil); err != nil {
				return err
			}
		}
		steps += 6
	}
	marks := []string{fmt.Sprintf("management requests %.1f", mib(rss(cmd.Process.Pid)))}
	for page := 1; page <= 20; page++ {
		if err := c.do("GET", "/api/admin/databases?perPage=100&page="+strconv.Itoa(page), adminKey, "", nil); err != nil {
			return err
		}
	}
	marks = append(marks, fmt.Sprintf("admin list pages %.1f", mib(rss(cmd.Process.Pid))))
	if err := c.do("GET", "/api/admin/accounts", adminKey, "", nil); err != nil {
		return err
	}
	marks = append(marks, fmt.Sprintf("account list %.1f", mib(rss(cmd.Process.Pid))))
	t0 := time.Now()
	var rep struct {
		Data struct {
			Hosts []struct {
				Databases int
				Error     *string
			}
		}
	}
	if err := c.do("POST", "/api/admin/quota/refresh", adminKey, "", &rep); err != nil {
		return err
	}
	pass := time.Since(t0)
	afterReads := rss(cmd.Process.Pid)

	var took []time.Duration
	if creates > 0 {
		if took, err = createMany(dir, c, adminKey, firstKey, creates); err != nil {
			return err
		}
	}
	peak, now := rss(cmd.Process.Pid), rssNow(cmd.Process.Pid)
	verdict := "PASS"
	if peak > targetMiB<<20 {
		verdict = "MISS"
	}
	fmt.Printf("dbplane memory — %d databases, %d accounts in the metadata store\n", n, len(accounts))
	fmt.Printf("  RSS after start (peak so far)         %6.1f MiB\n", mib(idle))
	fmt.Printf("  RSS peak after reads and a quota pass %6.1f MiB\n", mib(afterReads))
	fmt.Printf("  RSS peak after %4d creates           %6.1f MiB   target < %d MiB   %s\n", len(took), mib(peak), targetMiB, verdict)
	fmt.Printf("  RSS at the end                        %6.1f MiB\n", mib(now))
	fmt.Printf("  peak RSS after each step (MiB): %s, quota pass %.1f\n", strings.Join(marks, ", "), mib(afterReads))
	fmt.Printf("  Go runtime at the end (MiB): %s\n", goMemory(base))
	fmt.Printf("  %d management requests, 20 admin list pages, account list; quota pass %s (host unreachable: %v)\n",
		steps, pass.Round(time.Millisecond), len(rep.Data.Hosts) == 1 && rep.Data.Hosts[0].Error != nil)
	if len(took) > 0 {
		slices.Sort(took)
		var sum time.Duration
		for _, d := range took {
			sum += d
		}
		fmt.Printf("  creates over HTTP (MariaDB host, one account of %d databases): mean %.2f ms, p50 %.2f ms, p95 %.2f ms\n",
			min(perAccount, n), ms(sum/time.Duration(len(took))), ms(took[len(took)/2]), ms(took[len(took)*95/100]))
	}
	return nil
}

// createMany starts a throwaway MariaDB server, registers it as a host
// and makes n databases one after the other with key over HTTP, returning
// each create's latency. The first tenth (at least 5) warm up and are not
// returned.
func createMany(dir string, c *client, adminKey, key string, n int) ([]time.Duration, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	logf("starting MariaDB for %d creates", n)
	eng, err := dbtest.StartMariaDB(ctx, dir)
	if err != nil {
		return nil, fmt.Errorf("start mariadb: %w", err)
	}
	defer eng.Stop()
	ac := eng.AdminConfig()
	host, _ := json.Marshal(map[string]any{"name": "mem-mariadb", "engine": "mariadb", "hostname": ac.Host, "port": ac.Port,
		"username": ac.User, "password": ac.Password, "database": ac.Database, "tls": "disable"})
	if err := c.do("POST", "/api/admin/database-hosts", adminKey, string(host), nil); err != nil {
		return nil, err
	}
	warm := max(5, n/10)
	var took []time.Duration
	for i := range warm + n {
		t0 := time.Now()
		if err := c.do("POST", "/api/v1/db/databases", key, fmt.Sprintf(`{"name":"mem-create-%d","engine":"mariadb"}`, i), nil); err != nil {
			return nil, err
		}
		if i >= warm {
			took = append(took, time.Since(t0))
		}
	}
	return took, nil
}

// goMemory reads the Go runtime's figures from dbplane's /metrics: how much
// of the RSS is Go's heap and how much is not (SQLite's page caches,
// allocated outside the Go heap by modernc's libc, and the binary).
func goMemory(base string) string {
	res, err := http.Get(base + "/metrics")
	if err != nil {
		return err.Error()
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		return fmt.Sprintf("/metrics: %d", res.StatusCode)
	}
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		for _, m := range []string{"go_memstats_heap_inuse_bytes", "go_memstats_heap_idle_bytes", "go_memstats_heap_released_bytes", "go_memstats_sys_bytes"} {
			if rest, ok := strings.CutPrefix(line, m+" "); ok {
				v, _ := strconv.ParseFloat(rest, 64)
				out = append(out, fmt.Sprintf("%s %.1f", strings.TrimPrefix(strings.TrimSuffix(m, "_bytes"), "go_memstats_"), v/(1<<20)))
			}
		}
	}
	return strings.Join(out, ", ")
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// fill writes accounts and databases straight into the store's SQLite file,
// the way the store lays them out, in one transaction: going through the
// API would take hours and measure nothing more.
func fill(data string, n, perAccount int) ([]string, error) {
	sealer, _, err := secret.LoadOrCreate(data, "", rand.Reader)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(data, "dbplane.db")+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(ON)")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	now := time.Now().UnixMilli()
	hostPW, err := sealer.Seal([]byte("unused"), []byte("host:mem-host"))
	if err != nil {
		return nil, err
	}
	// An unreachable host: the quota pass skips it and still recomputes
	// every account over all its rows.
	if _, err := tx.Exec(`INSERT INTO hosts (id, numeric_id, name, engine, hostname, port, username, sealed_password, tls, enabled, created_at, updated_at)
		VALUES ('mem-host', 1, 'mem', 'postgres', '127.0.0.1', 1, 'postgres', ?, 'disable', 1, ?, ?)`, hostPW, now, now); err != nil {
		return nil, err
	}
	var accounts []string
	insDB, err := tx.Prepare(`INSERT INTO databases (id, numeric_id, account_id, host_id, engine, label, db_name, db_user, remote,
		sealed_password, status, size_bytes, created_at, updated_at) VALUES (?, ?, ?, 'mem-host', 'postgres', ?, ?, ?, '%', ?, 'active', ?, ?, ?)`)
	if err != nil {
		return nil, err
	}
	defer insDB.Close()
	for i := 0; i < n; i++ {
		if i%perAccount == 0 {
			id := fmt.Sprintf("00000000-0000-4000-8000-%012d", len(accounts)+1)
			if _, err := tx.Exec(`INSERT INTO accounts (id, numeric_id, email, name, role, storage_bytes, created_at, updated_at)
				VALUES (?, ?, ?, ?, 'user', ?, ?, ?)`, id, len(accounts)+2, fmt.Sprintf("a%d@example.com", len(accounts)), "a", int64(1)<<40, now, now); err != nil {
				return nil, err
			}
			accounts = append(accounts, id)
		}
		acct := accounts[len(accounts)-1]
		id := fmt.Sprintf("01MEM%021d", i)
		sealed, err := sealer.Seal([]byte("password-password-password-12345"), []byte("db:"+id))
		if err != nil {
			return nil, err
		}
		name, user := dbplane.ManagedNames(dbplane.EnginePostgres, acct, int64(i%perAccount+1))
		if _, err := insDB.Exec(id, i+1, acct, fmt.Sprintf("db-%d", i%perAccount), name, user, sealed, int64(i), now+int64(i), now); err != nil {
			return nil, err
		}
	}
	if len(accounts) == 0 {
		if _, err := tx.Exec(`INSERT INTO accounts (id, numeric_id, email, name, role, created_at, updated_at)
			VALUES ('00000000-0000-4000-8000-000000000001', 2, 'a0@example.com', 'a', 'user', ?, ?)`, now, now); err != nil {
			return nil, err
		}
		accounts = append(accounts, "00000000-0000-4000-8000-000000000001")
	}
	// The counters a create checks, as the store keeps them (migration 0006).
	if _, err := tx.Exec(`UPDATE accounts SET database_count = (SELECT COUNT(*) FROM databases d WHERE d.account_id = accounts.id),
		used_bytes = (SELECT COALESCE(SUM(size_bytes), 0) FROM databases d WHERE d.account_id = accounts.id)`); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(`UPDATE hosts SET database_count = ?`, n); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(`UPDATE sequences SET last = ? WHERE name = 'databases'`, n); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(`UPDATE sequences SET last = ? WHERE name = 'accounts'`, len(accounts)+1); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(`UPDATE sequences SET last = 1 WHERE name = 'hosts'`); err != nil {
		return nil, err
	}
	return accounts, tx.Commit()
}

type client struct{ base string }

func (c *client) do(method, path, key, body string, out any) error {
	req, err := http.NewRequest(method, c.base+path, strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, bytes.TrimSpace(b))
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

func waitHealthy(base string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		if res, err := http.Get(base + "/healthz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("dbplane did not become healthy at %s", base)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// rss returns the peak resident set (VmHWM) of pid in bytes.
func rss(pid int) int64 { return procStatus(pid, "VmHWM:") }

// rssNow returns the current resident set (VmRSS) of pid in bytes.
func rssNow(pid int) int64 { return procStatus(pid, "VmRSS:") }

func procStatus(pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return -1
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

func logf(format string, args ...any) { fmt.Fprintf(os.Stderr, "memory: "+format+"\n", args...) }
