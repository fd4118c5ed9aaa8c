package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Group commit (SQLite). SQLite has one writer: concurrent write
// transactions used to queue for the write connection and commit one by
// one, a WAL commit (one write per page) each. Now the first caller that
// finds the writer idle runs its transaction alone, exactly as before;
// callers arriving while it runs queue, and when it has committed the
// first of them (the leader) runs every queued function in one
// BEGIN … COMMIT, each inside a SAVEPOINT of its own:
//
//   - a function that fails is rolled back to its savepoint and gets its
//     error; the others go on;
//   - a failed BEGIN or COMMIT fails every function of the batch (nothing
//     of the batch was committed);
//   - every caller is answered only after the COMMIT, so what a caller
//     sees when tx returns (durable, visible, all or nothing) is what it
//     saw before, and each function sees the writes of those before it in
//     the batch, as if they had run one after the other;
//   - a function runs at most once: nothing is retried;
//   - a caller whose context ends while it waits in the queue is not run
//     (it gets the context's error); once its function has started, it is
//     part of the batch and runs with its context's values but without
//     its cancellation (a statement interrupted inside a SQLite
//     transaction may roll the whole transaction back, batch-mates
//     included);
//   - a batch holds at most maxGroupItems functions and starts no new one
//     after maxGroupTime: the rest go back to the head of the queue;
//   - a transaction that may run long (a watcher pass's sizes, a sweep, a
//     re-seal: txAlone) is never batched, so that no short one waits for
//     its end to be answered: a batch stops before it, and it runs alone;
//   - a batch of one runs as a transaction always ran (tx1), without a
//     savepoint and with its caller's context (detached where statements
//     are local, and checked before the commit).
//
// Commit delay (issue 12), as PostgreSQL's commit_delay with
// commit_siblings: a batch shares one commit, and most of a small write
// transaction's cost is its commit (a WAL write per page it touched, and
// a create touches about twenty), so a batch of b costs far less than b
// commits. Batches form on their own only when callers arrive while the
// writer is busy, which concurrent creates rarely do: each spends most of
// its time on the engine, between its intent and its completion. So
// callers that will write more than once in a moment (a create or a
// rotate, from its start to its completion) say so (Expect), and while
// at least commitSiblings are expected, and writes are flowing (another
// arrived within commitDelay before this one), a leader waits, before
// its batch, until every expected caller has queued or the oldest queued
// item has waited commitDelay. Below that nobody waits: a few concurrent
// callers have CPU to spare and would only pay the delay, and a caller
// alone (the sequential case) never waits. Callers expected for longer
// than expectFresh stop counting: they are stuck on their engine (a host
// that hangs holds them for the engine timeout), and nothing is gained by
// waiting for them.
//
// PostgreSQL does not group: its writers run concurrently, with row locks.

const (
	maxGroupItems = 64
	maxGroupTime  = 20 * time.Millisecond
	// commitDelay bounds how long a queued item waits for others to
	// share its commit, and commitSiblings is how many callers must be
	// expected for a leader to wait at all (see Commit delay above).
	commitDelay    = 6 * time.Millisecond
	commitSiblings = 8
)

// groupItem is one caller's transaction function.
type groupItem struct {
	ctx   context.Context
	fn    func(tx *txn) error
	alone bool         // runs in a transaction of its own (txAlone)
	state atomic.Int32 // itemQueued, itemClaimed or itemAbandoned
	at    time.Time    // when it queued (commit delay)
	// wake receives once: the answer (err, panicked), or the order to
	// lead (lead).
	wake     chan struct{}
	lead     bool
	err      error
	panicked any
}

const (
	itemQueued int32 = iota
	itemClaimed
	itemAbandoned
)

