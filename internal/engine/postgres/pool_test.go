package postgres_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dbplane/dbplane/internal/dbtest"
	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/engine/postgres"
)

// TestConn_PoolSize: without a pool size the pool is made at the first
// operation, a quarter of the server's max_connections (300 on dbtest's
// server: capped at 64); max_conns sets it, and Config.PoolSize wins over
// max_conns. Either is the pool from Open on, with no look at the server.
func TestConn_PoolSize(t *testing.T) {
	t.Parallel()
	srv := dbtest.Postgres(t)
	ctx := testContext(t)
	var maxConns int
	if err := srv.AdminDB().QueryRowContext(ctx, "SELECT current_setting('max_connections')::int").Scan(&maxConns); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		size   int
		params map[string]string
		want   int32 // 0: sized from the server
	}{
		{"automatic", 0, nil, 0},
		{"max_conns", 0, map[string]string{"max_conns": "3"}, 3},
		{"pool size over max_conns", 5, map[string]string{"max_conns": "3"}, 5},
	} {
		cfg := srv.AdminConfig()
		cfg.PoolSize, cfg.Params = tc.size, tc.params
		c := mustOpen(t, cfg)
		_, made := postgres.PoolStat(c)
		if made != (tc.want != 0) {
			t.Errorf("%s: pool made by Open = %t, want %t", tc.name, made, tc.want != 0)
		}
		if err := c.Ping(ctx); err != nil {
			t.Fatalf("%s: Ping: %v", tc.name, err)
		}
		want := tc.want
		if want == 0 {
			want = postgres.PoolSize(maxConns)
		}
		if st, _ := postgres.PoolStat(c); st == nil || st.MaxConns() != want {
			t.Errorf("%s: pool after an operation, max_connections %d: %v, want MaxConns %d", tc.name, maxConns, st, want)
		}
	}
	for n, want := range map[int]int32{0: 2, 7: 2, 12: 3, 100: 25, 256: 64, 10000: 64} {
		if got := postgres.PoolSize(n); got != want {
			t.Errorf("PoolSize(%d) = %d, want %d", n, got, want)
		}
	}
}

// TestConn_PoolSizeBoundsSessions runs many operations at once on a Conn
// with Config.PoolSize 3 and counts its sessions on the server (by their
// application_name): never more than 3, and the operations did wait for
// the pool. The same on a Conn sized from the server, whose concurrent
// first operations make one pool.
func TestConn_PoolSizeBoundsSessions(t *testing.T) {
	t.Parallel()
	srv := dbtest.Postgres(t)
	for _, size := range []int{3, 0} {
		ctx := testContext(t)
		cfg := srv.AdminConfig()
		app := "pooltest_" + strings.ToLower(newTenant().owner)
		cfg.PoolSize, cfg.Params = size, map[string]string{"application_name": app}
		c := mustOpen(t, cfg)
		sessions := func() int {
			var n int
			if err := srv.AdminDB().QueryRowContext(ctx, "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = $1", app).Scan(&n); err != nil {
				t.Errorf("count sessions: %v", err)
			}
			return n
		}
		const n = 16
		peak, done := concurrentOps(t, c, n, sessions)
		st, _ := postgres.PoolStat(c)
		if size == 0 {
			// Sized from the server: 64 here, more than the operations
			// need, so only the count of pools made is checked.
			if st == nil || st.MaxConns() != 64 || peak > n+1 || done != n {
				t.Errorf("automatic: pool %v, peak %d sessions, %d of %d done; want MaxConns 64, at most %d sessions, all done", st, peak, done, n, n+1)
			}
			continue
		}
		if peak > size {
			t.Errorf("at most %d sessions of the Conn during %d concurrent operations, want at most %d", peak, n, size)
		}
		if left := sessions(); left > size || left == 0 {
			t.Errorf("%d sessions of the Conn left after the operations, want 1 to %d (the idle pool)", left, size)
		}
		if st == nil || st.MaxConns() != int32(size) || st.EmptyAcquireCount() == 0 || done != n {
			t.Errorf("pool %+v, %d of %d done; want MaxConns %d, some acquires that waited, all done", st, done, n, size)
		}
	}
}

// concurrentOps runs n goroutines that each create and drop a database
// twice on c, while count is sampled; it returns the highest count seen
// and how many goroutines finished without an error.
func concurrentOps(t *testing.T, c engine.Conn, n int, count func() int) (peak, done int) {
	t.Helper()
	ctx := testContext(t)
	stop := make(chan struct{})
	sampled := make(chan int)
	go func() {
		peak := 0
		for {
			peak = max(peak, count())
			select {
			case <-stop:
				sampled <- peak
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	var wg sync.WaitGroup
	var ok atomic.Int64
	for range n {
		wg.Go(func() {
			for range 2 {
				tn := newTenant()
				if _, err := c.EnsureDatabase(ctx, engine.EnsureDatabaseRequest{Database: tn.db, Owner: tn.owner, Password: tn.password}); err != nil {
					t.Errorf("EnsureDatabase: %v", err)
					return
				}
				dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
				err := c.DropDatabase(dctx, engine.DropDatabaseRequest{Database: tn.db, Owner: tn.owner})
				cancel()
				if err != nil {
					t.Errorf("DropDatabase: %v", err)
					return
				}
			}
			ok.Add(1)
		})
	}
	wg.Wait()
	close(stop)
	return <-sampled, int(ok.Load())
}
