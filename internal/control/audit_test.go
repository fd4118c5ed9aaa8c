package control_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/control"
)

// TestAuditLog_BatchesFlushesAndCopiesOnce records more entries than a
// batch from many goroutines: every one is in the store once after
// Close, with an id; the copy (Also) sees each once; a read lists what was
// recorded before it, without waiting for the timer.
func TestAuditLog_BatchesFlushesAndCopiesOnce(t *testing.T) {
	f := newFixture(t, control.Options{})
	var mu sync.Mutex
	copied := map[string]int{}
	a := f.svc.OpenAuditLog(control.AuditOptions{Flush: time.Hour, Batch: 7, Also: func(es []*dbplane.AuditEntry) {
		mu.Lock()
		defer mu.Unlock()
		for _, e := range es {
			copied[e.RequestID]++
		}
	}})
	ctx := context.Background()
	now := time.Now()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				a.Record(dbplane.AuditEntry{Time: now, Surface: "admin", Action: "POST /api/admin/nodes", Status: 201, RequestID: fmt.Sprintf("r%d-%d", g, i)})
			}
		}()
	}
	wg.Wait()
	// The timer never fires (an hour): the read itself writes the queue.
	es, _, err := a.AuditLog(ctx, dbplane.AuditFilter{Limit: 100})
	if err != nil || len(es) != 40 {
		t.Fatalf("AuditLog after 40 records = %d entries, %v; want 40", len(es), err)
	}
	a.Record(dbplane.AuditEntry{Time: now, Surface: "web", Action: "POST /login", Status: 401, RequestID: "last"})
	a.Close()
	a.Record(dbplane.AuditEntry{Time: now, Surface: "web", Action: "POST /login", Status: 401, RequestID: "after-close"})
	es, _, err = f.st.AuditLog(ctx, dbplane.AuditFilter{Limit: 100})
	if err != nil || len(es) != 41 {
		t.Fatalf("store after Close = %d entries, %v; want 41 (the last one written by Close, none after)", len(es), err)
	}
	seen := map[string]bool{}
	for _, e := range es {
		if e.ID == "" || seen[e.ID] {
			t.Errorf("entry %s has id %q (empty or repeated)", e.RequestID, e.ID)
		}
		seen[e.ID] = true
	}
	mu.Lock()
	defer mu.Unlock()
	if len(copied) != 41 {
		t.Errorf("Also saw %d requests, want 41", len(copied))
	}
	for id, n := range copied {
		if n != 1 {
			t.Errorf("Also saw %s %d times, want once", id, n)
		}
	}
}

// TestSweepAudit deletes what is older than the retention at once,
// and keeps the rest.
func TestSweepAudit(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	f := newFixture(t, control.Options{Now: func() time.Time { return now }})
	ctx := context.Background()
	var es []*dbplane.AuditEntry
	for i, age := range []time.Duration{100 * 24 * time.Hour, 91 * 24 * time.Hour, 89 * 24 * time.Hour, time.Minute} {
		es = append(es, &dbplane.AuditEntry{ID: fmt.Sprintf("01AUDIT%d", i), Time: now.Add(-age), Surface: "admin", Action: "POST /api/admin/nodes", Status: 201})
	}
	if err := f.st.InsertAudit(ctx, es); err != nil {
		t.Fatal(err)
	}
	n, err := f.svc.SweepAudit(ctx, 90*24*time.Hour)
	if err != nil || n != 2 {
		t.Fatalf("SweepAudit = %d, %v; want 2", n, err)
	}
	left, _, err := f.st.AuditLog(context.Background(), dbplane.AuditFilter{})
	if err != nil || len(left) != 2 || left[0].ID != "01AUDIT3" || left[1].ID != "01AUDIT2" {
		t.Fatalf("after retention = %+v, %v; want the 89-day and 1-minute entries", left, err)
	}
}

// zeros reads as an endless run of zero bytes: with it every entry of one
// millisecond gets the same ULID.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestAuditLog_OneRefusedEntryDoesNotHoldBackTheRest makes the store
// refuse one entry of a batch (a duplicate id) and checks that the others
// are written and the refused one is dropped with a log line.
func TestAuditLog_OneRefusedEntryDoesNotHoldBackTheRest(t *testing.T) {
	f := newFixture(t, control.Options{Rand: zeros{}})
	a := f.svc.OpenAuditLog(control.AuditOptions{Flush: time.Hour})
	t1 := time.UnixMilli(1_800_000_000_000)
	a.Record(dbplane.AuditEntry{Time: t1, Surface: "admin", Action: "POST /api/admin/nodes", Status: 201, RequestID: "first"})
	a.Record(dbplane.AuditEntry{Time: t1, Surface: "admin", Action: "POST /api/admin/nodes", Status: 201, RequestID: "same-id"})
	a.Record(dbplane.AuditEntry{Time: t1.Add(time.Millisecond), Surface: "admin", Action: "POST /api/admin/nodes", Status: 201, RequestID: "third"})
	a.Close()
	es, _, err := f.st.AuditLog(context.Background(), dbplane.AuditFilter{})
	if err != nil || len(es) != 2 || es[0].RequestID != "third" || es[1].RequestID != "first" {
		t.Fatalf("store = %+v, %v; want third and first", es, err)
	}
	if !strings.Contains(f.logs.String(), "audit entry refused by the store; dropped") || !strings.Contains(f.logs.String(), "same-id") {
		t.Errorf("logs lack the dropped entry: %s", f.logs.String())
	}
}

// TestAuditLog_FullBatchIsWrittenWithoutTimer: a batch's worth of entries
// reaches the store by itself, before the timer and without a read or
// Close asking; fewer wait for one of those.
func TestAuditLog_FullBatchIsWrittenWithoutTimer(t *testing.T) {
	f := newFixture(t, control.Options{})
	a := f.svc.OpenAuditLog(control.AuditOptions{Flush: time.Hour, Batch: 5})
	defer a.Close()
	ctx := context.Background()
	rec := func(n int) {
		for i := range n {
			a.Record(dbplane.AuditEntry{Time: time.Now(), Surface: "dbapi", Action: "GET /api/v1/db/databases/{id}", Reveal: true, Status: 200, RequestID: fmt.Sprint("r", i)})
		}
	}
	stored := func() int {
		es, _, err := f.st.AuditLog(ctx, dbplane.AuditFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		return len(es)
	}
	rec(4)
	rec(1)
	deadline := time.Now().Add(30 * time.Second)
	for stored() < 5 {
		if time.Now().After(deadline) {
			t.Fatalf("a full batch of 5 was not written: %d in the store", stored())
		}
		time.Sleep(5 * time.Millisecond)
	}
	rec(3) // less than a batch: stays queued until the timer, a read or Close
	time.Sleep(50 * time.Millisecond)
	if n := stored(); n != 5 {
		t.Errorf("store holds %d entries after 3 more, want 5 (a part batch waits)", n)
	}
	if es, _, err := a.AuditLog(ctx, dbplane.AuditFilter{Limit: 100}); err != nil || len(es) != 8 {
		t.Errorf("AuditLog = %d entries, %v; want 8", len(es), err)
	}
}
