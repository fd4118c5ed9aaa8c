package mock

import (
	"context"

	"github.com/dbplane/dbplane"
)

var _ dbplane.HostService = (*HostService)(nil)

// HostService is a dbplane.HostService whose methods call its fields.
type HostService struct {
	ListHostsFn  func(ctx context.Context) ([]*dbplane.Host, error)
	HostFn       func(ctx context.Context, id string) (*dbplane.Host, error)
	CreateHostFn func(ctx context.Context, in dbplane.HostInput) (*dbplane.Host, error)
	UpdateHostFn func(ctx context.Context, id string, in dbplane.HostInput) (*dbplane.Host, error)
	DeleteHostFn func(ctx context.Context, id string) error
	TestHostFn   func(ctx context.Context, id string) (dbplane.HostTest, error)

	TestHostSettingsFn func(ctx context.Context, id string, in dbplane.HostInput) (dbplane.HostTest, error)
	HostHealthFn       func() []dbplane.HostHealth
	RetireHostFn       func(ctx context.Context, id string) (*dbplane.OrphanReport, error)
	HostOrphansFn      func(ctx context.Context, id string) (*dbplane.OrphanReport, error)
}

// RetireHost calls RetireHostFn.
func (s *HostService) RetireHost(ctx context.Context, id string) (*dbplane.OrphanReport, error) {
	if s.RetireHostFn == nil {
		return nil, notSet("HostService.RetireHost")
	}
	return s.RetireHostFn(ctx, id)
}

// HostOrphans calls HostOrphansFn.
func (s *HostService) HostOrphans(ctx context.Context, id string) (*dbplane.OrphanReport, error) {
	if s.HostOrphansFn == nil {
		return nil, notSet("HostService.HostOrphans")
	}
	return s.HostOrphansFn(ctx, id)
}

// ListHosts calls ListHostsFn.
func (s *HostService) ListHosts(ctx context.Context) ([]*dbplane.Host, error) {
	if s.ListHostsFn == nil {
		return nil, notSet("HostService.ListHosts")
	}
	return s.ListHostsFn(ctx)
}

// Host calls HostFn.
func (s *HostService) Host(ctx context.Context, id string) (*dbplane.Host, error) {
	if s.HostFn == nil {
		return nil, notSet("HostService.Host")
	}
	return s.HostFn(ctx, id)
}

// CreateHost calls CreateHostFn.
func (s *HostService) CreateHost(ctx context.Context, in dbplane.HostInput) (*dbplane.Host, error) {
	if s.CreateHostFn == nil {
		return nil, notSet("HostService.CreateHost")
	}
	return s.CreateHostFn(ctx, in)
}

// UpdateHost calls UpdateHostFn.
func (s *HostService) UpdateHost(ctx context.Context, id string, in dbplane.HostInput) (*dbplane.Host, error) {
	if s.UpdateHostFn == nil {
		return nil, notSet("HostService.UpdateHost")
	}
	return s.UpdateHostFn(ctx, id, in)
}

// DeleteHost calls DeleteHostFn.
func (s *HostService) DeleteHost(ctx context.Context, id string) error {
	if s.DeleteHostFn == nil {
		return notSet("HostService.DeleteHost")
	}
	return s.DeleteHostFn(ctx, id)
}

// TestHost calls TestHostFn.
func (s *HostService) TestHost(ctx context.Context, id string) (dbplane.HostTest, error) {
	if s.TestHostFn == nil {
		return dbplane.HostTest{}, notSet("HostService.TestHost")
	}
	return s.TestHostFn(ctx, id)
}

// TestHostSettings calls TestHostSettingsFn.
func (s *HostService) TestHostSettings(ctx context.Context, id string, in dbplane.HostInput) (dbplane.HostTest, error) {
	if s.TestHostSettingsFn == nil {
		return dbplane.HostTest{}, notSet("HostService.TestHostSettings")
	}
	return s.TestHostSettingsFn(ctx, id, in)
}

// HostHealth calls HostHealthFn; unset, nothing was seen.
func (s *HostService) HostHealth() []dbplane.HostHealth {
	if s.HostHealthFn == nil {
		return nil
	}
	return s.HostHealthFn()
}