// group is the queue of write transactions waiting for the writer.
type group struct {
	mu    sync.Mutex
	busy  bool // a leader is running a batch
	queue []*groupItem
	// batches and items count the batches of more than one item and what
	// they committed (tests).
	batches, items atomic.Int64
	// expected counts the callers that said they will write shortly
	// (Expect), and expMu guards since: when each of them did (by a key
	// of its own), so that those expected for longer than expectFresh
	// (stuck on a host that hangs, say) stop counting. full, while a
	// leader waits for them, is closed once the queue holds want items or
	// one that runs alone.
	expected atomic.Int64
	expMu    sync.Mutex
	since    map[uint64]time.Time
	nextExp  uint64
	full     chan struct{}
	want     int
	// lingered counts the leaders that waited (tests).
	lingered atomic.Int64
	// arrived is when the last write transaction arrived (UnixNano).
	arrived atomic.Int64
}

// flowing reports whether writes are arriving close together: the one
// before arrived within commitDelay of now (or, given prev, of the call
// that swapped it out).
func flowing(prev, now int64) bool { return now-prev < int64(commitDelay) }

// Expect tells the writer that the caller will write shortly, probably
// more than once (a create or a rotate, from its start to its
// completion): while at least commitSiblings callers are expected, a
// leader waits up to commitDelay for them so that their transactions
// share one commit. The
// returned function ends the expectation. Without group commit
// (PostgreSQL) it does nothing.
func (db *DB) Expect() (done func()) {
	if !db.dialect.groupCommit {
		return func() {}
	}
	g := &db.group
	g.expMu.Lock()
	if g.since == nil {
		g.since = map[uint64]time.Time{}
	}
	g.nextExp++
	key := g.nextExp
	g.since[key] = time.Now()
	g.expMu.Unlock()
	g.expected.Add(1)
	return func() {
		g.expMu.Lock()
		delete(g.since, key)
		g.expMu.Unlock()
		g.expected.Add(-1)
	}
}

// expectFresh is how long a caller counts as expected (Expect): a create
// or a rotate that has not written again by then is stuck on its engine
// (a host that hangs holds it for the engine timeout), and waiting for it
// would only slow everyone else's writes down.
var expectFresh = time.Second

// expecting returns how many callers are expected and have been for less
// than expectFresh; it counts only when at least commitSiblings are
// expected at all.
func (g *group) expecting() int {
	if g.expected.Load() < commitSiblings {
		return 0
	}
	g.expMu.Lock()
	defer g.expMu.Unlock()
	n := 0
	for _, t := range g.since {
		if time.Since(t) < expectFresh {
			n++
		}
	}
	return n
}

// txAlone is tx for a transaction that may run long (it writes many rows):
// where writes are grouped it is never batched with others, so that none
// waits for it to be answered.
func (db *DB) txAlone(ctx context.Context, fn func(tx *txn) error) error {
	if db.dialect.groupCommit {
		return db.txGroup(ctx, fn, true)
	}
	return db.tx(ctx, fn)
}

// txGroup is tx for a dialect with one writer.
func (db *DB) txGroup(ctx context.Context, fn func(tx *txn) error, alone bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	g := &db.group
	now := time.Now()
	prev := g.arrived.Swap(now.UnixNano())
	it := &groupItem{ctx: ctx, fn: fn, alone: alone, at: now}
	g.mu.Lock()
	if !g.busy && (alone || !flowing(prev, now.UnixNano()) || g.expecting() < commitSiblings) {
		g.busy = true
		g.mu.Unlock()
		it.state.Store(itemClaimed)
		// Alone: the transaction as it always ran.
		defer db.handOff()
		_, err := db.tx1(ctx, fn)
		return err
	}
	it.wake = make(chan struct{}, 1)
	g.queue = append(g.queue, it)
	if !g.busy {
		// Enough others are expected: lead, after waiting for them
		// (linger).
		g.busy = true
		it.state.Store(itemClaimed)
		it.lead = true
		g.mu.Unlock()
		db.leadBatches(it)
		return it.wait()
	}
	if g.full != nil && (len(g.queue) >= g.want || alone) {
		close(g.full)
		g.full = nil
	}
	g.mu.Unlock()

	select {
	case <-it.wake:
	case <-ctx.Done():
		if it.state.CompareAndSwap(itemQueued, itemAbandoned) {
			return ctx.Err()
		}
		<-it.wake // claimed: it runs, or leads, and is answered
	}
	if it.lead {
		db.leadBatches(it)
		return it.wait()
	}
	return it.result()
}

