package main

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite"
)

// The watcher measurement (SPEC §7): one quota-watcher pass over a MariaDB
// host holding many databases with tables, against the raw catalog
// queries that pass needs, sent by a plain database/sql client on the
// engine's own superuser pool.
//
// The raw statements are the driver's (internal/engine/mariadb, sizes.go):
// watchCatalogSQL is its step 1, and watchTableSQL, 200 per statement, its
// step 2 for the tables that are not InnoDB. watchOneQuerySQL is the single
// query the driver used before, shown for comparison.
const (
	watchSystem     = "'information_schema', 'mysql', 'performance_schema', 'sys'"
	watchCatalogSQL = "SELECT 0, SCHEMA_NAME, '', 0 FROM information_schema.SCHEMATA" +
		" WHERE SCHEMA_NAME NOT IN (" + watchSystem + ")" +
		" UNION ALL" +
		" SELECT 1, NAME, '', CAST(ALLOCATED_SIZE AS SIGNED) FROM information_schema.INNODB_SYS_TABLESPACES" +
		" WHERE NAME LIKE '%/%' AND SUBSTRING_INDEX(NAME, '/', 1) NOT IN (" + watchSystem + ")" +
		" UNION ALL" +
		" SELECT 2, TABLE_SCHEMA, TABLE_NAME, 0 FROM information_schema.TABLES" +
		" WHERE TABLE_SCHEMA NOT IN (" + watchSystem + ")"
	watchTableSQL = "SELECT TABLE_SCHEMA, CAST(COALESCE(DATA_LENGTH + INDEX_LENGTH, 0) AS SIGNED) FROM information_schema.TABLES" +
		" WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND ENGINE <> 'InnoDB'"
	watchBatch       = 200
	watchOneQuerySQL = "SELECT SCHEMA_NAME, 0 FROM information_schema.SCHEMATA" +
		" WHERE SCHEMA_NAME NOT IN (" + watchSystem + ")" +
		" UNION ALL" +
		" SELECT TABLE_SCHEMA, CAST(COALESCE(SUM(DATA_LENGTH + INDEX_LENGTH), 0) AS SIGNED) FROM information_schema.TABLES" +
		" WHERE TABLE_SCHEMA NOT IN (" + watchSystem + ") AND ENGINE <> 'InnoDB'" +
		" GROUP BY TABLE_SCHEMA" +
		" UNION ALL" +
		" SELECT SUBSTRING_INDEX(NAME, '/', 1), CAST(SUM(ALLOCATED_SIZE) AS SIGNED)" +
		" FROM information_schema.INNODB_SYS_TABLESPACES WHERE NAME LIKE '%/%'" +
		" AND SUBSTRING_INDEX(NAME, '/', 1) NOT IN (" + watchSystem + ")" +
		" GROUP BY SUBSTRING_INDEX(NAME, '/', 1)"
)

// watchOtherEvery is how often a filled database also gets a MyISAM and an
// Aria table, so that the pass has non-InnoDB tables to look up.
const watchOtherEvery = 100

// Watcher is the outcome of the watcher measurement: seconds per pass.
type Watcher struct {
	Databases int             // databases filled on the host
	Pass      []time.Duration // the host's share of RefreshQuota: DatabaseSizes + storing the sizes
	Whole     []time.Duration // the whole RefreshQuota call (every host, status changes)
	Sizes     []time.Duration // DatabaseSizes alone, through the raw side's Conn (same driver and middleware)
	Raw       []time.Duration // the raw catalog queries
	OneQuery  []time.Duration // the driver's former single query
	// PassCPU and RawCPU are this process's CPU time (user + system) over
	// each whole RefreshQuota call and each run of the raw catalog queries:
	// dbplane's Go side against a plain client's, steadier than wall time
	// on a loaded machine. The engine's own CPU is in neither.
	PassCPU, RawCPU []time.Duration
	// Matched is how many of the host's databases the last pass matched
	// with a row of the store.
	Matched int
	// Same reports whether DatabaseSizes and the former query gave the same
	// bytes for every database; Diff names the first that did not.
	Same bool
	Diff string
}

