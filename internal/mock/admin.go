package mock

import (
	"context"

	"github.com/dbplane/dbplane"
)

var _ dbplane.AdminDatabaseService = (*AdminDatabaseService)(nil)

// AdminDatabaseService is a dbplane.AdminDatabaseService whose methods call
// its fields.
type AdminDatabaseService struct {
	ListAllDatabasesFn    func(ctx context.Context, f dbplane.DatabaseFilter) ([]*dbplane.Database, int, error)
	DatabaseFn            func(ctx context.Context, ref string) (*dbplane.Database, error)
	SetDatabaseDisabledFn func(ctx context.Context, ref string, disabled bool) (*dbplane.Database, error)
	DeleteDatabaseFn      func(ctx context.Context, ref string) error
	RefreshQuotaFn        func(ctx context.Context) (*dbplane.QuotaReport, error)
	StatsFn               func(ctx context.Context) (*dbplane.Stats, error)
	PendingChangesFn      func(ctx context.Context) ([]*dbplane.Intent, error)
	RekeyFn               func(ctx context.Context) (*dbplane.RekeyReport, error)
}

// ListAllDatabases calls ListAllDatabasesFn.
func (s *AdminDatabaseService) ListAllDatabases(ctx context.Context, f dbplane.DatabaseFilter) ([]*dbplane.Database, int, error) {
	if s.ListAllDatabasesFn == nil {
		return nil, 0, notSet("AdminDatabaseService.ListAllDatabases")
	}
	return s.ListAllDatabasesFn(ctx, f)
}

// Database calls DatabaseFn.
func (s *AdminDatabaseService) Database(ctx context.Context, ref string) (*dbplane.Database, error) {
	if s.DatabaseFn == nil {
		return nil, notSet("AdminDatabaseService.Database")
	}
	return s.DatabaseFn(ctx, ref)
}

// SetDatabaseDisabled calls SetDatabaseDisabledFn.
func (s *AdminDatabaseService) SetDatabaseDisabled(ctx context.Context, ref string, disabled bool) (*dbplane.Database, error) {
	if s.SetDatabaseDisabledFn == nil {
		return nil, notSet("AdminDatabaseService.SetDatabaseDisabled")
	}
	return s.SetDatabaseDisabledFn(ctx, ref, disabled)
}

// DeleteDatabase calls DeleteDatabaseFn.
func (s *AdminDatabaseService) DeleteDatabase(ctx context.Context, ref string) error {
	if s.DeleteDatabaseFn == nil {
		return notSet("AdminDatabaseService.DeleteDatabase")
	}
	return s.DeleteDatabaseFn(ctx, ref)
}

// RefreshQuota calls RefreshQuotaFn.
func (s *AdminDatabaseService) RefreshQuota(ctx context.Context) (*dbplane.QuotaReport, error) {
	if s.RefreshQuotaFn == nil {
		return nil, notSet("AdminDatabaseService.RefreshQuota")
	}
	return s.RefreshQuotaFn(ctx)
}

// Stats calls StatsFn.
func (s *AdminDatabaseService) Stats(ctx context.Context) (*dbplane.Stats, error) {
	if s.StatsFn == nil {
		return nil, notSet("AdminDatabaseService.Stats")
	}
	return s.StatsFn(ctx)
}

// PendingChanges calls PendingChangesFn.
func (s *AdminDatabaseService) PendingChanges(ctx context.Context) ([]*dbplane.Intent, error) {
	if s.PendingChangesFn == nil {
		return nil, notSet("AdminDatabaseService.PendingChanges")
	}
	return s.PendingChangesFn(ctx)
}

// Rekey calls RekeyFn.
func (s *AdminDatabaseService) Rekey(ctx context.Context) (*dbplane.RekeyReport, error) {
	if s.RekeyFn == nil {
		return nil, notSet("AdminDatabaseService.Rekey")
	}
	return s.RekeyFn(ctx)
}
