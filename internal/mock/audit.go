package mock

import (
	"context"

	"github.com/dbplane/dbplane"
)

var _ dbplane.AuditService = (*AuditService)(nil)

// AuditService is a dbplane.AuditService whose method calls its field.
type AuditService struct {
	AuditLogFn func(ctx context.Context, f dbplane.AuditFilter) ([]*dbplane.AuditEntry, string, error)
}

// AuditLog calls AuditLogFn.
func (s *AuditService) AuditLog(ctx context.Context, f dbplane.AuditFilter) ([]*dbplane.AuditEntry, string, error) {
	if s.AuditLogFn == nil {
		return nil, "", notSet("AuditService.AuditLog")
	}
	return s.AuditLogFn(ctx, f)
}