// FillWatched creates n databases on e with raw SQL, each holding one
// InnoDB table with a row; every watchOtherEvery-th also holds a MyISAM and
// an Aria table. It returns the non-InnoDB tables, as schema and name.
func FillWatched(ctx context.Context, e *Engine, n int, progress func(done int)) ([][2]string, error) {
	if e.Name != "mariadb" {
		return nil, fmt.Errorf("watcher: %s: only MariaDB is measured", e.Name)
	}
	db := e.DB.AdminDB()
	var next, done atomic.Int64
	var mu sync.Mutex
	var others [][2]string
	var firstErr error
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				name := fmt.Sprintf("wb_%06d", i)
				stmts := []string{
					"CREATE DATABASE " + name,
					"CREATE TABLE " + name + ".t (id INT PRIMARY KEY, v VARCHAR(100)) ENGINE=InnoDB",
					"INSERT INTO " + name + ".t VALUES (1, REPEAT('x', 100))",
				}
				if i%watchOtherEvery == 0 {
					stmts = append(stmts,
						"CREATE TABLE "+name+".m (id INT PRIMARY KEY) ENGINE=MyISAM",
						"INSERT INTO "+name+".m VALUES (1), (2)",
						"CREATE TABLE "+name+".a (id INT) ENGINE=Aria",
						"INSERT INTO "+name+".a VALUES (1)",
					)
				}
				for _, s := range stmts {
					if _, err := db.ExecContext(ctx, s); err != nil {
						mu.Lock()
						if firstErr == nil {
							firstErr = fmt.Errorf("watcher setup: %s: %w", s, err)
						}
						mu.Unlock()
						return
					}
				}
				if i%watchOtherEvery == 0 {
					mu.Lock()
					others = append(others, [2]string{name, "m"}, [2]string{name, "a"})
					mu.Unlock()
				}
				if d := int(done.Add(1)); progress != nil && d%1000 == 0 {
					progress(d)
				}
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	return others, ctx.Err()
}

// rawCatalog runs the watcher's catalog queries on db and reads every row,
// as a client measuring the host itself would.
func rawCatalog(ctx context.Context, db *sql.DB, others [][2]string) error {
	if err := drain(ctx, db, watchCatalogSQL, 4); err != nil {
		return err
	}
	for len(others) > 0 {
		n := min(len(others), watchBatch)
		parts := make([]string, n)
		args := make([]any, 0, 2*n)
		for i, t := range others[:n] {
			parts[i] = watchTableSQL
			args = append(args, t[0], t[1])
		}
		if err := drain(ctx, db, strings.Join(parts, " UNION ALL "), 2, args...); err != nil {
			return err
		}
		others = others[n:]
	}
	return nil
}

// drain runs q and scans every row of cols columns.
func drain(ctx context.Context, db *sql.DB, q string, cols int, args ...any) error {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	dst := make([]any, cols)
	for i := range dst {
		dst[i] = new(sql.RawBytes)
	}
	for rows.Next() {
		if err := rows.Scan(dst...); err != nil {
			return err
		}
	}
	return rows.Err()
}

// oneQuerySizes runs the former single query and adds its rows up per
// schema. Tablespace rows carry the schema in the filename encoding, which
// for the names the bench and dbplane make is the name itself.
func oneQuerySizes(ctx context.Context, db *sql.DB) (map[string]int64, error) {
	rows, err := db.QueryContext(ctx, watchOneQuerySQL)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	sizes := map[string]int64{}
	for rows.Next() {
		var name string
		var size int64
		if err := rows.Scan(&name, &size); err != nil {
			return nil, err
		}
		sizes[name] += size
	}
	return sizes, rows.Err()
}

