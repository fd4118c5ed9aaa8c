package control

import (
	"context"

	"github.com/dbplane/dbplane"
)

// Stats returns the deployment's figures for metrics and the overview.
func (s *Service) Stats(ctx context.Context) (*dbplane.Stats, error) {
	now := s.opt.Now()
	return s.store.Stats(ctx, now, now.Add(-s.opt.SessionIdle))
}
