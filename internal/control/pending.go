package control

import (
	"context"

	"github.com/dbplane/dbplane"
)

// PendingChanges returns the engine changes in flight, oldest first, for
// the operator's overview: what each is, where, how many attempts and the
// last error (scrubbed of passwords when it was stored). The sealed
// password of a rotate and the reconciler's lease are left out.
func (s *Service) PendingChanges(ctx context.Context) ([]*dbplane.Intent, error) {
	intents, err := s.store.Intents(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*dbplane.Intent, len(intents))
	for i, in := range intents {
		out[i] = &dbplane.Intent{
			ID: in.ID, Kind: in.Kind, DatabaseID: in.DatabaseID, HostID: in.HostID, DBName: in.DBName,
			DBUser: in.DBUser, Remote: in.Remote, Attempts: in.Attempts, LastError: in.LastError, CreatedAt: in.CreatedAt,
		}
	}
	return out, nil
}