// MeasureWatcher times rounds watcher passes against the raw catalog
// queries and the former single query, in rotating order, after one
// unrecorded pass of each, and compares the sizes DatabaseSizes reports
// with the former query's.
func (h *Harness) MeasureWatcher(ctx context.Context, e *Engine, n int, others [][2]string, rounds int) (*Watcher, error) {
	w := &Watcher{Databases: n}
	db := e.DB.AdminDB()
	svc := h.Server.Service()
	pass := func(keep bool) error {
		c0, t0 := processCPU(), time.Now()
		rep, err := svc.RefreshQuota(ctx)
		if err != nil {
			return fmt.Errorf("watcher pass: %w", err)
		}
		whole, cpu := time.Since(t0), processCPU()-c0
		for _, m := range rep.Hosts {
			if m.HostID != e.HostID {
				continue
			}
			if m.Error != "" {
				return fmt.Errorf("watcher pass: host %s: %s", m.HostName, m.Error)
			}
			w.Matched = m.Databases
			if keep {
				w.Pass, w.Whole, w.PassCPU = append(w.Pass, m.Took), append(w.Whole, whole), append(w.PassCPU, cpu)
			}
			return nil
		}
		return fmt.Errorf("watcher pass: host %s not measured", e.HostID)
	}
	raw := func(keep bool) error {
		var err error
		c0, t0 := processCPU(), time.Now()
		labeled(sideRaw, func() { err = rawCatalog(ctx, db, others) })
		if err != nil {
			return fmt.Errorf("raw catalog queries: %w", err)
		}
		if keep {
			w.Raw, w.RawCPU = append(w.Raw, time.Since(t0)), append(w.RawCPU, processCPU()-c0)
		}
		return nil
	}
	one := func(keep bool) error {
		var err error
		t0 := time.Now()
		labeled(sideRaw, func() { _, err = oneQuerySizes(ctx, db) })
		if err != nil {
			return fmt.Errorf("former single query: %w", err)
		}
		if keep {
			w.OneQuery = append(w.OneQuery, time.Since(t0))
		}
		return nil
	}
	sizer := e.Raw
	sizes := func(keep bool) error {
		var err error
		t0 := time.Now()
		labeled(sideRaw, func() { _, err = sizer.DatabaseSizes(ctx) })
		if err != nil {
			return fmt.Errorf("DatabaseSizes: %w", err)
		}
		if keep {
			w.Sizes = append(w.Sizes, time.Since(t0))
		}
		return nil
	}
	steps := []func(bool) error{pass, raw, sizes, one}
	for _, s := range steps {
		if err := s(false); err != nil {
			return nil, err
		}
	}
	for r := range rounds {
		for j := range steps {
			if err := steps[(j+r)%len(steps)](true); err != nil {
				return nil, err
			}
		}
	}

	got, err := sizer.DatabaseSizes(ctx)
	if err != nil {
		return nil, fmt.Errorf("DatabaseSizes: %w", err)
	}
	want, err := oneQuerySizes(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("former single query: %w", err)
	}
	w.Same = len(got) == len(want)
	if !w.Same {
		w.Diff = fmt.Sprintf("DatabaseSizes lists %d databases, the former query %d", len(got), len(want))
	}
	for name, size := range want {
		if g, ok := got[name]; !ok || g != size {
			w.Same = false
			w.Diff = fmt.Sprintf("%s: DatabaseSizes %d (listed %t), the former query %d", name, g, ok, size)
			break
		}
	}
	return w, nil
}

func seconds(ds []time.Duration) float64 { return Summarize(ds).Mean / 1000 }

// ManageWatched gives the store a row for each of the n databases
// FillWatched made, in a new account, as if dbplane had made them: active,
// never measured. Without them the watcher pass has nothing of its own to
// compare or write and measures the engine side only. The rows go straight
// into the server's SQLite file in one transaction (through the API it
// would take hours and measure nothing more), with the ids taken from the
// store's sequence and the account's and host's counters moved to match.
func (h *Harness) ManageWatched(ctx context.Context, e *Engine, n int) error {
	acct, _, err := h.NewAccount(ctx, nil)
	if err != nil {
		return err
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(h.dir, "dbplane", "dbplane.db")+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(ON)")
	if err != nil {
		return err
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var last int64
	if err := tx.QueryRowContext(ctx, `UPDATE sequences SET last = last + ? WHERE name = 'databases' RETURNING last`, n).Scan(&last); err != nil {
		return fmt.Errorf("watcher: take %d database ids: %w", n, err)
	}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO databases (id, numeric_id, account_id, host_id, engine, label, db_name, db_user, remote,
		sealed_password, status, size_bytes, created_at, updated_at) VALUES (?, ?, ?, ?, 'mariadb', ?, ?, ?, '%', x'00', 'active', 0, ?, ?)`)
	if err != nil {
		return err
	}
	defer ins.Close()
	now := time.Now().UnixMilli()
	for i := range n {
		name := fmt.Sprintf("wb_%06d", i)
		if _, err := ins.ExecContext(ctx, fmt.Sprintf("01WATCH%019d", i), last-int64(n)+1+int64(i), acct, e.HostID, name, name, "u"+name, now, now); err != nil {
			return fmt.Errorf("watcher: store row %s: %w", name, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE accounts SET database_count = database_count + ? WHERE id = ?`, n, acct); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE hosts SET database_count = database_count + ? WHERE id = ?`, n, e.HostID); err != nil {
		return err
	}
	return tx.Commit()
}
