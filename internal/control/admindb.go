package control

import (
	"context"

	"github.com/dbplane/dbplane"
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
	if d.Status == dbplane.StatusOrphaned {
		return nil, dbplane.ErrDatabaseOrphaned // no engine to apply it on
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
