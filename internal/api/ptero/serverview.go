package ptero

import (
	"net/http"

	"github.com/dbplane/dbplane"
)

// Permissions the includes of a server need, as the panel's transformer
// asks for them; without one the relationship is a null resource.
const (
	accountsRead dbplane.Permission = "accounts:read"
	nodesRead    dbplane.Permission = "nodes:read"
)

// appServerView renders application server objects for one request, with
// the includes it asked for: databases (items "object":"databases", with
// databases.password and databases.host), user and node; allocations,
// subusers and variables are empty lists and egg, nest and location null
// resources, since dbplane has none of them.
type appServerView struct {
	h   *handler
	r   *http.Request
	p   *dbplane.Principal
	l   *lookups
	inc map[string]bool
}

func (h *handler) appServerView(r *http.Request) *appServerView {
	return &appServerView{h: h, r: r, p: dbplane.PrincipalFrom(r.Context()), l: h.lookups(r.Context()), inc: includes(r)}
}

// can reports whether the caller may see an include that needs perm.
func (v *appServerView) can(perm dbplane.Permission) bool {
	return v.p.CanOperate(perm, dbplane.AdminKeysAndRootUserKeys)
}

func (v *appServerView) render(s *dbplane.Server) (appServerJSON, error) {
	node, err := v.l.nodeID(s.NodeID)
	if err != nil {
		return appServerJSON{}, err
	}
	out := appServerJSON{Object: "server", Attributes: appServerAttributes{
		ID: s.NumericID, ExternalID: s.ExternalID, UUID: s.ID, Identifier: s.Identifier, Name: s.Name,
		Limits: noLimits, FeatureLimits: featureLimits(s), Node: node, User: ownerNumericID(s),
		Container: noContainer, CreatedAt: formatTime(s.CreatedAt), UpdatedAt: formatTime(s.UpdatedAt),
	}}
	rel := map[string]any{}
	for _, name := range []string{"allocations", "subusers", "variables"} {
		if v.inc[name] {
			rel[name] = emptyList
		}
	}
	for _, name := range []string{"egg", "nest", "location"} {
		if v.inc[name] {
			rel[name] = nullRelationship
		}
	}
	if v.inc["databases"] || v.inc["databases.password"] || v.inc["databases.host"] {
		if rel["databases"], err = v.databases(s); err != nil {
			return appServerJSON{}, err
		}
	}
	if v.inc["user"] {
		if rel["user"], err = v.user(s); err != nil {
			return appServerJSON{}, err
		}
	}
	if v.inc["node"] {
		if rel["node"], err = v.node(s); err != nil {
			return appServerJSON{}, err
		}
	}
	if len(rel) > 0 {
		out.Attributes.Relationships = rel
	}
	return out, nil
}

// databases is the databases include: every database of the server, as
// the panel's ServerDatabaseTransformer renders them, under the resource
// key "databases".
func (v *appServerView) databases(s *dbplane.Server) (any, error) {
	if !v.can(serverDatabaseRead) {
		return nullRelationship, nil
	}
	dbs, err := v.h.allServerDatabases(v.r, s.ID)
	if err != nil {
		return nil, err
	}
	dv := &appView{h: v.h, r: v.r, server: s, l: v.l, host: v.inc["databases.host"], seeHosts: v.can(hostsRead)}
	out := listJSON[appDatabaseJSON]{Object: "list", Data: make([]appDatabaseJSON, 0, len(dbs))}
	for _, d := range dbs {
		dj, err := dv.render(d, nil, v.inc["databases.password"])
		if err != nil {
			return nil, err
		}
		dj.Object = "databases"
		out.Data = append(out.Data, dj)
	}
	return out, nil
}

// user is the user include: the owner account.
func (v *appServerView) user(s *dbplane.Server) (any, error) {
	if !v.can(accountsRead) {
		return nullRelationship, nil
	}
	a, err := v.h.account(v.r, s.OwnerID)
	if err != nil {
		return nil, err
	}
	return toUserJSON(a), nil
}

// node is the node include.
func (v *appServerView) node(s *dbplane.Server) (any, error) {
	if !v.can(nodesRead) {
		return nullRelationship, nil
	}
	n, err := v.l.node(s.NodeID)
	if err != nil {
		return nil, err
	}
	if n == nil {
		return nullRelationship, nil
	}
	return toNodeJSON(n), nil
}

// allServerDatabases fetches every database of a server, pages of 100 at
// a time, up to maxClientDatabases.
func (h *handler) allServerDatabases(r *http.Request, serverID string) ([]*dbplane.Database, error) {
	var dbs []*dbplane.Database
	for page := 1; len(dbs) < maxClientDatabases; page++ {
		got, total, err := h.databases.ServerDatabases(r.Context(), serverID, dbplane.Page{Page: page, PerPage: maxPerPage})
		if err != nil {
			return nil, err
		}
		dbs = append(dbs, got...)
		if len(got) == 0 || len(dbs) >= total {
			break
		}
	}
	return dbs, nil
}
