package mock

import (
	"context"

	"github.com/dbplane/dbplane"
)

var _ dbplane.DriftService = (*DriftService)(nil)

// DriftService is a dbplane.DriftService whose methods call its fields.
type DriftService struct {
	SweepDriftFn    func(ctx context.Context) (*dbplane.DriftReport, error)
	DriftFindingsFn func(ctx context.Context, f dbplane.DriftFilter) ([]*dbplane.DriftFinding, int, error)
	DatabaseDriftFn func(ctx context.Context, ids []string) (map[string][]dbplane.DriftKind, error)
}

// SweepDrift calls SweepDriftFn.
func (s *DriftService) SweepDrift(ctx context.Context) (*dbplane.DriftReport, error) {
	if s.SweepDriftFn == nil {
		return nil, notSet("DriftService.SweepDrift")
	}
	return s.SweepDriftFn(ctx)
}

// DriftFindings calls DriftFindingsFn.
func (s *DriftService) DriftFindings(ctx context.Context, f dbplane.DriftFilter) ([]*dbplane.DriftFinding, int, error) {
	if s.DriftFindingsFn == nil {
		return nil, 0, notSet("DriftService.DriftFindings")
	}
	return s.DriftFindingsFn(ctx, f)
}

// DatabaseDrift calls DatabaseDriftFn.
func (s *DriftService) DatabaseDrift(ctx context.Context, ids []string) (map[string][]dbplane.DriftKind, error) {
	if s.DatabaseDriftFn == nil {
		return nil, notSet("DriftService.DatabaseDrift")
	}
	return s.DatabaseDriftFn(ctx, ids)
}
