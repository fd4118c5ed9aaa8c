package web

import (
	"net/http"

	"github.com/dbplane/dbplane"
)

type databasesView struct {
	Databases []*dbplane.Database
	Pager     pager
	Engines   []dbplane.Engine
	// Room is why no database can be made now, or nil.
	Room        error
	OverQuota   bool
	UpgradeURL  string
	UpgradeText string
	// Form holds what a failed create sent back, and its error.
	Label, Engine, Error string
	// Flash is a note about what the last action did.
	Flash string
}

// databasesMessages are the notes the list shows for ?m=.
var databasesMessages = map[string]string{
	"deleted": "The database and its user were dropped.",
}

// handleDatabases lists the account's databases with its usage.
func (h *handler) handleDatabases(w http.ResponseWriter, r *http.Request) {
	h.renderDatabases(w, r, http.StatusOK, databasesView{Flash: flashOf(r, databasesMessages)})
}

func (h *handler) renderDatabases(w http.ResponseWriter, r *http.Request, status int, dv databasesView) {
	ctx := r.Context()
	a := visitorFrom(ctx).account
	dbs, err := h.svc.Databases.ListDatabases(ctx, a.ID)
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	engines, err := h.svc.Databases.Engines(ctx)
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	dv.Pager = newPager(r, len(dbs))
	lo, hi := dv.Pager.bounds()
	dv.Databases = dbs[lo:hi]
	dv.Engines = engines
	dv.Room = a.Room()
	dv.OverQuota = a.OverQuota()
	dv.UpgradeURL, dv.UpgradeText = h.opt.UpgradeURL, h.opt.UpgradeText
	h.render(w, r, status, "databases", view{Title: "Databases", Nav: "databases", Flash: dv.Flash, Data: dv})
}

// handleDatabaseCreate makes a database and shows its credentials once.
func (h *handler) handleDatabaseCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := visitorFrom(ctx).account
	label, eng := r.PostForm.Get("label"), r.PostForm.Get("engine")
	cr, err := h.svc.Databases.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: a.ID, Label: label, Engine: eng})
	if err != nil {
		h.renderDatabases(w, r, statusOf(err), databasesView{Label: label, Engine: eng, Error: h.formError(r, err)})
		return
	}
	http.Redirect(w, r, "/databases/"+cr.Database.ID+"?m=created", http.StatusSeeOther)
}