// wait waits for a leader's own answer, which its batch sends.
func (it *groupItem) wait() error {
	<-it.wake
	return it.result()
}

func (it *groupItem) result() error {
	if it.panicked != nil {
		panic(it.panicked)
	}
	return it.err
}

// handOff ends a leader's turn: the first queued caller still waiting
// leads the next batch, or the writer goes idle.
func (db *DB) handOff() {
	g := &db.group
	g.mu.Lock()
	for len(g.queue) > 0 {
		next := g.queue[0]
		if next.state.CompareAndSwap(itemQueued, itemClaimed) {
			g.mu.Unlock()
			next.lead = true
			next.wake <- struct{}{}
			return
		}
		g.queue[0] = nil
		g.queue = g.queue[1:] // abandoned
	}
	g.queue = nil
	g.busy = false
	g.mu.Unlock()
}

// leadBatches runs the queue, starting with the leader's own item (at its
// head), as one batch, then hands off.
func (db *DB) leadBatches(leader *groupItem) {
	g := &db.group
	if !leader.alone {
		db.linger()
	}
	g.mu.Lock()
	// The leader heads the queue. A batch ends before a transaction that
	// runs alone, and one that runs alone is a batch of its own.
	n := 1
	if !leader.alone {
		for n < min(len(g.queue), maxGroupItems) && !g.queue[n].alone {
			n++
		}
	}
	batch := make([]*groupItem, n)
	copy(batch, g.queue)
	clear(g.queue[:n])
	g.queue = g.queue[n:]
	g.mu.Unlock()

	if len(batch) == 1 {
		// Alone after all: the transaction as it always ran.
		if err := leader.ctx.Err(); err != nil {
			leader.answer(err)
		} else {
			db.runOne(leader)
		}
		db.handOff()
		return
	}
	rest := db.runBatch(leader, batch)
	if len(rest) > 0 {
		// Not started: back to the head of the queue, in order.
		g.mu.Lock()
		g.queue = append(rest, g.queue...)
		g.mu.Unlock()
	}
	db.handOff()
}

// linger is the commit delay: while at least commitSiblings callers are
// expected (Expect) and writes are flowing, it waits until the queue holds
// every expected caller
// (or maxGroupItems, or an item that runs alone) or its oldest item has
// waited commitDelay.
func (db *DB) linger() {
	g := &db.group
	expected := g.expecting()
	want := min(expected, maxGroupItems)
	g.mu.Lock()
	if expected < commitSiblings || len(g.queue) >= want || len(g.queue) == 0 ||
		!flowing(g.arrived.Load(), time.Now().UnixNano()) {
		g.mu.Unlock()
		return
	}
	for _, it := range g.queue {
		if it.alone {
			g.mu.Unlock()
			return
		}
	}
	wait := time.Until(g.queue[0].at.Add(commitDelay))
	if wait <= 0 {
		g.mu.Unlock()
		return
	}
	full := make(chan struct{})
	g.full, g.want = full, want
	g.mu.Unlock()
	g.lingered.Add(1)
	t := time.NewTimer(wait)
	select {
	case <-full:
	case <-t.C:
	}
	t.Stop()
	g.mu.Lock()
	if g.full == full {
		g.full = nil
	}
	g.mu.Unlock()
}

// runOne runs a claimed item in a transaction of its own and answers it;
// a panic of its function is handed to its caller.
func (db *DB) runOne(it *groupItem) {
	var err error
	defer func() {
		if p := recover(); p != nil {
			it.answerPanic(nil, p)
			return
		}
		it.answer(err)
	}()
	_, err = db.tx1(it.ctx, it.fn)
}

