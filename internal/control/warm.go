package control

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/store"
)

// The warm pool (issue 12 target 6, docs/engines.md "Warm pool"): a
// PostgreSQL host with warmPool N keeps up to N databases made ahead of
// time under placeholder names (dbplane.WarmPrefix), and a create on it
// claims one in its store transaction (store.InsertDatabase) and renames
// it into place (engine.EnsureDatabaseRequest.Claim) instead of running
// CREATE DATABASE. The pool is refilled here, by the leader, in the
// background: never on a request's path.

// warmNames returns the placeholder names of the warm database id.
func warmNames(id string) string { return dbplane.WarmPrefix + strings.ToLower(id) }

// warmHosts returns which of hosts may hold warm databases: a create on
// one of them tries to claim one.
func warmHosts(hosts []*dbplane.Host) map[string]bool {
	var out map[string]bool
	for _, h := range hosts {
		if h.Engine == dbplane.EnginePostgres && (h.WarmPool > 0 || h.WarmCount > 0) {
			if out == nil {
				out = map[string]bool{}
			}
			out[h.ID] = true
		}
	}
	return out
}

// kickWarm asks the refill loop (RunWarm) for a pass now, if this process
// runs it; a pass already asked for is enough.
func (s *Service) kickWarm() {
	select {
	case s.warmKick <- struct{}{}:
	default:
	}
}

// RunWarm refills the warm pools at once, then whenever a create claimed a
// warm database or a host changed in this process, and every interval,
// until ctx is done. It runs on the leader, next to Run.
func (s *Service) RunWarm(ctx context.Context, interval time.Duration) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := s.RefillWarm(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("warm pool: pass not finished; the next one tries again", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-s.warmKick:
		}
	}
}

// RefillWarm runs one pass over every PostgreSQL host with a warm pool or
// warm databases, the hosts in parallel, so a host that does not answer
// costs its own engine timeout and holds up no other. On each host it
// finishes what a crash or a failed attempt left (a warm database being
// made is made, one being dropped is dropped, once its lease is twice the
// engine timeout old), drops the ready ones beyond warmPool, and makes new
// ones until the pool is full or the host has no room under maxDatabases.
func (s *Service) RefillWarm(ctx context.Context) error {
	return s.refillWarm(ctx, 2*s.opt.EngineTimeout)
}

