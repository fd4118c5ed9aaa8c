package web

import (
	"net/http"
	"strings"

	"github.com/dbplane/dbplane"
)

// databaseRoutes registers the page of one of the account's databases and
// its actions. {id} is the database's ULID; another account's id is the
// 404 page, for GET and for every POST.
func (h *handler) databaseRoutes() {
	m := h.mux
	m.HandleFunc("GET /databases/{id}", h.authed(h.handleDatabase))
	m.HandleFunc("POST /databases/{id}/reveal", h.authed(h.handleDatabaseReveal))
	m.HandleFunc("POST /databases/{id}/rotate", h.authed(h.handleDatabaseRotate))
	m.HandleFunc("POST /databases/{id}/delete", h.authed(h.handleDatabaseDelete))
}

// databaseMessages are the notes the database page shows for ?m=.
var databaseMessages = map[string]string{
	"created": "Your database is ready. Reveal the password below to connect.",
}

// databaseView is the page of one database. The secret fields are set
// only on the answer to a reveal or rotate POST.
type databaseView struct {
	DB     *dbplane.Database
	Status dbplane.Status // the public status
	// Deleting is set while a delete waits for the host; Orphaned once
	// its host was retired (no reveal, no rotate: only a delete works).
	Deleting, Orphaned bool
	Host               string
	Port               int
	// Revealed is set when the page shows the password; Rotated when it
	// is a new one.
	Revealed, Rotated bool
	Password          string
	URI               string
	Snippets          []snippet
	// RotateError and DeleteError are shown beside their forms.
	RotateError, DeleteError string
}

// handleDatabase shows a database without its password.
func (h *handler) handleDatabase(w http.ResponseWriter, r *http.Request) {
	h.renderDatabase(w, r, http.StatusOK, databaseView{}, flashOf(r, databaseMessages))
}

// renderDatabase looks up the account's database and renders its page with
// dv's messages.
func (h *handler) renderDatabase(w http.ResponseWriter, r *http.Request, status int, dv databaseView, flash string) {
	ctx := r.Context()
	d, err := h.ownDatabase(r)
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	host, err := h.svc.Hosts.Host(ctx, d.HostID)
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	ci := connInfoOf(&dbplane.Credentials{Database: d, Host: host})
	dv.DB, dv.Host, dv.Port = d, ci.Host, ci.Port
	h.renderDatabasePage(w, r, status, dv, flash)
}

func (h *handler) renderDatabasePage(w http.ResponseWriter, r *http.Request, status int, dv databaseView, flash string) {
	dv.Status = dv.DB.Status.Public()
	dv.Deleting = dv.DB.Status == dbplane.StatusDeleting
	dv.Orphaned = dv.DB.Status == dbplane.StatusOrphaned
	h.render(w, r, status, "database", view{Title: dv.DB.Label, Nav: "databases", Flash: flash, Data: dv})
}

// ownDatabase returns the signed-in account's database named by the path,
// or ErrDatabaseNotFound.
func (h *handler) ownDatabase(r *http.Request) (*dbplane.Database, error) {
	id := r.PathValue("id")
	dbs, err := h.svc.Databases.ListDatabases(r.Context(), visitorFrom(r.Context()).account.ID)
	if err != nil {
		return nil, err
	}
	for _, d := range dbs {
		if d.ID == id {
			return d, nil
		}
	}
	return nil, dbplane.ErrDatabaseNotFound
}

// handleDatabaseReveal shows the page with the stored password, the
// connection string and the snippets. It changes nothing.
func (h *handler) handleDatabaseReveal(w http.ResponseWriter, r *http.Request) {
	a := visitorFrom(r.Context()).account
	c, err := h.svc.Databases.RevealDatabase(r.Context(), a.ID, r.PathValue("id"))
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	h.renderCredentials(w, r, c, databaseView{Revealed: true}, "")
}

// handleDatabaseRotate sets a new password on the engine and shows it once.
// A host that cannot be reached is reported beside the form; the old
// password then still works (or the reconciler finishes the change).
func (h *handler) handleDatabaseRotate(w http.ResponseWriter, r *http.Request) {
	a := visitorFrom(r.Context()).account
	c, err := h.svc.Databases.RotatePassword(r.Context(), a.ID, r.PathValue("id"))
	if err != nil {
		if statusOf(err) == http.StatusNotFound {
			h.notFound(w, r)
			return
		}
		h.renderDatabase(w, r, statusOf(err), databaseView{RotateError: h.formError(r, err)}, "")
		return
	}
	h.renderCredentials(w, r, c, databaseView{Revealed: true, Rotated: true},
		"The password is changed. The old one no longer works: update your applications now.")
}

// renderCredentials renders the page with a password. render sets
// Cache-Control: no-store, which this page must have.
func (h *handler) renderCredentials(w http.ResponseWriter, r *http.Request, c *dbplane.Credentials, dv databaseView, flash string) {
	if c == nil || c.Database == nil || c.Host == nil {
		h.serverError(w, r, errNoCredentials)
		return
	}
	ci := connInfoOf(c)
	dv.DB, dv.Host, dv.Port = c.Database, ci.Host, ci.Port
	dv.Password, dv.URI, dv.Snippets = ci.Password, ci.URI, snippets(ci)
	w.Header().Set("Cache-Control", "no-store")
	h.renderDatabasePage(w, r, http.StatusOK, dv, flash)
}

// handleDatabaseDelete drops the database and its user once the typed
// label matches; the service checks the match.
func (h *handler) handleDatabaseDelete(w http.ResponseWriter, r *http.Request) {
	a := visitorFrom(r.Context()).account
	err := h.svc.Databases.DeleteOwnDatabase(r.Context(), a.ID, r.PathValue("id"), r.PostForm.Get("confirm"))
	switch {
	case err == nil:
		http.Redirect(w, r, "/?m=deleted", http.StatusSeeOther)
	case statusOf(err) == http.StatusNotFound:
		h.notFound(w, r)
	case dbplane.ErrorCode(err) == dbplane.CodeUnavailable:
		// The drop is recorded: it finishes once the host answers.
		msg := strings.TrimSuffix(h.formError(r, err), ".") + ". The delete is recorded and finishes as soon as the host answers."
		h.renderDatabase(w, r, http.StatusServiceUnavailable, databaseView{DeleteError: msg}, "")
	default:
		h.renderDatabase(w, r, statusOf(err), databaseView{DeleteError: h.formError(r, err)}, "")
	}
}

// errNoCredentials is a service that answered a reveal or rotate with
// nothing to show.
var errNoCredentials = dbplane.Errorf(dbplane.CodeInternal, "service returned no credentials")
