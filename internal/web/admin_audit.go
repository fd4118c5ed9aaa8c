package web

import (
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/dbplane/dbplane"
)

// auditPageSize is how many audit entries a page shows.
const auditPageSize = 50

// adminAuditRoutes registers the audit log page.
func (h *handler) adminAuditRoutes() {
	h.mux.HandleFunc("GET /admin/audit", h.adminOnly(h.handleAdminAudit))
}

type adminAuditView struct {
	adminFrame
	Filter  dbplane.AuditFilter
	Entries []auditRow
	Emails  map[string]string // account id → email
	Older   string            // query of the next (older) page; "" on the last
	Error   string
	Off     bool // the server keeps no audit log
}

// auditRow is one entry as the page shows it.
type auditRow struct {
	*dbplane.AuditEntry
	ResourceText string
}

// handleAdminAudit shows the audit log, newest first, with the admin
// API's filters and cursor (GET /api/admin/audit).
func (h *handler) handleAdminAudit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := dbplane.AuditFilter{
		AccountID: strings.TrimSpace(q.Get("account")), Action: strings.TrimSpace(q.Get("action")),
		Resource: strings.TrimSpace(q.Get("resource")), Before: q.Get("cursor"), Limit: auditPageSize,
	}
	switch o := q.Get("outcome"); o {
	case "success", "failure":
		f.Outcome = o
	}
	v := adminAuditView{adminFrame: adminNav("/admin/audit"), Filter: f, Emails: map[string]string{}}
	status := http.StatusOK
	if h.svc.Audit == nil {
		v.Off = true
	} else if es, next, err := h.svc.Audit.AuditLog(r.Context(), f); err != nil {
		h.serviceError(w, r, err)
		return
	} else {
		for _, e := range es {
			v.Entries = append(v.Entries, auditRow{AuditEntry: e, ResourceText: resourceText(e.Resources)})
			if e.AccountID != "" && v.Emails[e.AccountID] == "" {
				if a, err := h.svc.Accounts.Account(r.Context(), e.AccountID); err == nil {
					v.Emails[e.AccountID] = a.Email
				}
			}
		}
		if next != "" {
			older := url.Values{}
			for k, val := range map[string]string{"account": f.AccountID, "action": f.Action, "resource": f.Resource, "outcome": f.Outcome} {
				if val != "" {
					older.Set(k, val)
				}
			}
			older.Set("cursor", next)
			v.Older = older.Encode()
		}
	}
	h.render(w, r, status, "admin-audit", view{Title: "Audit log", Nav: "admin", Data: v})
}

// resourceText shows an entry's path values: "id=01J… keyId=…".
func resourceText(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + m[k]
	}
	return strings.Join(parts, " ")
}
