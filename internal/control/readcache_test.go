package control_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/dbplane/dbplane/internal/control"
	"github.com/dbplane/dbplane/internal/store"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// TestReadCache: the management list is cached between writes; this
// process's writes show at once, another process's within the TTL.
func TestReadCache(t *testing.T) {
	clock := &fakeClock{t: time.Now()}
	f := newFixture(t, control.Options{Now: clock.Now})
	ctx := context.Background()
	d := f.mustCreate(t, f.account.ID, "app").Database
	size := func() int64 {
		l, err := f.svc.ListDatabases(ctx, f.account.ID)
		if err != nil || len(l) != 1 {
			t.Fatalf("ListDatabases = %v, %v", l, err)
		}
		return l[0].SizeBytes
	}
	if got := size(); got != 0 {
		t.Fatalf("size %d, want 0", got)
	}
	// Another process (its own store handle) measures the database.
	other, err := store.Open(ctx, "sqlite:"+filepath.Join(f.dir, "dbplane.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.UpdateSizes(ctx, d.HostID, map[string]int64{d.DBName: 4096}, clock.Now()); err != nil {
		t.Fatal(err)
	}
	if got := size(); got != 0 {
		t.Logf("another process's write showed before the TTL (allowed): %d", got)
	}
	clock.Add(3 * time.Second)
	if got := size(); got != 4096 {
		t.Errorf("after the TTL: size %d, want 4096", got)
	}
	// This process's own write shows at once.
	if _, err := f.svc.RefreshQuota(ctx); err != nil {
		t.Fatal(err)
	}
	f.fake.SetSize(d.DBName, 8192)
	if _, err := f.svc.RefreshQuota(ctx); err != nil {
		t.Fatal(err)
	}
	if got := size(); got != 8192 {
		t.Errorf("after this process's quota pass: size %d, want 8192", got)
	}
}
