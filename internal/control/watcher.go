package control

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/store"
)

// quotaWorkers is how many hosts a quota pass measures at once: a hung
// host costs the pass one engine timeout, not one per host (STYLE.md §7,
// habit 19).
const quotaWorkers = 8

// measureTimeout is the least time a host's measurement may take, when
// the engine timeout is shorter. The engine timeout bounds what a request
// waits for a host that does not answer (SPEC §6); the watcher is no
// request, and a host of 100,000 databases can take its catalog queries
// past the default 10 s when its machine is busy (MariaDB reads every
// table's definition): 10.0 s and cut off, on 2 cores at load average 22,
// where the same queries take 1.2–1.5 s at load 5. A hung host still costs
// a pass one bound, not one per host (quotaWorkers).
const measureTimeout = time.Minute

// RefreshQuota is one pass of the quota watcher: it measures every enabled
// host with one query each, quotaWorkers hosts at a time, stores the
// sizes, moves accounts' databases to over_quota (writes revoked on the
// engine) or back to active, and returns what it did. A host that is down
// is skipped and reported; one that is slow holds back no other host's
// databases by more than an engine timeout (refreshQuota).
func (s *Service) RefreshQuota(ctx context.Context) (rep *dbplane.QuotaReport, err error) {
	if s.opt.OnQuotaPass != nil {
		t0 := time.Now()
		defer func() { s.opt.OnQuotaPass(rep, time.Since(t0), err) }()
	}
	return s.refreshQuota(ctx)
}

// refreshQuota measures the hosts and, once all are measured, moves the
// databases their sizes call for. A host may take its whole bound
// (measureTimeout) and a hung one does: so while some are still being
// measured, every engine timeout the pass moves the others' databases as
// the sizes stored so far call for (a slow host's databases count with
// their last sizes, as a down host's do), and the slow hosts' databases at
// the end. An account over its quota on a live host is restricted within
// an engine timeout of that host's measurement, not when the slowest
// host's ends; a database may then change twice in one pass (the slow
// host's sizes bring its account back under), and the report lists both.
func (s *Service) refreshQuota(ctx context.Context) (*dbplane.QuotaReport, error) {
	start := s.opt.Now()
	rep := &dbplane.QuotaReport{StartedAt: start}
	hosts, err := s.store.ListHosts(ctx)
	if err != nil {
		return nil, err
	}
	var enabled []*dbplane.Host
	for _, h := range hosts {
		if h.Enabled {
			enabled = append(enabled, h)
		}
	}
	rep.Hosts = make([]dbplane.HostMeasurement, len(enabled))
	left := newMeasuring(enabled)
	done := make(chan struct{})
	go func() {
		defer close(done)
		fanOut(enabled, quotaWorkers, func(i int, h *dbplane.Host) {
			var err error
			rep.Hosts[i], err = s.measureHost(ctx, h)
			left.finish(h.ID, hostSilent(err))
		})
	}()
	step := time.NewTicker(max(s.opt.EngineTimeout, time.Millisecond)) // NewTicker refuses ≤ 0
	defer step.Stop()
	moved := 0 // hosts measured when the databases were last moved
	for waiting := true; waiting; {
		select {
		case <-done:
			waiting = false
		case <-step.C:
			measuring, silent, measured := left.now()
			if measured == moved || len(measuring) == 0 || ctx.Err() != nil {
				continue // nothing new, or the end's move is next
			}
			moved = measured
			s.log.Info("quota: some hosts are still being measured; moving the others' databases now", "hosts_measuring", measuring)
			// Hosts that did not answer their measurement are left for
			// the end too: each would cost this step an engine timeout.
			changes, err := s.enforceQuota(ctx, append(measuring, silent...))
			rep.Changed = append(rep.Changed, changes...)
			if err != nil {
				s.log.Warn("quota: databases not moved while slow hosts are measured; the pass retries at its end", "err", err)
			}
		}
	}
	changes, err := s.enforceQuota(ctx, nil)
	if err != nil {
		return nil, err
	}
	rep.Changed = append(rep.Changed, changes...)
	rep.Took = s.opt.Now().Sub(start)
	return rep, nil
}

