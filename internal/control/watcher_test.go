package control_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dbplane/dbplane/internal/control"
	"github.com/dbplane/dbplane/internal/engine/enginefake"
)

// TestRefreshQuota_MeasuresHostsAtOnce: a pass measures its hosts in
// parallel, so hosts that hang cost it one engine timeout, not one each.
// Every measurement waits until all three are in flight (or 5 s): done one
// by one, the pass would never have more than one.
func TestRefreshQuota_MeasuresHostsAtOnce(t *testing.T) {
	f := newFixture(t, control.Options{})
	f.mustHost(t, "fake-2", "hostpw-"+strings.Repeat("t", 20))
	f.mustHost(t, "fake-3", "hostpw-"+strings.Repeat("u", 20))
	var mu sync.Mutex
	inFlight, most := 0, 0
	all := make(chan struct{})
	f.fake.SetHook(enginefake.OpSizes, func() {
		mu.Lock()
		inFlight++
		most = max(most, inFlight)
		if inFlight == 3 {
			close(all)
		}
		mu.Unlock()
		select {
		case <-all:
		case <-time.After(5 * time.Second):
		}
	})
	rep, err := f.svc.RefreshQuota(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if most != 3 {
		t.Errorf("at most %d of 3 hosts measured at once, want 3", most)
	}
	if len(rep.Hosts) != 3 {
		t.Fatalf("report lists %d hosts, want 3", len(rep.Hosts))
	}
	for i, h := range rep.Hosts {
		if h.Error != "" || h.HostName == "" {
			t.Errorf("report host %d = %+v, want a measured host", i, h)
		}
	}
}

// TestRefreshQuota_ReadsTheStoreWhileTheEngineMeasures: the store's rows of
// a host are read while the engine is still measuring it, not after, and
// the sizes the engine reports are stored all the same. The engine's
// measurement waits until the read is done (or 5 s): read after it, the
// read would never be done in time.
func TestRefreshQuota_ReadsTheStoreWhileTheEngineMeasures(t *testing.T) {
	read := make(chan struct{})
	var once sync.Once
	f := newFixture(t, control.Options{Hook: func(step string) {
		if step == "quota:stored-sizes-read" {
			once.Do(func() { close(read) })
		}
	}})
	d := f.mustCreate(t, f.account.ID, "app")
	f.fake.SetSize(d.Database.DBName, 4096)
	during := false
	f.fake.SetHook(enginefake.OpSizes, func() {
		select {
		case <-read:
			during = true
		case <-time.After(5 * time.Second):
		}
	})
	rep, err := f.svc.RefreshQuota(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !during {
		t.Error("the store's rows were not read while the engine measured")
	}
	if len(rep.Hosts) != 1 || rep.Hosts[0].Error != "" || rep.Hosts[0].Databases != 1 {
		t.Fatalf("report hosts = %+v, want one host with 1 database measured", rep.Hosts)
	}
	got, err := f.st.Database(context.Background(), d.Database.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.SizeBytes != 4096 || got.SizeRefreshedAt == nil {
		t.Errorf("stored size %d (refreshed %v), want 4096, measured", got.SizeBytes, got.SizeRefreshedAt)
	}
}

// TestRefreshQuota_SlowHostIsNotCutAtTheEngineTimeout: measuring a host may
// take longer than the engine timeout (a host of 100,000 databases on a
// busy machine); the sizes are stored all the same.
func TestRefreshQuota_SlowHostIsNotCutAtTheEngineTimeout(t *testing.T) {
	const engineTimeout = 50 * time.Millisecond
	f := newFixture(t, control.Options{EngineTimeout: engineTimeout})
	d := f.mustCreate(t, f.account.ID, "app")
	f.fake.SetSize(d.Database.DBName, 4096)
	f.fake.SetHookContext(enginefake.OpSizes, func(ctx context.Context) {
		select {
		case <-time.After(4 * engineTimeout):
		case <-ctx.Done():
		}
	})
	rep, err := f.svc.RefreshQuota(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Hosts) != 1 || rep.Hosts[0].Error != "" || rep.Hosts[0].Databases != 1 {
		t.Fatalf("report hosts = %+v, want the host measured", rep.Hosts)
	}
}

// TestRefreshQuota_StoreFailureIsNotAnUnreachableHost: when the host
// answers but the metadata store fails to keep its sizes, the pass reports
// the store, not the host.
func TestRefreshQuota_StoreFailureIsNotAnUnreachableHost(t *testing.T) {
	f := newFixture(t, control.Options{})
	d := f.mustCreate(t, f.account.ID, "app")
	f.fake.SetSize(d.Database.DBName, 4096)
	raw, err := sql.Open("sqlite", filepath.Join(f.dir, "dbplane.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`CREATE TRIGGER fail_sizes BEFORE UPDATE OF size_bytes ON databases BEGIN SELECT RAISE(ABORT, 'injected'); END`); err != nil {
		t.Fatal(err)
	}
	rep, err := f.svc.RefreshQuota(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Hosts) != 1 {
		t.Fatalf("report hosts = %+v, want one", rep.Hosts)
	}
	msg := rep.Hosts[0].Error
	if !strings.Contains(msg, "metadata store") || strings.Contains(strings.ToLower(msg), "reach") {
		t.Errorf("host error = %q, want the metadata store named, not the host", msg)
	}
	if strings.Contains(msg, "injected") {
		t.Errorf("host error = %q carries the store's own message", msg)
	}
}
