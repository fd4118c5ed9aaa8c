package control

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/dbplane/dbplane"
)

// Audit log defaults.
const (
	// DefaultAuditFlush is how long an entry waits to be written with
	// others. A crash loses at most the entries of this window (and a
	// batch a store outage held back).
	DefaultAuditFlush = 200 * time.Millisecond
	// DefaultAuditBatch is the most entries written in one transaction.
	DefaultAuditBatch = 256
	// auditQueue is how many entries wait before Record blocks: a store
	// that stops taking writes slows requests down rather than losing
	// their entries silently.
	auditQueue = 8192
	// maxAuditHeld bounds the entries kept for a retry while the store
	// refuses them; beyond it the oldest are dropped, and the log says how
	// many.
	maxAuditHeld = 65536
)

// AuditOptions tune an AuditLog.
type AuditOptions struct {
	Flush time.Duration // default DefaultAuditFlush
	Batch int           // default DefaultAuditBatch
	// Also, when set, receives every entry once, in batches, when it is
	// first written (the JSON lines file); it runs on the log's goroutine.
	Also func([]*dbplane.AuditEntry)
}

// AuditLog keeps the audit entries the HTTP server reports. Record queues
// an entry; a goroutine writes the queue to the store in one transaction
// every Flush or Batch entries, so a request does not wait on a store
// write. It implements dbplane.AuditService.
//
// The queue is a slice under a mutex, not a channel: a send on a channel
// wakes the goroutine for every entry (a reveal is audited, and the
// scheduler's work for that wake-up cost more than the entry's insert),
// while Record only wakes it when a batch is full.
type AuditLog struct {
	s     *Service
	opt   AuditOptions
	kick  chan struct{} // cap 1: the queue holds a batch
	flush chan chan struct{}
	stop  chan struct{}
	done  chan struct{}
	once  sync.Once

	mu     sync.Mutex
	room   sync.Cond // signalled when run takes the queue
	queue  []*dbplane.AuditEntry
	closed bool // run has taken the last queue: Record drops
}

var _ dbplane.AuditService = (*AuditLog)(nil)

