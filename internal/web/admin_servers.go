package web

import (
	"net/http"
	"strconv"

	"github.com/dbplane/dbplane"
)

// adminServerRoutes registers the servers pages: every server, a server
// with its subusers and their database permissions, through the
// ServerService calls the admin API makes.
func (h *handler) adminServerRoutes() {
	m, a := h.mux, h.adminOnly
	m.HandleFunc("GET /admin/servers", a(h.handleAdminServers))
	m.HandleFunc("POST /admin/servers", a(h.handleAdminServerCreate))
	m.HandleFunc("GET /admin/servers/{id}", a(h.handleAdminServer))
	m.HandleFunc("POST /admin/servers/{id}", a(h.handleAdminServerUpdate))
	m.HandleFunc("POST /admin/servers/{id}/delete", a(h.handleAdminServerDelete))
	m.HandleFunc("POST /admin/servers/{id}/subusers", a(h.handleAdminSubuserSet))
	m.HandleFunc("POST /admin/servers/{id}/subusers/{account}/remove", a(h.handleAdminSubuserRemove))
}

// adminServerForm is the server form as typed: Owner is the owner's
// email.
type adminServerForm struct {
	Name, Owner, Node, Limit string
}

type adminServersView struct {
	adminFrame
	Servers  []*dbplane.Server
	Pager    pager
	Nodes    []*dbplane.Node
	Emails   map[string]string // the listed servers' owners: account id → email
	NodeName map[string]string // node id → name
	Form     adminServerForm
	// Error is why the form was refused, Field the field it is about.
	Error, Field string
}

type adminServerView struct {
	adminFrame
	Server      *dbplane.Server
	Owner       string // the owner's email
	Node        string // the node's name
	Subusers    []*dbplane.Subuser
	Emails      map[string]string // the owner's and the subusers': account id → email
	Permissions []string
	Form        adminServerForm
	// Subuser is the subuser form's email as typed.
	Subuser string
	// Error is about the settings form, SubuserError about the subuser
	// form (SubuserField the field it is about), DeleteError why the
	// server stays.
	Error, SubuserError, SubuserField, DeleteError string
}

var adminServerFlash = map[string]string{
	"created": "Server created.",
	"saved":   "Server saved.",
	"deleted": "Server deleted.",
	"subuser": "Subuser saved.",
	"removed": "Subuser removed.",
}

func (h *handler) handleAdminServers(w http.ResponseWriter, r *http.Request) {
	h.renderAdminServers(w, r, http.StatusOK, adminServersView{})
}

func (h *handler) renderAdminServers(w http.ResponseWriter, r *http.Request, status int, v adminServersView) {
	ctx := r.Context()
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	p := dbplane.Page{Page: max(page, 1), PerPage: pageSize}
	servers, total, err := h.svc.Servers.ListServers(ctx, p)
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	owners := make([]string, len(servers))
	for i, s := range servers {
		owners[i] = s.OwnerID
	}
	if v.Emails, err = h.accountEmails(ctx, owners...); err != nil {
		h.serviceError(w, r, err)
		return
	}
	nodes, err := h.svc.Servers.ListNodes(ctx)
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	v.adminFrame, v.Servers, v.Nodes = adminNav("/admin/servers"), servers, nodes
	v.Pager = newPager(r, total)
	v.NodeName = adminNodeNames(nodes)
	h.render(w, r, status, "admin-servers", view{Title: "Servers", Nav: "admin", Flash: flashOf(r, adminServerFlash), Data: v})
}

func (h *handler) handleAdminServerCreate(w http.ResponseWriter, r *http.Request) {
	f := adminServerForm{Name: adminField(r, "name"), Owner: adminField(r, "owner"), Node: adminField(r, "node"), Limit: adminField(r, "limit")}
	in := dbplane.ServerInput{Name: f.Name, NodeID: f.Node}
	owner, err := h.accountByEmail(r.Context(), "owner", f.Owner)
	if err == nil {
		in.OwnerID = owner.ID
		in.DatabaseLimit, err = adminInt(r, "databaseLimit", "limit")
	}
	if err == nil {
		var s *dbplane.Server
		if s, err = h.svc.Servers.CreateServer(r.Context(), in); err == nil {
			http.Redirect(w, r, "/admin/servers/"+s.ID+"?m=created", http.StatusSeeOther)
			return
		}
	}
	h.renderAdminServers(w, r, statusOf(err), adminServersView{Form: f, Error: h.formError(r, err), Field: dbplane.ErrorField(err)})
}

func (h *handler) handleAdminServer(w http.ResponseWriter, r *http.Request) {
	s, ok := loadByID(h, w, r, h.svc.Servers.Server)
	if !ok {
		return
	}
	h.renderAdminServer(w, r, http.StatusOK, s, adminServerView{Form: adminServerFormOf(s)})
}

