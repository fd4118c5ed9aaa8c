package admin

import (
	"net/http"
	"strconv"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/response"
)

// Audit log pages.
const (
	defaultAuditLimit = 50
	maxAuditLimit     = 500
)

// auditEntryJSON is one audit entry. It never holds a secret.
type auditEntryJSON struct {
	ID        string            `json:"id"`
	Time      string            `json:"time"`
	Surface   string            `json:"surface"`
	Action    string            `json:"action"`
	Resources map[string]string `json:"resources"`
	AccountID *string           `json:"accountId"`
	KeyID     *string           `json:"keyId"`
	KeyPrefix *string           `json:"keyPrefix"`
	SessionID *string           `json:"sessionId"`
	Email     *string           `json:"email"`
	Reveal    bool              `json:"reveal"`
	IP        string            `json:"ip"`
	Status    int               `json:"status"`
	Outcome   string            `json:"outcome"`
	RequestID string            `json:"requestId"`
}

// ToAuditJSON is the wire form of an entry, shared with the JSON lines
// file (--audit-log).
func toAuditJSON(e *dbplane.AuditEntry) auditEntryJSON {
	orNull := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	res := e.Resources
	if res == nil {
		res = map[string]string{}
	}
	outcome := "failure"
	if e.Succeeded() {
		outcome = "success"
	}
	return auditEntryJSON{
		ID: e.ID, Time: response.Time(e.Time), Surface: e.Surface, Action: e.Action, Resources: res,
		AccountID: orNull(e.AccountID), KeyID: orNull(e.KeyID), KeyPrefix: orNull(e.KeyPrefix),
		SessionID: orNull(e.SessionID), Email: orNull(e.Email), Reveal: e.Reveal, IP: e.IP,
		Status: e.Status, Outcome: outcome, RequestID: e.RequestID,
	}
}

// AuditJSON returns e as the admin API writes it, for the JSON lines
// file (--audit-log): one shape for both.
func AuditJSON(e *dbplane.AuditEntry) any { return toAuditJSON(e) }

type auditMetaJSON struct {
	NextCursor *string `json:"nextCursor"`
}

type auditListBody struct {
	Data []auditEntryJSON `json:"data"`
	Meta auditMetaJSON    `json:"meta"`
}

// handleAuditList reads the audit log, newest first, a page at a time:
// ?cursor= is the meta.nextCursor of the page before.
func (h *handler) handleAuditList(w http.ResponseWriter, r *http.Request) {
	f, err := parseAuditFilter(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	es, next, err := h.audit.AuditLog(r.Context(), f)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	body := auditListBody{Data: make([]auditEntryJSON, 0, len(es))}
	for _, e := range es {
		body.Data = append(body.Data, toAuditJSON(e))
	}
	if next != "" {
		body.Meta.NextCursor = &next
	}
	if err := response.JSON(w, http.StatusOK, body); err != nil {
		h.logWriteError(r, err)
	}
}

// parseAuditFilter reads the list's query: account, action, resource,
// outcome (success|failure), since and until (RFC 3339), cursor and limit
// (1–500, default 50). A bad value is a 422 naming it.
func parseAuditFilter(r *http.Request) (dbplane.AuditFilter, error) {
	q := r.URL.Query()
	f := dbplane.AuditFilter{
		AccountID: q.Get("account"), Action: q.Get("action"), Resource: q.Get("resource"),
		Outcome: q.Get("outcome"), Before: q.Get("cursor"), Limit: defaultAuditLimit,
	}
	for name, v := range map[string]string{"account": f.AccountID, "action": f.Action, "resource": f.Resource, "cursor": f.Before} {
		if len(v) > 300 {
			return f, dbplane.FieldErrorf(name, "The %s must be at most 300 characters.", name)
		}
	}
	switch f.Outcome {
	case "", "success", "failure":
	default:
		return f, dbplane.FieldErrorf("outcome", "The outcome must be success or failure.")
	}
	for _, t := range []struct {
		name string
		dst  *time.Time
	}{{"since", &f.Since}, {"until", &f.Until}} {
		s := q.Get(t.name)
		if s == "" {
			continue
		}
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return f, dbplane.FieldErrorf(t.name, "The %s must be a time in RFC 3339 form, such as 2026-01-02T15:04:05Z.", t.name)
		}
		*t.dst = v
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxAuditLimit {
			return f, dbplane.FieldErrorf("limit", "The limit must be a whole number from 1 to %d.", maxAuditLimit)
		}
		f.Limit = n
	}
	return f, nil
}
