package web

import (
	"context"
	"net/http"
	"time"

	"github.com/dbplane/dbplane"
)

// adminOverviewRoutes registers the operator's overview: hosts up or down,
// databases by status, engine changes not settled, accounts over quota.
func (h *handler) adminOverviewRoutes() {
	m, a := h.mux, h.adminOnly
	m.HandleFunc("GET /admin", a(h.handleAdminOverview))
	m.HandleFunc("POST /admin/check-hosts", a(h.handleAdminCheckHosts))
}

// adminHostCheckTimeout bounds Check hosts now: each host gets this long,
// and the page waits a second more at most, so a hung host cannot hang it.
const adminHostCheckTimeout = 3 * time.Second

// adminChangesShown is how many unsettled engine changes the overview lists.
const adminChangesShown = 50

type adminOverviewView struct {
	adminFrame
	Hosts    []adminHostRow
	Down     int
	Stats    *dbplane.Stats
	Oldest   *time.Time // when the oldest unsettled change was recorded
	Statuses []dbplane.Status
	ByEngine []adminStatusRow
	Totals   adminStatusRow
	// Changes are the first unsettled engine changes of ChangesTotal.
	Changes      []*dbplane.Intent
	ChangesTotal int
	HostName     map[string]string
	OverQuota    []*dbplane.Account
	Suspended    int
	// Checked is set after Check hosts now.
	Checked      bool
	CheckTimeout time.Duration
}

// adminHostRow is one host on the overview.
type adminHostRow struct {
	Host *dbplane.Host
	// Health is what this replica last saw of the host from its own engine
	// operations; nil when it has not touched the host since it started.
	Health *dbplane.HostHealth
	SeenAt *time.Time // Health.SeenAt
	// Pending counts engine changes on the host not settled yet, and
	// LastError is the latest error one of them met.
	Pending   int
	LastError string
	// Check is the outcome of Check hosts now, when it was run.
	Check *adminHostCheck
}

type adminHostCheck struct {
	OK      bool
	Message string
}

// adminStatusRow counts one engine's databases by status, in the order of
// adminStatuses.
type adminStatusRow struct {
	Engine dbplane.Engine
	Counts []int
	Total  int
}

// handleAdminOverview reads the store and the in-memory host health; it
// contacts no engine, so a hung host cannot slow it down.
func (h *handler) handleAdminOverview(w http.ResponseWriter, r *http.Request) {
	h.renderAdminOverview(w, r, nil)
}

// handleAdminCheckHosts tests every host now, all at once, each bounded
// by adminHostCheckTimeout, and shows the overview with the outcomes.
func (h *handler) handleAdminCheckHosts(w http.ResponseWriter, r *http.Request) {
	hosts, err := h.svc.Hosts.ListHosts(r.Context())
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	type result struct {
		id string
		c  adminHostCheck
	}
	ctx, cancel := context.WithTimeout(r.Context(), adminHostCheckTimeout)
	defer cancel()
	results := make(chan result, len(hosts)) // buffered: a late check never blocks
	for _, x := range hosts {
		go func() {
			t, err := h.svc.Hosts.TestHost(ctx, x.ID)
			c := adminHostCheck{OK: t.Success, Message: t.Message}
			if err != nil {
				c = adminHostCheck{Message: h.formError(r, err)}
			}
			results <- result{x.ID, c}
		}()
	}
	checks := map[string]*adminHostCheck{}
	wait := time.NewTimer(adminHostCheckTimeout + time.Second)
	defer wait.Stop()
collect:
	for range hosts {
		select {
		case res := <-results:
			checks[res.id] = &res.c
		case <-wait.C:
			break collect
		}
	}
	for _, x := range hosts {
		if checks[x.ID] == nil {
			checks[x.ID] = &adminHostCheck{Message: "No answer within " + adminHostCheckTimeout.String() + "."}
		}
	}
	h.renderAdminOverview(w, r, checks)
}

func (h *handler) renderAdminOverview(w http.ResponseWriter, r *http.Request, checks map[string]*adminHostCheck) {
	ctx := r.Context()
	hosts, err := h.svc.Hosts.ListHosts(ctx)
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	stats, err := h.svc.AdminDatabases.Stats(ctx)
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	changes, err := h.svc.AdminDatabases.PendingChanges(ctx)
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	overQuota, _, err := h.svc.Accounts.FindAccounts(ctx, dbplane.AccountFilter{OverQuota: true})
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	// The suspended accounts are counted, not listed: the total of a
	// one-account page.
	_, suspended, err := h.svc.Accounts.FindAccounts(ctx, dbplane.AccountFilter{Suspended: true, Page: dbplane.Page{Page: 1, PerPage: 1}})
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	v := adminOverviewView{
		adminFrame: adminNav("/admin"), Stats: stats, Statuses: adminStatuses, HostName: adminHostNames(hosts),
		ChangesTotal: len(changes), Checked: checks != nil, CheckTimeout: adminHostCheckTimeout,
	}
	health := h.hostHealth()
	pending := map[string]int{}
	lastError := map[string]string{}
	for _, c := range changes { // oldest first: the last error seen wins
		pending[c.HostID]++
		if c.LastError != "" {
			lastError[c.HostID] = c.LastError
		}
	}
	for _, x := range hosts {
		row := adminHostRow{Host: x, Pending: pending[x.ID], LastError: lastError[x.ID], Check: checks[x.ID]}
		if hh, ok := health[x.ID]; ok {
			row.Health, row.SeenAt = &hh, &hh.SeenAt
		}
		down := row.Check != nil && !row.Check.OK || row.Check == nil && row.Health != nil && row.Health.Down
		if down && x.Enabled {
			v.Down++
		}
		v.Hosts = append(v.Hosts, row)
	}
	v.Changes = changes[:min(len(changes), adminChangesShown)]
	if !stats.OldestIntent.IsZero() {
		v.Oldest = &stats.OldestIntent
	}
	v.Totals = adminStatusRow{Counts: make([]int, len(adminStatuses))}
	for _, e := range dbplane.Engines {
		counts := stats.Databases[e]
		if len(counts) == 0 {
			continue
		}
		row := adminStatusRow{Engine: e, Counts: make([]int, len(adminStatuses))}
		for i, s := range adminStatuses {
			row.Counts[i] = counts[s]
			row.Total += counts[s]
			v.Totals.Counts[i] += counts[s]
		}
		v.Totals.Total += row.Total
		v.ByEngine = append(v.ByEngine, row)
	}
	v.OverQuota, v.Suspended = overQuota, suspended
	h.render(w, r, http.StatusOK, "admin-overview", view{Title: "Operator overview", Nav: "admin", Data: v})
}