func adminServerFormOf(s *dbplane.Server) adminServerForm {
	f := adminServerForm{Name: s.Name}
	if s.DatabaseLimit != nil {
		f.Limit = strconv.Itoa(*s.DatabaseLimit)
	}
	return f
}

func (h *handler) handleAdminServerUpdate(w http.ResponseWriter, r *http.Request) {
	s, ok := loadByID(h, w, r, h.svc.Servers.Server)
	if !ok {
		return
	}
	var err error
	f := adminServerForm{Name: adminField(r, "name"), Limit: adminField(r, "limit")}
	u := dbplane.ServerUpdate{Name: &f.Name, DatabaseLimitSet: true}
	if u.DatabaseLimit, err = adminInt(r, "databaseLimit", "limit"); err == nil {
		if _, err = h.svc.Servers.UpdateServer(r.Context(), s.ID, u); err == nil {
			http.Redirect(w, r, "/admin/servers/"+s.ID+"?m=saved", http.StatusSeeOther)
			return
		}
	}
	if dbplane.ErrorCode(err) == dbplane.CodeNotFound {
		h.notFound(w, r)
		return
	}
	h.renderAdminServer(w, r, statusOf(err), s, adminServerView{Form: f, Error: h.formError(r, err)})
}

// handleAdminServerDelete deletes a server; the service refuses while it
// has databases, and the page links to them.
func (h *handler) handleAdminServerDelete(w http.ResponseWriter, r *http.Request) {
	s, ok := loadByID(h, w, r, h.svc.Servers.Server)
	if !ok {
		return
	}
	if err := h.svc.Servers.DeleteServer(r.Context(), s.ID); err != nil {
		if dbplane.ErrorCode(err) == dbplane.CodeNotFound {
			h.notFound(w, r)
			return
		}
		h.renderAdminServer(w, r, statusOf(err), s, adminServerView{Form: adminServerFormOf(s), DeleteError: h.formError(r, err)})
		return
	}
	http.Redirect(w, r, "/admin/servers?m=deleted", http.StatusSeeOther)
}

// handleAdminSubuserSet adds a subuser or replaces its permissions.
func (h *handler) handleAdminSubuserSet(w http.ResponseWriter, r *http.Request) {
	s, ok := loadByID(h, w, r, h.svc.Servers.Server)
	if !ok {
		return
	}
	perms := r.PostForm["permission"]
	if perms == nil {
		perms = []string{}
	}
	email := adminField(r, "account")
	a, err := h.accountByEmail(r.Context(), "account", email)
	if err == nil {
		_, err = h.svc.Servers.SetSubuser(r.Context(), s.ID, a.ID, perms)
	}
	if err != nil {
		v := adminServerView{Form: adminServerFormOf(s), Subuser: email, SubuserField: dbplane.ErrorField(err)}
		if dbplane.ErrorCode(err) == dbplane.CodeNotFound && dbplane.ErrorField(err) == "" {
			v.SubuserError, v.SubuserField = "No account has the email "+email+".", "account" // gone since the lookup
			h.renderAdminServer(w, r, http.StatusUnprocessableEntity, s, v)
			return
		}
		v.SubuserError = h.formError(r, err)
		h.renderAdminServer(w, r, statusOf(err), s, v)
		return
	}
	http.Redirect(w, r, "/admin/servers/"+s.ID+"?m=subuser", http.StatusSeeOther)
}

func (h *handler) handleAdminSubuserRemove(w http.ResponseWriter, r *http.Request) {
	s, ok := loadByID(h, w, r, h.svc.Servers.Server)
	if !ok {
		return
	}
	if err := h.svc.Servers.RemoveSubuser(r.Context(), s.ID, r.PathValue("account")); err != nil {
		h.serviceError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/servers/"+s.ID+"?m=removed", http.StatusSeeOther)
}

func (h *handler) renderAdminServer(w http.ResponseWriter, r *http.Request, status int, s *dbplane.Server, v adminServerView) {
	ctx := r.Context()
	subs, err := h.svc.Servers.ListSubusers(ctx, s.ID)
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	ids := []string{s.OwnerID}
	for _, sub := range subs {
		ids = append(ids, sub.AccountID)
	}
	if v.Emails, err = h.accountEmails(ctx, ids...); err != nil {
		h.serviceError(w, r, err)
		return
	}
	v.adminFrame, v.Server, v.Subusers, v.Permissions = adminNav("/admin/servers"), s, subs, dbplane.DatabasePermissions
	v.Owner = v.Emails[s.OwnerID]
	if n, err := h.svc.Servers.Node(ctx, s.NodeID); err == nil {
		v.Node = n.Name
	}
	h.render(w, r, status, "admin-server", view{Title: "Server " + s.Name, Nav: "admin", Flash: flashOf(r, adminServerFlash), Data: v})
}
