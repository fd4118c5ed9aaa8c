package control

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/dbplane/dbplane"
)

// The ends of lives (issue 10): a dead host retired, an account deleted.

// RetireHost marks a dead host gone without contacting it: its databases
// become orphaned (no longer counted against any quota; deletable without
// the engine), the engine changes pending on it are abandoned, and its
// warm pool is turned off, its warm databases kept on record, in one
// store transaction (store.RetireHost). It returns the orphan report,
// which names all of them.
func (s *Service) RetireHost(ctx context.Context, id string) (*dbplane.OrphanReport, error) {
	h, abandoned, err := s.store.RetireHost(ctx, id)
	if err != nil {
		return nil, err
	}
	s.dropConn(h.ID)
	s.log.Warn("host retired: its databases are orphaned", "host_id", h.ID, "host", h.Name, "abandoned_changes", len(abandoned))
	rep, err := s.orphanReport(ctx, h)
	if err != nil {
		return nil, err
	}
	rep.Abandoned = abandoned
	return rep, nil
}

// HostOrphans returns what dbplane left on a host: its orphaned databases
// and, once it is retired, its warm databases.
func (s *Service) HostOrphans(ctx context.Context, id string) (*dbplane.OrphanReport, error) {
	h, err := s.store.Host(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.orphanReport(ctx, h)
}

func (s *Service) orphanReport(ctx context.Context, h *dbplane.Host) (*dbplane.OrphanReport, error) {
	dbs, err := s.store.Orphans(ctx, h.ID)
	if err != nil {
		return nil, err
	}
	h.Password, h.SealedPassword = "", nil
	rep := &dbplane.OrphanReport{Host: h, Databases: dbs}
	if h.RetiredAt == nil {
		return rep, nil // a live host's warm databases are its pool, not orphans
	}
	ws, err := s.store.WarmDatabases(ctx, h.ID)
	if err != nil {
		return nil, err
	}
	for _, w := range ws {
		rep.Warm = append(rep.Warm, &dbplane.WarmLeftover{DBName: w.DBName, DBUser: w.DBUser, State: string(w.State), CreatedAt: w.CreatedAt})
	}
	return rep, nil
}

// DeleteAccount deletes an account (dbplane.AccountService). With cascade
// the account is first marked deleting in one transaction that also
// closes every way in (keys, sessions, links, subuser links); then each of
// its databases is dropped through its own drop intent, and the account
// and its servers go once none is left. A crash anywhere is finished by
// Reconcile (finishAccountDeletes): the mark stays until the account is
// gone, and every drop is an intent.
func (s *Service) DeleteAccount(ctx context.Context, id string, cascade bool) (*dbplane.AccountDeletion, error) {
	begun, err := s.store.BeginAccountDelete(ctx, id, cascade)
	s.forgetKeys() // its keys are gone
	if err != nil {
		return nil, err
	}
	s.hook("account-delete:marked")
	if begun.Deleted {
		return &dbplane.AccountDeletion{Deleted: true}, nil
	}
	return s.finishAccountDelete(ctx, id)
}

// accountDeleteWorkers bounds how many hosts one account delete drops
// databases from at once.
const accountDeleteWorkers = 8

// finishAccountDelete drops what a deleting account still owns and
// deletes the account once nothing is left. Databases whose host does not
// answer, or that another change holds, stay for the next pass. The hosts
// are worked on in parallel (at most accountDeleteWorkers at once), so
// hosts that hang cost the request one engine timeout, not one each
// (SPEC §6).
func (s *Service) finishAccountDelete(ctx context.Context, id string) (*dbplane.AccountDeletion, error) {
	dbs, err := s.store.OwnedDatabases(ctx, id)
	if err != nil {
		return nil, err
	}
	var hosts []string
	byHost := map[string][]*dbplane.Database{}
	for _, d := range dbs {
		if byHost[d.HostID] == nil {
			hosts = append(hosts, d.HostID)
		}
		byHost[d.HostID] = append(byHost[d.HostID], d)
	}
	out := &dbplane.AccountDeletion{}
	var (
		mu   sync.Mutex
		errs []error
	)
	// No drop starts after one engine timeout: with more hung hosts than
	// workers, those still waiting for a worker then are left for the
	// next pass instead of costing another timeout each round.
	deadline := time.Now().Add(s.opt.EngineTimeout)
	fanOut(hosts, accountDeleteWorkers, func(_ int, h string) {
		dropped, pending, err := s.dropAccountDatabases(ctx, byHost[h], deadline)
		mu.Lock()
		defer mu.Unlock()
		out.Databases += dropped
		out.Pending += pending
		errs = append(errs, err)
	})
	if out.Deleted, err = s.store.FinishAccountDelete(ctx, id); err != nil {
		return nil, err
	}
	if out.Deleted {
		out.Pending = 0
		s.log.Info("account deleted", "account_id", id)
	}
	return out, errors.Join(errs...)
}

// dropAccountDatabases drops the databases of a deleting account that
// live on one host, one after another. Once the host does not answer, or
// once deadline has passed, the rest wait for the next pass.
func (s *Service) dropAccountDatabases(ctx context.Context, dbs []*dbplane.Database, deadline time.Time) (dropped, pending int, _ error) {
	var errs []error
	down := false
	for _, d := range dbs {
		if down || time.Now().After(deadline) {
			pending++
			continue
		}
		switch d.Status {
		case dbplane.StatusDeleting, dbplane.StatusCreating:
			// An intent holds it: a drop in flight finishes by itself
			// (or by Reconcile); a create that completes is dropped on
			// the next pass.
			pending++
			continue
		}
		err := s.deleteDatabase(ctx, d.ID)
		switch {
		case err == nil:
			dropped++
		case dbplane.ErrorCode(err) == dbplane.CodeNotFound:
			// Gone meanwhile.
		case dbplane.ErrorCode(err) == dbplane.CodeUnavailable:
			// Left "deleting" with its intent: Reconcile drops it once
			// the host answers.
			pending++
			down = true
		default:
			pending++
			if dbplane.ErrorCode(err) != dbplane.CodeConflict {
				errs = append(errs, fmt.Errorf("drop database %s: %w", d.ID, err))
			}
		}
		s.hook("account-delete:database-dropped")
	}
	return dropped, pending, errors.Join(errs...)
}

// finishAccountDeletes carries on every account delete left unfinished
// (a host down, a crash).
func (s *Service) finishAccountDeletes(ctx context.Context) error {
	ids, err := s.store.DeletingAccounts(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, id := range ids {
		res, err := s.finishAccountDelete(ctx, id)
		if err != nil {
			errs = append(errs, fmt.Errorf("delete account %s: %w", id, err))
			continue
		}
		if !res.Deleted {
			s.log.Info("account delete waits for its databases", "account_id", id, "pending", res.Pending)
		}
	}
	return errors.Join(errs...)
}