func (s *Service) refillWarm(ctx context.Context, minAge time.Duration) error {
	hosts, err := s.store.ListHosts(ctx)
	if err != nil {
		return err
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for _, h := range hosts {
		if h.Engine != dbplane.EnginePostgres || h.RetiredAt != nil || (h.WarmPool == 0 && h.WarmCount == 0) {
			continue
		}
		wg.Go(func() {
			if err := s.warmHost(ctx, h, minAge); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// warmHost is one pass of RefillWarm on h.
func (s *Service) warmHost(ctx context.Context, h *dbplane.Host, minAge time.Duration) error {
	s.hook("warm:pass")
	stale, err := s.store.ClaimStaleWarm(ctx, h.ID, minAge)
	if err != nil {
		return err
	}
	for _, w := range stale {
		if err := s.settleWarm(ctx, w); err != nil {
			return s.warmFailed(ctx, w, err)
		}
	}
	surplus, err := s.store.ShrinkWarm(ctx, h.ID)
	if err != nil {
		return err
	}
	for _, w := range surplus {
		if err := s.dropWarm(ctx, w); err != nil {
			return s.warmFailed(ctx, w, err)
		}
	}
	if !h.Enabled {
		return nil
	}
	for range h.WarmPool {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		err := s.makeWarm(ctx, h.ID)
		if errors.Is(err, store.ErrWarmFull) {
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// warmFailed gives back the lease of a warm database whose engine step
// failed, so the next pass takes it again, and returns err.
func (s *Service) warmFailed(ctx context.Context, w *store.WarmDatabase, err error) error {
	if errors.Is(err, store.ErrLeaseLost) {
		return nil // another worker has it
	}
	sctx, cancel := s.storeCtx(ctx)
	defer cancel()
	if nerr := s.store.NoteWarmFailure(sctx, w, err.Error()); nerr != nil && !errors.Is(nerr, store.ErrLeaseLost) {
		s.log.Error("warm pool: hand back", "host_id", w.HostID, "warm", w.DBName, "err", nerr)
	}
	s.log.Warn("warm pool: engine step failed; will retry", "host_id", w.HostID, "warm", w.DBName, "state", string(w.State), "err", err)
	return err
}

// makeWarm records a new warm database on the host, makes it on the
// engine and marks it ready. It returns store.ErrWarmFull when the host
// takes no more.
func (s *Service) makeWarm(ctx context.Context, hostID string) error {
	id, err := newULID(s.opt.Now(), s.opt.Rand)
	if err != nil {
		return err
	}
	name := warmNames(id)
	w := &store.WarmDatabase{ID: id, HostID: hostID, DBName: name, DBUser: name}
	if err := s.store.BeginWarm(ctx, w); err != nil {
		return err
	}
	s.hook("warm:recorded")
	if err := s.settleWarm(ctx, w); err != nil {
		return s.warmFailed(ctx, w, err)
	}
	return nil
}

// settleWarm finishes w, held by the caller: makes it (again: Ensure is
// idempotent) and marks it ready, or drops it.
func (s *Service) settleWarm(ctx context.Context, w *store.WarmDatabase) error {
	if w.State == store.WarmDropping {
		return s.dropWarm(ctx, w)
	}
	ectx, cancel := s.engineCtx(ctx)
	defer cancel()
	c, _, err := s.conn(ectx, w.HostID)
	if err != nil {
		return err
	}
	if _, err := c.EnsureDatabase(ectx, engine.EnsureDatabaseRequest{Database: w.DBName, Owner: w.DBUser, Remote: "%", Placeholder: true}); err != nil {
		return err
	}
	s.hook("warm:engine-done")
	sctx, scancel := s.storeCtx(ctx)
	defer scancel()
	return s.store.ReadyWarm(sctx, w)
}

// dropWarm drops w, held by the caller and marked dropping, on the engine
// and then forgets it.
func (s *Service) dropWarm(ctx context.Context, w *store.WarmDatabase) error {
	ectx, cancel := s.engineCtx(ctx)
	defer cancel()
	c, _, err := s.conn(ectx, w.HostID)
	if err != nil {
		return err
	}
	if err := c.DropDatabase(ectx, engine.DropDatabaseRequest{Database: w.DBName, Owner: w.DBUser, Remote: "%"}); err != nil {
		return err
	}
	s.hook("warm-drop:engine-done")
	sctx, scancel := s.storeCtx(ctx)
	defer scancel()
	return s.store.CompleteWarmDrop(sctx, w)
}

// drainWarm turns h's warm pool off and drops its warm databases, for a
// host delete. One still being made by a worker is left to it; the
// delete is then refused until the next refill pass dropped it.
func (s *Service) drainWarm(ctx context.Context, h *dbplane.Host) error {
	ws, err := s.store.DrainWarm(ctx, h.ID, 2*s.opt.EngineTimeout)
	if err != nil {
		return err
	}
	for _, w := range ws {
		if err := s.dropWarm(ctx, w); err != nil {
			return translateEngine(s.warmFailed(ctx, w, err))
		}
	}
	return nil
}

// WarmReady returns how many warm databases of the host are ready to be
// claimed (for the bench, which waits for a full pool).
func (s *Service) WarmReady(ctx context.Context, hostID string) (int, error) {
	ws, err := s.store.WarmDatabases(ctx, hostID)
	n := 0
	for _, w := range ws {
		if w.State == store.WarmReady {
			n++
		}
	}
	return n, err
}
