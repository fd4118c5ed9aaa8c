package control

import (
	"context"

	"github.com/dbplane/dbplane"
)

// Stats returns the deployment's figures for metrics and the overview.
func (s *Service) Stats(ctx context.Context) (*dbplane.Stats, error) {
	now := s.opt.Now()
	st, err := s.store.Stats(ctx, now, now.Add(-s.opt.SessionIdle))
	if err != nil {
		return nil, err
	}
	down, err := s.DownHosts(ctx)
	if err != nil {
		return nil, err
	}
	st.HostsDown = len(down)
	st.WriteTransactions, st.WriteCommits = s.store.Writes()
	return st, nil
}
