package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/dbplane/dbplane"
)

// adminRoutes registers the operator's pages under /admin. Every one is
// wrapped in adminOnly: other accounts get the 404 page. The operator acts
// with the powers of an admin account, through the same service calls the
// admin API makes, so every rule is the services' own.
func (h *handler) adminRoutes() {
	h.adminOverviewRoutes() // the overview (admin_overview.go)
	h.adminHostRoutes()     // database hosts (admin_hosts.go)
	h.adminAccountRoutes()  // accounts (admin_accounts.go)
	h.adminDatabaseRoutes() // every database, the quota pass (admin_databases.go)
	h.adminServerRoutes()   // servers and subusers (admin_servers.go)
	h.adminNodeRoutes()     // nodes (admin_nodes.go)
	h.adminKeyRoutes()      // admin keys (admin_keys.go)
	h.adminAuditRoutes()    // the audit log (admin_audit.go)
}

// adminLink is one entry of the operator pages' own navigation.
type adminLink struct {
	Href, Label string
	Current     bool
}

// adminFrame is embedded in every operator page's data: the sub-navigation.
type adminFrame struct {
	Subnav []adminLink
}

// adminSections are the operator's pages, in the order of the sub-navigation.
var adminSections = []adminLink{
	{Href: "/admin", Label: "Overview"},
	{Href: "/admin/hosts", Label: "Hosts"},
	{Href: "/admin/accounts", Label: "Accounts"},
	{Href: "/admin/databases", Label: "Databases"},
	{Href: "/admin/servers", Label: "Servers"},
	{Href: "/admin/nodes", Label: "Nodes"},
	{Href: "/admin/keys", Label: "Admin keys"},
	{Href: "/admin/audit", Label: "Audit log"},
}

// adminNav returns the sub-navigation with current marked.
func adminNav(current string) adminFrame {
	links := make([]adminLink, 0, len(adminSections))
	for _, l := range adminSections {
		l.Current = l.Href == current
		links = append(links, l)
	}
	return adminFrame{Subnav: links}
}

// adminField returns a trimmed form value.
func adminField(r *http.Request, name string) string {
	return strings.TrimSpace(r.PostForm.Get(name))
}

// adminInt reads a whole number field; empty is nil.
func adminInt(r *http.Request, field, name string) (*int, error) {
	s := adminField(r, name)
	if s == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return nil, dbplane.FieldErrorf(field, "The %s must be a whole number.", field)
	}
	return &n, nil
}
