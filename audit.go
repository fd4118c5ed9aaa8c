package dbplane

import (
	"context"
	"time"
)

// AuditEntry is one request the audit log keeps: every change on every
// surface and the dashboard, every read that reveals a password, every
// sign-in. It holds no secret: no body, header, query string, password or
// key, only who, what, from where, the outcome and when.
type AuditEntry struct {
	ID   string // ULID, assigned when the entry is recorded
	Time time.Time
	// Surface is the part of the HTTP API that served the request:
	// "dbapi", "admin", "application", "client" or "web".
	Surface string
	// Action is the route pattern the request matched, such as
	// "POST /api/v1/db/databases/{id}/rotate".
	Action string
	// Resources are the path values of the pattern ({"id": "01J…"}).
	Resources map[string]string
	// Who: the account and key of an API request, the account and
	// session of a dashboard request, or only the Email tried at a
	// sign-in that failed. Empty when the request carried no valid
	// credentials.
	AccountID string
	KeyID     string
	KeyPrefix string
	SessionID string
	Email     string
	// Reveal is set on a read that hands out a password.
	Reveal    bool
	IP        string
	Status    int
	RequestID string
}

// Succeeded reports whether the request succeeded: a status below 400.
func (e *AuditEntry) Succeeded() bool { return e.Status > 0 && e.Status < 400 }

// AuditFilter narrows a read of the audit log. Empty fields match all.
type AuditFilter struct {
	AccountID string
	// Action matches the route pattern exactly, or, without a space, every
	// pattern of that method ("POST") or under that path ("/api/admin/keys").
	Action   string
	Resource string // any path value
	// Outcome is "success", "failure" or "".
	Outcome string
	Since   time.Time // inclusive
	Until   time.Time // exclusive
	// Before is the cursor: only entries with an ID below it (older).
	Before string
	Limit  int
}

// AuditService reads the audit log, newest first.
type AuditService interface {
	// AuditLog returns up to f.Limit entries and the cursor of the next
	// page ("" when this is the last).
	AuditLog(ctx context.Context, f AuditFilter) ([]*AuditEntry, string, error)
}