// enforceQuota moves databases to over_quota or back to active as the
// stored sizes call for, but for those on the hosts in skip (still being
// measured, or silent in this pass). It returns the changes made; a change the engine did not
// take is logged and retried by the reconciler.
func (s *Service) enforceQuota(ctx context.Context, skip []string) ([]dbplane.StatusChange, error) {
	if err := s.store.RecomputeOverQuota(ctx); err != nil {
		return nil, err
	}
	drifted, err := s.store.Drifted(ctx, store.DriftFilter{SkipHosts: skip})
	if err != nil {
		return nil, err
	}
	changes, err := s.converge(ctx, drifted)
	if err != nil {
		s.log.Warn("quota: some status changes are not applied yet; will retry", "err", err)
	}
	return changes, nil
}

// measuring is the hosts of a quota pass not measured yet, and those
// whose measurement found them silent (hostSilent).
type measuring struct {
	mu       sync.Mutex
	left     map[string]bool
	silent   []string
	measured int
}

func newMeasuring(hosts []*dbplane.Host) *measuring {
	m := &measuring{left: make(map[string]bool, len(hosts))}
	for _, h := range hosts {
		m.left[h.ID] = true
	}
	return m
}

func (m *measuring) finish(hostID string, silent bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.left, hostID)
	if silent {
		m.silent = append(m.silent, hostID)
	}
	m.measured++
}

// now returns the hosts still being measured (or waiting for a worker),
// those that did not answer theirs, and how many are measured.
func (m *measuring) now() (measuring, silent []string, measured int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for id := range m.left {
		measuring = append(measuring, id)
	}
	slices.Sort(measuring)
	return measuring, slices.Sorted(slices.Values(m.silent)), m.measured
}

// measureHost measures one host and reports how it went, with the error
// that ended its measurement, if one did.
func (s *Service) measureHost(ctx context.Context, h *dbplane.Host) (dbplane.HostMeasurement, error) {
	m := dbplane.HostMeasurement{HostID: h.ID, HostName: h.Name}
	t0 := time.Now()
	n, err := s.measure(ctx, h.ID)
	m.Databases, m.Took = n, time.Since(t0)
	if err != nil {
		m.Error = dbplane.ErrorMessage(translateEngine(err))
		if errors.Is(err, engine.ErrUnsupported) {
			m.Error = "This engine does not report database sizes"
		}
		s.log.Warn("quota: host not measured", "host_id", h.ID, "err", err)
	}
	s.hook("quota:host-measured")
	return m, err
}

// measure measures one host and stores its sizes. The store's rows of the
// host are read while the engine measures (a host of 100,000 databases
// takes the engine seconds, and reading the rows a tenth of that), so that
// what the pass adds to the engine's time is comparing and writing what
// changed. The engine call has measureTimeout; the store's read and write
// have the store's own bound, not what the engine left of its deadline (a
// first pass over a full host writes every row).
func (s *Service) measure(ctx context.Context, hostID string) (int, error) {
	ectx, cancel := context.WithTimeout(ctx, max(s.opt.EngineTimeout, measureTimeout))
	defer cancel()
	c, _, err := s.conn(ectx, hostID)
	if err != nil {
		return 0, err
	}
	sctx, scancel := context.WithTimeout(ctx, storeTimeout)
	defer scancel()
	type read struct {
		stored *store.HostSizes
		err    error
	}
	stored := make(chan read, 1)
	go func() {
		h, err := s.store.ReadHostSizes(sctx, hostID)
		s.hook("quota:stored-sizes-read")
		stored <- read{h, err}
	}()
	sizes, err := c.DatabaseSizes(ectx)
	if err != nil {
		scancel() // the read is of no use now
		<-stored
		return 0, err
	}
	r := <-stored
	if r.err != nil {
		return 0, sizesNotStored(r.err)
	}
	n, err := s.store.UpdateSizesFrom(sctx, r.stored, sizes, s.opt.Now())
	if err != nil {
		return n, sizesNotStored(err)
	}
	return n, nil
}

// sizesNotStored is a measurement the metadata store failed to read or
// keep: the host answered, so the report must not call it unreachable
// (a store timeout is a deadline too).
func sizesNotStored(err error) error {
	return &dbplane.Error{Code: dbplane.CodeInternal, Message: "The host was measured but the metadata store failed to keep the sizes", Err: err}
}

// RunQuota runs the quota watcher every interval until ctx is done.
func (s *Service) RunQuota(ctx context.Context, interval time.Duration) error {
	every(ctx, interval, func() {
		if _, err := s.RefreshQuota(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("quota pass failed", "err", err)
		}
	})
	return nil
}
