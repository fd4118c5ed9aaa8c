package control

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/store"
)

// Reconcile finishes or undoes every engine change still in flight: serve
// runs it at start-up (in the background, see Run), so whatever a crash left
// half done is settled. With minAge > 0 only intents whose lease is at
// least that old are touched, so a periodic pass leaves a request the time
// to finish its own. The intents are claimed first, in one statement
// (store.ClaimIntents, up to 500 a pass): their tokens move on, and a
// request (or another pass) that held one can no longer change it, so a
// late store write of the old holder cannot undo what this pass settles.
// It returns the errors of intents it could not settle (their hosts may be
// down); they are retried on the next pass.
func (s *Service) Reconcile(ctx context.Context, minAge time.Duration) error {
	return s.reconcile(ctx, minAge, downHosts{})
}

// reconcile is one pass of Reconcile; down holds the hosts found not
// answering in this pass, so that a hung host costs one engine timeout per
// pass: over the intents and the statuses behind their flags alike.
func (s *Service) reconcile(ctx context.Context, minAge time.Duration, down downHosts) error {
	intents, err := s.store.ClaimIntents(ctx, minAge)
	if err != nil {
		return fmt.Errorf("reconcile: claim intents: %w", err)
	}
	var errs []error
	for _, in := range intents {
		err := down.check(in.HostID)
		if err == nil {
			err = s.settle(ctx, in)
			down.note(in.HostID, err)
		}
		if errors.Is(err, dbplane.ErrDatabaseOrphaned) {
			// Recorded while its host was being retired: give it up
			// as RetireHost did the others.
			err = s.store.AbandonRetired(ctx, in)
			if err == nil {
				s.log.Warn("engine change abandoned: its host is retired", "intent_id", in.ID, "kind", string(in.Kind), "database_id", in.DatabaseID)
				continue
			}
		}
		if errors.Is(err, store.ErrNotLeader) {
			// Another replica leads now; the rest is its work.
			return errors.Join(append(errs, err)...)
		}
		if errors.Is(err, store.ErrLeaseLost) {
			s.log.Info("engine change taken over by another worker", "intent_id", in.ID, "kind", string(in.Kind), "database_id", in.DatabaseID)
			continue
		}
		if err != nil {
			msg := err.Error() // engine errors hold no secret (engine.Conn)
			if nerr := s.store.NoteIntentFailure(ctx, in, msg); nerr != nil {
				errs = append(errs, nerr)
			}
			s.log.Warn("engine change not settled; will retry", "intent_id", in.ID, "kind", string(in.Kind),
				"database_id", in.DatabaseID, "host_id", in.HostID, "attempts", in.Attempts+1, "err", msg)
			errs = append(errs, fmt.Errorf("%s %s: %s", in.Kind, in.DatabaseID, msg))
			continue
		}
		s.log.Info("engine change settled", "intent_id", in.ID, "kind", string(in.Kind), "database_id", in.DatabaseID)
	}
	// Statuses behind their flags (a status change that failed before its
	// intent was written, or a host that was down) catch up here.
	drifted, err := s.store.Drifted(ctx, store.DriftFilter{})
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	if _, err := s.convergeDown(ctx, drifted, down); err != nil {
		errs = append(errs, err)
	}
	// Account deletes a crash or a down host left unfinished carry on.
	if err := s.finishAccountDeletes(ctx); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (s *Service) settle(ctx context.Context, in *dbplane.Intent) error {
	unlock := s.locks.lock(in.DatabaseID)
	defer unlock()
	ctx, cancel := context.WithTimeout(ctx, s.opt.EngineTimeout)
	defer cancel()
	return s.settleLocked(ctx, in)
}

// settleLocked finishes in, claimed by the caller, which holds the
// database's lock; ctx bounds the engine calls.
func (s *Service) settleLocked(ctx context.Context, in *dbplane.Intent) error {
	switch in.Kind {
	case dbplane.IntentCreate:
		d, err := s.store.Database(ctx, in.DatabaseID)
		if dbplane.ErrorCode(err) == dbplane.CodeNotFound {
			// The row is gone: undo whatever the engine made.
			if err := s.store.UndoCreate(ctx, in, true); err != nil {
				return err
			}
			return s.applyDrop(ctx, in)
		}
		if err != nil {
			return err
		}
		pw, err := s.sealer.Open(d.SealedPassword, databaseAAD(d.ID))
		if err != nil {
			return err
		}
		if err := s.applyCreate(ctx, in, d, string(pw), false); err != nil {
			if errors.Is(err, engine.ErrExists) {
				if err := s.store.UndoCreate(ctx, in, false); err != nil || in.Kind != dbplane.IntentDrop {
					return err
				}
				// A claimed warm database is left under its placeholder
				// names: drop it.
				return s.applyDrop(ctx, in)
			}
			return err
		}
		// A status the flags call for is applied by the drift sweep.
		_, err = s.store.CompleteCreate(ctx, in)
		return err
	case dbplane.IntentRotate:
		pw, err := s.sealer.Open(in.SealedPassword, databaseAAD(in.DatabaseID))
		if err != nil {
			return err
		}
		if err := s.applyRotate(ctx, in, string(pw)); err != nil {
			return err
		}
		return s.store.CompleteRotate(ctx, in)
	case dbplane.IntentDrop:
		return s.applyDrop(ctx, in)
	case dbplane.IntentAccess:
		return s.settleAccess(ctx, in)
	case dbplane.IntentRepair:
		return s.settleRepair(ctx, in)
	}
	return fmt.Errorf("unknown intent kind %q", in.Kind)
}

// Run retries unsettled engine changes and deletes expired dashboard
// sessions and Idempotency-Keys at once and then every interval, until
// ctx is done. Only
// intents whose lease is twice the engine timeout old are taken: younger
// ones may still be in a request's hands. With settleBefore set (a serve
// alone on its store, starting), the first pass takes every intent leased
// before it instead: whatever the last process left, settled while the
// server already answers (SPEC §6), and none of the requests it has taken
// since.
func (s *Service) Run(ctx context.Context, interval time.Duration, settleBefore time.Time) error {
	pass := func(minAge time.Duration) {
		// Errors are logged per intent inside Reconcile.
		_ = s.Reconcile(ctx, minAge)
		if err := s.SweepSessions(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("sweep expired sessions", "err", err)
		}
		if _, err := s.SweepIdempotency(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("sweep expired idempotency keys", "err", err)
		}
	}
	steady := 2 * s.opt.EngineTimeout
	if settleBefore.IsZero() {
		pass(steady)
	} else {
		// An intent leased at settleBefore itself may be a request's: the
		// cutoff is one millisecond (the store's resolution) earlier.
		pass(s.opt.Now().Sub(settleBefore) + time.Millisecond)
		if ctx.Err() == nil {
			s.log.Info("engine changes left by the last run are settled, or retried from now on")
		}
	}
	every(ctx, interval, func() { pass(steady) })
	return nil
}

// every calls fn each interval until ctx is done.
func every(ctx context.Context, interval time.Duration, fn func()) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn()
		}
	}
}