// runBatch runs batch (the leader's item first, already claimed; the
// others still to be claimed) in one transaction and answers every item it
// ran or skipped. It returns the items it did not get to, unclaimed.
func (db *DB) runBatch(leader *groupItem, batch []*groupItem) (rest []*groupItem) {
	g := &db.group
	// The transaction belongs to no single caller: one caller's
	// cancellation must not roll back the others'.
	bctx := context.WithoutCancel(leader.ctx)
	start := time.Now()
	sqlTx, err := db.write.BeginTx(bctx, nil)
	if err != nil {
		// Nothing ran: every waiting item gets the error.
		for _, it := range batch {
			if it == leader || it.state.CompareAndSwap(itemQueued, itemClaimed) {
				it.answer(err)
			}
		}
		return nil
	}
	tx := &txn{Tx: sqlTx, d: db.dialect, db: db, detached: true}
	var ran []*groupItem // succeeded so far: answered after the commit
	cacheless := true    // every item that ran wrote only what no cache reads (txn.logOnly)
	for i, it := range batch {
		if i > 0 && time.Since(start) > maxGroupTime {
			rest = batch[i:]
			break
		}
		if it != leader && !it.state.CompareAndSwap(itemQueued, itemClaimed) {
			continue // abandoned while queued; its caller has returned
		}
		if err := it.ctx.Err(); err != nil {
			it.answer(err) // cancelled before it started: not run
			continue
		}
		tx.cacheless = false
		err, panicked, broken := db.runItem(tx, it)
		if broken != nil {
			// SQLite ended the transaction itself: what ran is gone.
			tx.Rollback()
			db.gen.Add(1)
			for _, r := range ran {
				r.answer(fmt.Errorf("store: transaction rolled back with a batch-mate's: %w", broken))
			}
			it.answerPanic(err, panicked)
			return batch[i+1:]
		}
		if err != nil || panicked != nil {
			it.answerPanic(err, panicked)
			continue
		}
		ran = append(ran, it)
		cacheless = cacheless && tx.cacheless
	}
	if len(ran) == 0 {
		tx.Rollback()
	} else {
		g.batches.Add(1)
		g.items.Add(int64(len(ran)))
		err = tx.Commit()
		db.commits.Add(1)
		db.written.Add(int64(len(ran)))
		if !cacheless {
			db.gen.Add(1) // even a failed commit may have changed something
		}
		for _, it := range ran {
			it.answer(err)
		}
	}
	if len(tx.want) > 0 {
		db.prepareWrites(bctx, tx.want)
	}
	return rest
}

// runItem runs one item's function inside a savepoint. broken reports that
// the savepoint could not be rolled back to (SQLite rolled the whole
// transaction back, as it does after some errors). Its statements run
// without its context's cancellation (txn.detached).
func (db *DB) runItem(tx *txn, it *groupItem) (err error, panicked any, broken error) {
	ctx := context.WithoutCancel(it.ctx)
	if _, err := tx.ExecContext(ctx, `SAVEPOINT item`); err != nil {
		return err, nil, err
	}
	func() {
		defer func() {
			if p := recover(); p != nil {
				panicked = p
			}
		}()
		err = db.checkEpoch(ctx, tx)
		if err == nil {
			err = it.fn(tx)
		}
	}()
	if err != nil || panicked != nil {
		if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO item`); rerr != nil {
			return err, panicked, errors.Join(err, rerr)
		}
	}
	if _, rerr := tx.ExecContext(ctx, `RELEASE item`); rerr != nil {
		return err, panicked, rerr
	}
	return err, panicked, nil
}

func (it *groupItem) answer(err error) { it.answerPanic(err, nil) }

func (it *groupItem) answerPanic(err error, panicked any) {
	it.err, it.panicked = err, panicked
	it.wake <- struct{}{}
}
