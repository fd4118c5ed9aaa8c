package control

import (
	"context"
	"errors"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/engine"
)

var _ dbplane.AdminDatabaseService = (*Service)(nil)
var _ dbplane.ServerService = (*Service)(nil)
var _ dbplane.ServerDatabaseService = (*Service)(nil)

// ListAllDatabases returns a filtered page of every database.
func (s *Service) ListAllDatabases(ctx context.Context, f dbplane.DatabaseFilter) ([]*dbplane.Database, int, error) {
	return s.store.ListAllDatabases(ctx, f)
}

// Database returns any database by ULID or numeric id.
func (s *Service) Database(ctx context.Context, ref string) (*dbplane.Database, error) {
	return s.store.Database(ctx, ref)
}

// SetDatabaseDisabled disables or enables a database on its engine. The
// flag is stored first; if the engine cannot be reached the change is
// reported and the reconciler applies it later.
func (s *Service) SetDatabaseDisabled(ctx context.Context, ref string, disabled bool) (*dbplane.Database, error) {
	d, err := s.store.Database(ctx, ref)
	if err != nil {
		return nil, err
	}
	if err := s.store.SetAdminDisabled(ctx, d.ID, disabled); err != nil {
		return nil, err
	}
	if _, err := s.converge(ctx, []string{d.ID}); err != nil {
		return nil, err
	}
	return s.store.Database(ctx, d.ID)
}

// DeleteDatabase drops any database.
func (s *Service) DeleteDatabase(ctx context.Context, ref string) error {
	d, err := s.store.Database(ctx, ref)
	if err != nil {
		return err
	}
	return s.deleteDatabase(ctx, d.ID)
}

// RefreshQuota is one pass of the quota watcher: it measures every enabled
// host with one query each, stores the sizes, moves accounts' databases to
// over_quota (writes revoked on the engine) or back to active, and returns
// what it did. A host that is down is skipped and reported.
func (s *Service) RefreshQuota(ctx context.Context) (*dbplane.QuotaReport, error) {
	start := s.opt.Now()
	rep := &dbplane.QuotaReport{StartedAt: start}
	hosts, err := s.store.ListHosts(ctx)
	if err != nil {
		return nil, err
	}
	for _, h := range hosts {
		if !h.Enabled {
			continue
		}
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
		rep.Hosts = append(rep.Hosts, m)
	}
	if err := s.store.RecomputeOverQuota(ctx); err != nil {
		return nil, err
	}
	drifted, err := s.store.Drifted(ctx, "")
	if err != nil {
		return nil, err
	}
	changes, err := s.converge(ctx, drifted)
	if err != nil {
		s.log.Warn("quota: some status changes are not applied yet; will retry", "err", err)
	}
	rep.Changed = changes
	rep.Took = s.opt.Now().Sub(start)
	return rep, nil
}

func (s *Service) measure(ctx context.Context, hostID string) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, s.opt.EngineTimeout)
	defer cancel()
	c, _, err := s.conn(ctx, hostID)
	if err != nil {
		return 0, err
	}
	sizer, ok := c.(engine.Sizer)
	if !ok {
		return 0, engine.ErrUnsupported
	}
	sizes, err := sizer.DatabaseSizes(ctx)
	if err != nil {
		return 0, err
	}
	return s.store.UpdateSizes(ctx, hostID, sizes, s.opt.Now())
}

// RunQuota runs the quota watcher every interval until ctx is done.
func (s *Service) RunQuota(ctx context.Context, interval time.Duration) error {
	every(ctx, interval, func() {
		if _, err := s.RefreshQuota(ctx); err != nil {
			s.log.Error("quota pass failed", "err", err)
		}
	})
	return nil
}
