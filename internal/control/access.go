package control

import (
	"context"
	"errors"
	"fmt"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/engine"
)

// accessFor maps a public status to what the engine enforces.
func accessFor(s dbplane.Status) engine.Access {
	switch s {
	case dbplane.StatusDisabled:
		return engine.AccessLocked
	case dbplane.StatusOverQuota:
		return engine.AccessReadOnly
	}
	return engine.AccessActive
}

// converge brings each database's engine access in line with its flags:
// an access intent is recorded, the engine changes, then the status is
// stored. It returns the changes made and the errors of those it could not
// make; Reconcile retries those.
func (s *Service) converge(ctx context.Context, ids []string) ([]dbplane.StatusChange, error) {
	return s.convergeDown(ctx, ids, downHosts{})
}

// convergeDown is converge within a pass that already found the hosts in
// down not answering: their databases are skipped at once.
func (s *Service) convergeDown(ctx context.Context, ids []string, down downHosts) ([]dbplane.StatusChange, error) {
	var changes []dbplane.StatusChange
	var errs []error
	for _, id := range ids {
		ch, err := s.convergeOne(ctx, id, down)
		if err != nil {
			errs = append(errs, fmt.Errorf("database %s: %w", id, err))
			continue
		}
		if ch != nil {
			changes = append(changes, *ch)
		}
	}
	return changes, errors.Join(errs...)
}

func (s *Service) convergeOne(ctx context.Context, id string, down downHosts) (*dbplane.StatusChange, error) {
	unlock := s.locks.lock(id)
	defer unlock()
	intentID, err := newULID(s.opt.Now(), s.opt.Rand)
	if err != nil {
		return nil, err
	}
	in := &dbplane.Intent{ID: intentID, DatabaseID: id}
	d, err := s.store.BeginAccess(ctx, in)
	if err != nil {
		return nil, err
	}
	from, to := d.Status, d.DesiredStatus()
	if from == to {
		return nil, s.store.AbandonIntent(ctx, in)
	}
	if err := down.check(d.HostID); err != nil {
		// Its host did not answer earlier in this pass: do not wait for it
		// again; the drift sweep applies the change once it answers.
		if aerr := s.store.AbandonIntent(ctx, in); aerr != nil {
			return nil, aerr
		}
		return nil, err
	}
	ectx, cancel := s.engineCtx(ctx)
	defer cancel()
	sctx, scancel := s.storeCtx(ctx)
	defer scancel()
	if err := s.applyAccessOrRecord(ectx, in, to); err != nil {
		down.note(d.HostID, err)
		// A change that may have happened keeps its intent, which
		// Reconcile applies once the host answers; one that did not is
		// forgotten, and the status, behind its flags, catches up there
		// too.
		s.giveUp(sctx, in, err)
		return nil, translateEngine(err)
	}
	if err := s.store.CompleteAccess(sctx, in, to); err != nil {
		return nil, err
	}
	s.log.Info("database status changed", "database_id", id, "from", string(from), "to", string(to))
	return &dbplane.StatusChange{DatabaseID: id, AccountID: d.AccountID, From: from, To: to}, nil
}

func (s *Service) applyAccess(ctx context.Context, in *dbplane.Intent, to dbplane.Status) error {
	c, _, err := s.conn(ctx, in.HostID)
	if err != nil {
		return err
	}
	return c.SetAccess(ctx, engine.SetAccessRequest{Database: in.DBName, Owner: in.DBUser, Remote: in.Remote, Access: accessFor(to)})
}

// settleAccess finishes an access intent left by a crash: the flags in the
// row are the truth, so it applies whatever they call for now.
func (s *Service) settleAccess(ctx context.Context, in *dbplane.Intent) error {
	d, err := s.store.Database(ctx, in.DatabaseID)
	if dbplane.ErrorCode(err) == dbplane.CodeNotFound {
		return s.store.AbandonIntent(ctx, in)
	}
	if err != nil {
		return err
	}
	to := d.DesiredStatus()
	if err := s.applyAccessOrRecord(ctx, in, to); err != nil {
		return err
	}
	return s.store.CompleteAccess(ctx, in, to)
}

// applyAccessOrRecord applies the access on the engine. An engine that
// cannot restrict access at all (FerretDB v1 has no roles) cannot be made
// to: the status is still recorded, so quotas, the API and the dashboard
// stay truthful about the account, and a warning says it is not enforced
// (docs/engines.md). Retrying would only block the database's other
// changes forever.
func (s *Service) applyAccessOrRecord(ctx context.Context, in *dbplane.Intent, to dbplane.Status) error {
	err := s.applyAccess(ctx, in, to)
	if errors.Is(err, engine.ErrUnsupported) {
		s.log.Warn("the engine cannot enforce this status; recorded only", "database_id", in.DatabaseID, "host_id", in.HostID, "status", string(to))
		return nil
	}
	return err
}

// downHosts remembers, for one pass over many databases, the hosts that did
// not answer, so that a dead host costs one engine timeout per pass instead
// of one per database (SPEC §6: a host that is down fails fast).
type downHosts map[string]error

func (d downHosts) note(hostID string, err error) {
	if errors.Is(err, engine.ErrUnreachable) || errors.Is(err, context.DeadlineExceeded) {
		d[hostID] = err
	}
}

func (d downHosts) check(hostID string) error {
	if err, ok := d[hostID]; ok {
		return dbplane.Wrap(dbplane.ErrHostUnavailable, fmt.Errorf("skipped, host %s did not answer earlier in this pass: %w", hostID, err))
	}
	return nil
}
