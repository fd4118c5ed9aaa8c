package web

import (
	"cmp"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/dbplane/dbplane"
)

// adminDatabaseRoutes registers every database of every account, filtered,
// with the operator's disable, enable and delete, and the quota pass on
// demand: the AdminDatabaseService calls the admin API makes.
func (h *handler) adminDatabaseRoutes() {
	m, a := h.mux, h.adminOnly
	m.HandleFunc("GET /admin/databases", a(h.handleAdminDatabases))
	m.HandleFunc("POST /admin/databases/quota-pass", a(h.handleAdminQuotaPass))
	m.HandleFunc("POST /admin/databases/{id}/disable", a(h.handleAdminDatabaseDisabled(true)))
	m.HandleFunc("POST /admin/databases/{id}/enable", a(h.handleAdminDatabaseDisabled(false)))
	m.HandleFunc("GET /admin/databases/{id}/delete", a(h.handleAdminDatabaseDeletePage))
	m.HandleFunc("POST /admin/databases/{id}/delete", a(h.handleAdminDatabaseDelete))
}

// adminStatuses are the statuses the filter offers, internal ones too.
var adminStatuses = []dbplane.Status{
	dbplane.StatusActive, dbplane.StatusOverQuota, dbplane.StatusDisabled,
	dbplane.StatusCreating, dbplane.StatusDeleting, dbplane.StatusFailed,
}

type adminDatabasesView struct {
	adminFrame
	Filter    dbplane.DatabaseFilter
	Databases []*dbplane.Database
	Total     int
	// Page links keep the filter; empty when there is no such page.
	Page, Pages      int
	PrevURL, NextURL template.URL
	// Query is the filter as a query string, for the actions to come back to.
	Query string
	// Email is the account filter's input: the email typed, or that of
	// the account of the filter's account id.
	Email    string
	Hosts    []*dbplane.Host
	Emails   map[string]string // the listed databases' accounts: id → email
	HostName map[string]string // host id → name
	Engines  []dbplane.Engine
	Statuses []dbplane.Status
	Report   *dbplane.QuotaReport
	// Error is why the filter was refused (an email of no account), Field
	// the field it is about; then no database is listed.
	Error, Field string
}

type adminDatabaseDeleteView struct {
	adminFrame
	DB          *dbplane.Database
	Email, Host string
	Query       string
	Back        template.URL // the list with its filter
	Error       string
}

var adminDatabaseFlash = map[string]string{
	"disabled": "Database disabled: its logins are refused and its sessions ended.",
	"enabled":  "Operator's disable lifted. A database of a suspended or over-quota account stays restricted.",
	"deleted":  "Database deleted: dropped on its engine with its user.",
}

// adminDatabaseFilter reads the filter and the page from the query.
func adminDatabaseFilter(q url.Values) dbplane.DatabaseFilter {
	f := dbplane.DatabaseFilter{
		AccountID: q.Get("account"), HostID: q.Get("host"), ServerID: q.Get("server"),
		Engine: dbplane.Engine(q.Get("engine")), Status: dbplane.Status(q.Get("status")),
	}
	page, _ := strconv.Atoi(q.Get("page"))
	f.Page = dbplane.Page{Page: max(page, 1), PerPage: pageSize}
	return f
}

// adminFilterQuery is f as a query string, without the page.
func adminFilterQuery(f dbplane.DatabaseFilter) url.Values {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("account", f.AccountID)
	set("host", f.HostID)
	set("server", f.ServerID)
	set("engine", string(f.Engine))
	set("status", string(f.Status))
	return q
}

// handleAdminDatabases lists the databases the filter selects. The form
// names the account by its email (email=…), looked up on the store's
// email index; links name it by id (account=…), as other pages do. An
// email of no account is refused beside the form.
func (h *handler) handleAdminDatabases(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := adminDatabaseFilter(q)
	if q.Has("email") { // the form sent it, empty for every account
		f.AccountID = ""
		if email := strings.TrimSpace(q.Get("email")); email != "" {
			a, err := h.accountByEmail(r.Context(), "email", email)
			if err != nil {
				h.renderAdminDatabases(w, r, statusOf(err), f, adminDatabasesView{Email: email, Error: h.formError(r, err), Field: dbplane.ErrorField(err)})
				return
			}
			f.AccountID = a.ID
		}
	}
	h.renderAdminDatabases(w, r, http.StatusOK, f, adminDatabasesView{})
}

