package mock

import (
	"context"

	"github.com/dbplane/dbplane"
)

var _ dbplane.DatabaseService = (*DatabaseService)(nil)

// DatabaseService is a dbplane.DatabaseService whose methods call its fields.
type DatabaseService struct {
	ListDatabasesFn  func(ctx context.Context, accountID string) ([]*dbplane.Database, error)
	CreateDatabaseFn func(ctx context.Context, in dbplane.CreateDatabaseInput) (*dbplane.Credentials, error)
	RevealDatabaseFn func(ctx context.Context, accountID, id string) (*dbplane.Credentials, error)
	RotatePasswordFn func(ctx context.Context, accountID, id string) (*dbplane.Credentials, error)
	EnginesFn        func(ctx context.Context) ([]dbplane.Engine, error)

	DeleteOwnDatabaseFn func(ctx context.Context, accountID, id, confirmLabel string) error
}

// Engines calls EnginesFn.
func (s *DatabaseService) Engines(ctx context.Context) ([]dbplane.Engine, error) {
	if s.EnginesFn == nil {
		return nil, notSet("DatabaseService.Engines")
	}
	return s.EnginesFn(ctx)
}

// ListDatabases calls ListDatabasesFn.
func (s *DatabaseService) ListDatabases(ctx context.Context, accountID string) ([]*dbplane.Database, error) {
	if s.ListDatabasesFn == nil {
		return nil, notSet("DatabaseService.ListDatabases")
	}
	return s.ListDatabasesFn(ctx, accountID)
}

// CreateDatabase calls CreateDatabaseFn.
func (s *DatabaseService) CreateDatabase(ctx context.Context, in dbplane.CreateDatabaseInput) (*dbplane.Credentials, error) {
	if s.CreateDatabaseFn == nil {
		return nil, notSet("DatabaseService.CreateDatabase")
	}
	return s.CreateDatabaseFn(ctx, in)
}

// RevealDatabase calls RevealDatabaseFn.
func (s *DatabaseService) RevealDatabase(ctx context.Context, accountID, id string) (*dbplane.Credentials, error) {
	if s.RevealDatabaseFn == nil {
		return nil, notSet("DatabaseService.RevealDatabase")
	}
	return s.RevealDatabaseFn(ctx, accountID, id)
}

// RotatePassword calls RotatePasswordFn.
func (s *DatabaseService) RotatePassword(ctx context.Context, accountID, id string) (*dbplane.Credentials, error) {
	if s.RotatePasswordFn == nil {
		return nil, notSet("DatabaseService.RotatePassword")
	}
	return s.RotatePasswordFn(ctx, accountID, id)
}

// DeleteOwnDatabase calls DeleteOwnDatabaseFn.
func (s *DatabaseService) DeleteOwnDatabase(ctx context.Context, accountID, id, confirmLabel string) error {
	if s.DeleteOwnDatabaseFn == nil {
		return notSet("DatabaseService.DeleteOwnDatabase")
	}
	return s.DeleteOwnDatabaseFn(ctx, accountID, id, confirmLabel)
}
