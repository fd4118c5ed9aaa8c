package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/dbtest"
	"github.com/dbplane/dbplane/internal/store"
)

// leaderLog records what Lead reports for one replica.
type leaderLog struct {
	mu     sync.Mutex
	epochs []int64 // epochs won
	downs  int
	ctx    context.Context // the leader's context of the last epoch won
	won    chan int64
}

func newLeaderLog() *leaderLog { return &leaderLog{won: make(chan int64, 10)} }

func (l *leaderLog) onChange(leader bool, epoch int64, _ error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if leader {
		l.epochs = append(l.epochs, epoch)
		l.won <- epoch
	} else if epoch != 0 {
		l.downs++
	}
}

// startLeading runs db.Lead in the background with short timings; fn
// records its context and blocks until it ends.
func startLeading(t *testing.T, db *store.DB, id string) *leaderLog {
	t.Helper()
	l := newLeaderLog()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		db.Lead(ctx, store.LeadOptions{ID: id, Retry: 50 * time.Millisecond, Renew: 200 * time.Millisecond, Lease: 3 * time.Second,
			OnChange: l.onChange}, func(lctx context.Context) error {
			l.mu.Lock()
			l.ctx = lctx
			l.mu.Unlock()
			<-lctx.Done()
			return nil
		})
	}()
	t.Cleanup(func() { cancel(); <-done })
	return l
}

func waitWon(t *testing.T, l *leaderLog, within time.Duration) int64 {
	t.Helper()
	select {
	case e := <-l.won:
		return e
	case <-time.After(within):
		t.Fatalf("no election won within %s", within)
		return 0
	}
}

func TestLead_SQLiteIsAlwaysTheLeader(t *testing.T) {
	db := mustOpen(t)
	l := startLeading(t, db, "only")
	waitWon(t, l, time.Second)
	l.mu.Lock()
	ctx := l.ctx
	l.mu.Unlock()
	for ctx == nil { // fn runs just after OnChange
		time.Sleep(time.Millisecond)
		l.mu.Lock()
		ctx = l.ctx
		l.mu.Unlock()
	}
	mustAccount(t, db, "acc", nil) // writes need no fence
}

// TestLead_OneLeaderAndAFencedSuccessor: of two replicas one leads; when
// its lock's session ends (as when its process is killed), the other is
// elected with the next epoch, and a write the old leader makes with its
// context (detached, as the writes after an engine call are) changes
// nothing and returns ErrNotLeader.
func TestLead_OneLeaderAndAFencedSuccessor(t *testing.T) {
	url := newPostgresURL(t)
	a, b := mustOpenURL(t, url), mustOpenURL(t, url)
	ctx := context.Background()
	la := startLeading(t, a, "a")
	first := waitWon(t, la, 5*time.Second)
	lb := startLeading(t, b, "b")
	select {
	case e := <-lb.won:
		t.Fatalf("b won epoch %d while a leads epoch %d", e, first)
	case <-time.After(500 * time.Millisecond):
	}
	la.mu.Lock()
	oldCtx := context.WithoutCancel(la.ctx)
	la.mu.Unlock()
	mustAccount(t, a, "before", nil)
	if err := a.CreateNode(oldCtx, nodeNamed("n1")); err != nil {
		t.Fatalf("a write of the leader of epoch %d: %v", first, err)
	}
	if l, err := b.Leader(ctx); err != nil || l.Epoch != first || l.Holder != "a" {
		t.Fatalf("Leader() = %+v, %v; want epoch %d held by a", l, err, first)
	}

	// End a's lock session, as the death of its process would.
	pg := dbtest.Postgres(t)
	if _, err := pg.AdminDB().ExecContext(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'dbplane/a'`); err != nil {
		t.Fatal(err)
	}
	second := waitWon(t, lb, 5*time.Second)
	if second != first+1 {
		t.Errorf("b won epoch %d, want %d", second, first+1)
	}
	if err := a.CreateNode(oldCtx, nodeNamed("n2")); !errors.Is(err, store.ErrNotLeader) {
		t.Errorf("a write of the deposed leader of epoch %d = %v, want ErrNotLeader", first, err)
	}
	if _, err := a.Node(ctx, "n2"); err == nil {
		t.Error("the deposed leader's write went through")
	}
	// a steps down and now waits as a follower.
	deadline := time.Now().Add(5 * time.Second)
	for {
		la.mu.Lock()
		downs := la.downs
		la.mu.Unlock()
		if downs > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a never stepped down")
		}
		time.Sleep(20 * time.Millisecond)
	}
	select {
	case e := <-la.won:
		t.Errorf("a won epoch %d while b leads", e)
	case <-time.After(300 * time.Millisecond):
	}
}

func nodeNamed(id string) *dbplane.Node { return &dbplane.Node{ID: id, Name: id} }