func (h *handler) renderAdminDatabases(w http.ResponseWriter, r *http.Request, status int, f dbplane.DatabaseFilter, v adminDatabasesView) {
	ctx := r.Context()
	var dbs []*dbplane.Database
	var total int
	var err error
	if v.Error == "" {
		if dbs, total, err = h.svc.AdminDatabases.ListAllDatabases(ctx, f); err != nil {
			h.serviceError(w, r, err)
			return
		}
	}
	pages := max(1, (total+pageSize-1)/pageSize)
	if v.Error == "" && f.Page.Page > pages { // past the end: show the last page
		f.Page.Page = pages
		if dbs, total, err = h.svc.AdminDatabases.ListAllDatabases(ctx, f); err != nil {
			h.serviceError(w, r, err)
			return
		}
	}
	// The emails of the listed databases' accounts, of the report's and
	// of the filter's account, not of every account.
	ids := []string{f.AccountID}
	for _, d := range dbs {
		ids = append(ids, d.AccountID)
	}
	if v.Report != nil {
		for _, c := range v.Report.Changed {
			ids = append(ids, c.AccountID)
		}
	}
	if v.Emails, err = h.accountEmails(ctx, ids...); err != nil {
		h.serviceError(w, r, err)
		return
	}
	if v.Email == "" && f.AccountID != "" {
		v.Email = cmp.Or(v.Emails[f.AccountID], f.AccountID) // an id of no account shows as typed
	}
	hosts, err := h.svc.Hosts.ListHosts(ctx)
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	v.adminFrame, v.Filter, v.Databases, v.Total = adminNav("/admin/databases"), f, dbs, total
	v.Hosts, v.Engines, v.Statuses = hosts, dbplane.Engines, adminStatuses
	v.HostName = adminHostNames(hosts)
	q := adminFilterQuery(f)
	v.Query = q.Encode()
	v.Page, v.Pages = f.Page.Page, pages
	link := func(page int) template.URL {
		q.Set("page", strconv.Itoa(page))
		return template.URL("/admin/databases?" + q.Encode()) // built from url.Values: safe
	}
	if v.Page > 1 {
		v.PrevURL = link(v.Page - 1)
	}
	if v.Page < pages {
		v.NextURL = link(v.Page + 1)
	}
	h.render(w, r, status, "admin-databases", view{Title: "Databases", Nav: "admin", Flash: flashOf(r, adminDatabaseFlash), Data: v})
}

// adminBackTo is where an action on the list returns to: the list with the
// filter it was sent from.
func adminBackTo(r *http.Request, m string) string {
	q, _ := url.ParseQuery(r.PostForm.Get("q"))
	f := adminFilterQuery(adminDatabaseFilter(q))
	if m != "" {
		f.Set("m", m)
	}
	if p := q.Get("page"); p != "" {
		f.Set("page", p)
	}
	return "/admin/databases?" + f.Encode()
}

// handleAdminQuotaPass runs one pass of the quota watcher now and shows
// its report above the list.
func (h *handler) handleAdminQuotaPass(w http.ResponseWriter, r *http.Request) {
	rep, err := h.svc.AdminDatabases.RefreshQuota(r.Context())
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	q, _ := url.ParseQuery(r.PostForm.Get("q"))
	h.renderAdminDatabases(w, r, http.StatusOK, adminDatabaseFilter(q), adminDatabasesView{Report: rep})
}

func (h *handler) handleAdminDatabaseDisabled(disabled bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if _, err := h.svc.AdminDatabases.SetDatabaseDisabled(r.Context(), r.PathValue("id"), disabled); err != nil {
			h.serviceError(w, r, err)
			return
		}
		m := enabledNote(!disabled)
		http.Redirect(w, r, adminBackTo(r, m), http.StatusSeeOther)
	}
}

// handleAdminDatabaseDeletePage asks to confirm a delete by typing the
// database's name. It changes nothing.
func (h *handler) handleAdminDatabaseDeletePage(w http.ResponseWriter, r *http.Request) {
	d, ok := loadByID(h, w, r, h.svc.AdminDatabases.Database)
	if !ok {
		return
	}
	h.renderAdminDatabaseDelete(w, r, http.StatusOK, d, r.URL.Query().Get("q"), "")
}

// handleAdminDatabaseDelete drops the database and its user on the
// engine, then the row, once the typed name matches.
func (h *handler) handleAdminDatabaseDelete(w http.ResponseWriter, r *http.Request) {
	d, ok := loadByID(h, w, r, h.svc.AdminDatabases.Database)
	if !ok {
		return
	}
	if strings.TrimSpace(r.PostForm.Get("confirm")) != d.DBName {
		h.renderAdminDatabaseDelete(w, r, http.StatusUnprocessableEntity, d, r.PostForm.Get("q"), "Type the database name "+d.DBName+" to delete it.")
		return
	}
	if err := h.svc.AdminDatabases.DeleteDatabase(r.Context(), d.ID); err != nil {
		if dbplane.ErrorCode(err) == dbplane.CodeNotFound {
			h.notFound(w, r)
			return
		}
		h.renderAdminDatabaseDelete(w, r, statusOf(err), d, r.PostForm.Get("q"), h.formError(r, err))
		return
	}
	http.Redirect(w, r, adminBackTo(r, "deleted"), http.StatusSeeOther)
}

func (h *handler) renderAdminDatabaseDelete(w http.ResponseWriter, r *http.Request, status int, d *dbplane.Database, q, msg string) {
	v := adminDatabaseDeleteView{adminFrame: adminNav("/admin/databases"), DB: d, Query: q, Error: msg}
	parsed, _ := url.ParseQuery(q)
	v.Back = template.URL("/admin/databases?" + adminFilterQuery(adminDatabaseFilter(parsed)).Encode()) // from url.Values: safe
	if a, err := h.svc.Accounts.Account(r.Context(), d.AccountID); err == nil {
		v.Email = a.Email
	}
	if x, err := h.svc.Hosts.Host(r.Context(), d.HostID); err == nil {
		v.Host = x.Name
	}
	h.render(w, r, status, "admin-database-delete", view{Title: "Delete " + d.Label, Nav: "admin", Data: v})
}
