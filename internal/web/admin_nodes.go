package web

import (
	"net/http"

	"github.com/dbplane/dbplane"
)

// adminNodeRoutes registers the nodes page: Pterodactyl's machines, which
// hosts and servers are linked to.
func (h *handler) adminNodeRoutes() {
	m, a := h.mux, h.adminOnly
	m.HandleFunc("GET /admin/nodes", a(h.handleAdminNodes))
	m.HandleFunc("POST /admin/nodes", a(h.handleAdminNodeCreate))
}

type adminNodesView struct {
	adminFrame
	Nodes []*dbplane.Node
	Hosts map[string][]string // node id → names of its hosts
	Name  string
	Error string
}

var adminNodeFlash = map[string]string{
	"created": "Node created.",
}

func (h *handler) handleAdminNodes(w http.ResponseWriter, r *http.Request) {
	h.renderAdminNodes(w, r, http.StatusOK, flashOf(r, adminNodeFlash), adminNodesView{})
}

func (h *handler) handleAdminNodeCreate(w http.ResponseWriter, r *http.Request) {
	name := adminField(r, "name")
	if _, err := h.svc.Servers.CreateNode(r.Context(), name); err != nil {
		h.renderAdminNodes(w, r, statusOf(err), "", adminNodesView{Name: name, Error: h.formError(r, err)})
		return
	}
	http.Redirect(w, r, "/admin/nodes?m=created", http.StatusSeeOther)
}

func (h *handler) renderAdminNodes(w http.ResponseWriter, r *http.Request, status int, flash string, v adminNodesView) {
	nodes, err := h.svc.Servers.ListNodes(r.Context())
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	hosts, err := h.svc.Hosts.ListHosts(r.Context())
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	v.adminFrame, v.Nodes, v.Hosts = adminNav("/admin/nodes"), nodes, map[string][]string{}
	for _, x := range hosts {
		for _, n := range x.NodeIDs {
			v.Hosts[n] = append(v.Hosts[n], x.Name)
		}
	}
	h.render(w, r, status, "admin-nodes", view{Title: "Nodes", Nav: "admin", Flash: flash, Data: v})
}