// OpenAuditLog starts an AuditLog on the service's store. Close it to
// write what is queued.
func (s *Service) OpenAuditLog(opt AuditOptions) *AuditLog {
	if opt.Flush <= 0 {
		opt.Flush = DefaultAuditFlush
	}
	if opt.Batch <= 0 {
		opt.Batch = DefaultAuditBatch
	}
	a := &AuditLog{
		s: s, opt: opt,
		kick:  make(chan struct{}, 1),
		flush: make(chan chan struct{}),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	a.room.L = &a.mu
	go a.run()
	return a
}

// Record queues e. It blocks only when the queue is full. After Close it
// drops e.
func (a *AuditLog) Record(e dbplane.AuditEntry) {
	id, err := newULID(e.Time, a.s.opt.Rand)
	if err != nil {
		a.s.log.Error("audit entry dropped", "action", e.Action, "err", err)
		return
	}
	e.ID = id
	a.mu.Lock()
	for len(a.queue) >= auditQueue && !a.closed {
		a.room.Wait()
	}
	if a.closed {
		a.mu.Unlock()
		a.s.log.Warn("audit entry after close dropped", "action", e.Action, "request_id", e.RequestID)
		return
	}
	a.queue = append(a.queue, &e)
	full := len(a.queue) == a.opt.Batch
	a.mu.Unlock()
	if full {
		select {
		case a.kick <- struct{}{}:
		default: // run is already asked
		}
	}
}

// take hands the queue to run, and lets waiting Records in. last marks
// the log closed: later Records drop their entries.
func (a *AuditLog) take(last bool) []*dbplane.AuditEntry {
	a.mu.Lock()
	defer a.mu.Unlock()
	q := a.queue
	a.queue = nil
	a.closed = a.closed || last
	a.room.Broadcast()
	return q
}

// Flush writes what is queued now, and returns when it is written or ctx
// is done.
func (a *AuditLog) Flush(ctx context.Context) {
	ack := make(chan struct{})
	select {
	case a.flush <- ack:
	case <-a.done:
		return
	case <-ctx.Done():
		return
	}
	select {
	case <-ack:
	case <-ctx.Done():
	}
}

// Close writes what is queued and stops.
func (a *AuditLog) Close() {
	a.once.Do(func() { close(a.stop) })
	<-a.done
}

// AuditLog reads the log (dbplane.AuditService), after writing this
// process's queue, so a change is listed as soon as its answer is out.
func (a *AuditLog) AuditLog(ctx context.Context, f dbplane.AuditFilter) ([]*dbplane.AuditEntry, string, error) {
	a.Flush(ctx)
	es, next, err := a.s.store.AuditLog(ctx, f)
	if err != nil {
		return nil, "", fmt.Errorf("read audit log: %w", err)
	}
	return es, next, nil
}

func (a *AuditLog) run() {
	defer close(a.done)
	t := time.NewTicker(a.opt.Flush)
	defer t.Stop()
	var pending []*dbplane.AuditEntry
	fresh := 0 // entries at the end of pending that Also has not seen
	write := func() {
		if fresh > 0 && a.opt.Also != nil {
			a.opt.Also(pending[len(pending)-fresh:])
		}
		fresh = 0
		for len(pending) > 0 {
			n := min(len(pending), a.opt.Batch)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			err := a.s.store.InsertAudit(ctx, pending[:n])
			cancel()
			if err != nil && a.dropPoison(pending[:n]) {
				err = nil // the store takes writes; what it refused is dropped
			}
			if err != nil {
				a.s.log.Error("write audit log; retrying", "entries", len(pending), "err", err)
				if drop := len(pending) - maxAuditHeld; drop > 0 {
					a.s.log.Error("audit entries dropped: the store refuses them", "dropped", drop)
					pending = pending[drop:]
				}
				return
			}
			pending = pending[n:]
		}
		pending = pending[:0:0]
	}
	for {
		select {
		case <-a.kick:
			a.drain(&pending, &fresh, false)
			write()
		case <-t.C:
			a.drain(&pending, &fresh, false)
			write()
		case ack := <-a.flush:
			a.drain(&pending, &fresh, false)
			write()
			close(ack)
		case <-a.stop:
			a.drain(&pending, &fresh, true)
			write()
			return
		}
	}
}

// dropPoison writes batch one entry at a time after the batch failed, so
// that one entry the store refuses does not hold back the others. It
// drops (and logs) the entries refused alone, and reports whether the
// store took any: false means the store is down, and the batch is kept.
func (a *AuditLog) dropPoison(batch []*dbplane.AuditEntry) bool {
	took, refused := 0, 0
	for _, e := range batch {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := a.s.store.InsertAudit(ctx, []*dbplane.AuditEntry{e})
		cancel()
		if err != nil {
			refused++
			if took == 0 && refused >= 3 {
				return false // the store refuses everything: it is down
			}
			a.s.log.Error("audit entry refused by the store; dropped", "action", e.Action, "request_id", e.RequestID, "err", err)
			continue
		}
		took++
	}
	return took > 0 || refused == 0
}

// drain moves what waits in the queue to pending; last closes the log.
func (a *AuditLog) drain(pending *[]*dbplane.AuditEntry, fresh *int, last bool) {
	q := a.take(last)
	*pending = append(*pending, q...)
	*fresh += len(q)
}

// SweepAudit deletes the audit entries older than keep, and returns how
// many it deleted.
func (s *Service) SweepAudit(ctx context.Context, keep time.Duration) (int64, error) {
	n, err := s.store.DeleteAuditBefore(ctx, s.opt.Now().Add(-keep))
	if err != nil {
		return 0, fmt.Errorf("sweep audit log: %w", err)
	}
	return n, nil
}

// RunAuditRetention runs SweepAudit now and then every interval, until
// ctx is done. It runs on the leader.
func (s *Service) RunAuditRetention(ctx context.Context, keep, interval time.Duration) error {
	sweep := func() {
		n, err := s.SweepAudit(ctx, keep)
		switch {
		case err != nil && ctx.Err() == nil:
			s.log.Error("audit retention sweep", "err", err)
		case n > 0:
			s.log.Info("audit entries past retention deleted", "deleted", n, "retention", keep)
		}
	}
	sweep()
	every(ctx, interval, sweep)
	return nil
}
