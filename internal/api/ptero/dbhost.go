package ptero

import (
	"cmp"
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/request"
	"github.com/dbplane/dbplane/internal/http/response"
)

// Pelican's application API for database hosts (/api/application/
// database-hosts): list, view, create, update, delete, in Pelican's
// shapes. dbplane's own host API (/api/admin/database-hosts) has more
// fields; these are the panel's.

const hostsWrite dbplane.Permission = "database_hosts:write"

// hostFilters are the filters Pelican's host list takes.
var hostFilters = []string{"name", "host"}

// pelicanHostJSON is Pelican's database_host object. host and port are the
// admin address, the one this API sets.
type pelicanHostJSON struct {
	Object     string                `json:"object"`
	Attributes pelicanHostAttributes `json:"attributes"`
	Meta       *resourceMeta         `json:"meta,omitempty"`
}

type pelicanHostAttributes struct {
	ID            int64          `json:"id"`
	Name          string         `json:"name"`
	Host          string         `json:"host"`
	Port          int            `json:"port"`
	Username      string         `json:"username"`
	CreatedAt     string         `json:"created_at"`
	UpdatedAt     string         `json:"updated_at"`
	Relationships map[string]any `json:"relationships,omitempty"`
}

type hostWriteRequest struct {
	Name         json.RawMessage `json:"name"`
	Host         json.RawMessage `json:"host"`
	Port         json.RawMessage `json:"port"`
	Username     json.RawMessage `json:"username"`
	Password     json.RawMessage `json:"password"`
	NodeIDs      json.RawMessage `json:"node_ids"`
	Driver       json.RawMessage `json:"driver"`
	MaxDatabases json.RawMessage `json:"max_databases"`
}

// drivers maps Pelican's (Laravel's) driver names to engines.
var drivers = map[string]string{
	"mysql": "mariadb", "mariadb": "mariadb",
	"pgsql": "postgres", "postgres": "postgres", "postgresql": "postgres",
	"mongodb": "mongo", "mongo": "mongo",
}

// hostView renders hosts for one request, with include=databases (the
// host's server databases) and include=nodes.
type hostView struct {
	h   *handler
	r   *http.Request
	p   *dbplane.Principal
	l   *lookups
	inc map[string]bool
}

func (h *handler) hostView(r *http.Request) *hostView {
	return &hostView{h: h, r: r, p: dbplane.PrincipalFrom(r.Context()), l: h.lookups(r.Context()), inc: includes(r)}
}

func (v *hostView) render(host *dbplane.Host) (pelicanHostJSON, error) {
	out := pelicanHostJSON{Object: "database_host", Attributes: pelicanHostAttributes{
		ID: host.NumericID, Name: host.Name, Host: host.Hostname, Port: host.Port, Username: host.Username,
		CreatedAt: formatTime(host.CreatedAt), UpdatedAt: formatTime(host.UpdatedAt),
	}}
	rel := map[string]any{}
	if v.inc["nodes"] {
		if !v.p.CanOperate(nodesRead, dbplane.AdminKeysAndRootUserKeys) {
			rel["nodes"] = nullRelationship
		} else {
			nodes, err := v.nodes(host)
			if err != nil {
				return out, err
			}
			rel["nodes"] = nodes
		}
	}
	if v.inc["databases"] {
		if !v.p.CanOperate(serverDatabaseRead, dbplane.AdminKeysAndRootUserKeys) {
			rel["databases"] = nullRelationship
		} else {
			dbs, err := v.databases(host)
			if err != nil {
				return out, err
			}
			rel["databases"] = dbs
		}
	}
	if len(rel) > 0 {
		out.Attributes.Relationships = rel
	}
	return out, nil
}

// nodes lists the host's linked nodes by numeric id, as Pelican's
// belongsToMany does; a link to a node that is gone is left out.
func (v *hostView) nodes(host *dbplane.Host) (listJSON[nodeJSON], error) {
	out := listJSON[nodeJSON]{Object: "list", Data: []nodeJSON{}}
	for _, id := range host.NodeIDs {
		n, err := v.l.node(id)
		if err != nil {
			return out, err
		}
		if n != nil {
			out.Data = append(out.Data, toNodeJSON(n))
		}
	}
	slices.SortFunc(out.Data, func(a, b nodeJSON) int { return cmp.Compare(a.Attributes.ID, b.Attributes.ID) })
	return out, nil
}

// databases lists the host's server databases (at most 1000), as
// server_database objects; databases of the management API, which belong
// to no server, are not the panel's and are left out.
func (v *hostView) databases(host *dbplane.Host) (listJSON[appDatabaseJSON], error) {
	out := listJSON[appDatabaseJSON]{Object: "list", Data: []appDatabaseJSON{}}
	servers := map[string]*dbplane.Server{}
	for page := 1; len(out.Data) < maxClientDatabases; page++ {
		dbs, total, err := v.h.adminDatabases.ListAllDatabases(v.r.Context(), dbplane.DatabaseFilter{
			HostID: host.ID, Page: dbplane.Page{Page: page, PerPage: maxPerPage}})
		if err != nil {
			return out, err
		}
		for _, d := range dbs {
			if d.ServerID == "" {
				continue
			}
			s, ok := servers[d.ServerID]
			if !ok {
				if s, err = v.h.servers.Server(v.r.Context(), d.ServerID); err != nil {
					return out, err
				}
				servers[d.ServerID] = s
			}
			dv := &appView{h: v.h, r: v.r, server: s, l: v.l}
			v.l.remember(host)
			dj, err := dv.render(d, nil, false)
			if err != nil {
				return out, err
			}
			out.Data = append(out.Data, dj)
		}
		if len(dbs) == 0 || page*maxPerPage >= total {
			break
		}
	}
	return out, nil
}

// appHost resolves {host}: the numeric id or the UUID, in any case.
func (h *handler) appHost(r *http.Request) (*dbplane.Host, error) {
	ref := r.PathValue("host")
	numeric := ""
	if isUUID(ref) {
		ref = strings.ToLower(ref)
	} else {
		n, err := numericRef(ref)
		if err != nil {
			return nil, err
		}
		ref, numeric = n, n
	}
	host, err := h.hosts.Host(r.Context(), ref)
	if err != nil {
		return nil, err
	}
	if host == nil {
		return nil, errNoResult
	}
	if numeric != "" && itoa(host.NumericID) != numeric || numeric == "" && !strings.EqualFold(host.ID, ref) {
		return nil, errNotFound
	}
	return host, nil
}

// handleAppHostList lists the hosts by id, a page at a time, with
// filter[name] and filter[host], and Pelican's sorts (id, name, host).
func (h *handler) handleAppHostList(w http.ResponseWriter, r *http.Request) {
	page, err := parsePage(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	f, err := parseFilters(r, hostFilters)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	order, err := parseSorts(r, hostSorts)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	hosts, err := h.hosts.ListHosts(r.Context())
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	hosts = slices.DeleteFunc(slices.Clone(hosts), func(x *dbplane.Host) bool { return x == nil })
	slices.SortStableFunc(hosts, func(a, b *dbplane.Host) int { return int(a.NumericID - b.NumericID) })
	hosts = slices.DeleteFunc(hosts, func(x *dbplane.Host) bool {
		return !f.match(map[string]string{"name": x.Name, "host": x.Hostname})
	})
	sortBy(hosts, order, func(x *dbplane.Host) map[string]any {
		return map[string]any{"id": x.NumericID, "name": x.Name, "host": x.Hostname}
	})
	list, total := pageOf(hosts, page)
	v := h.hostView(r)
	out := listJSON[pelicanHostJSON]{Object: "list", Data: make([]pelicanHostJSON, 0, len(list))}
	for _, x := range list {
		hj, err := v.render(x)
		if err != nil {
			h.writeError(w, r, err)
			return
		}
		out.Data = append(out.Data, hj)
	}
	out.Meta = h.pagination(r, page, len(out.Data), total)
	h.writeJSON(w, r, http.StatusOK, out)
}

// handleAppHostGet returns one host.
func (h *handler) handleAppHostGet(w http.ResponseWriter, r *http.Request) {
	host, err := h.appHost(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	h.writeHost(w, r, http.StatusOK, host)
}

func (h *handler) writeHost(w http.ResponseWriter, r *http.Request, status int, host *dbplane.Host) {
	if host == nil {
		h.writeError(w, r, errNoResult)
		return
	}
	out, err := h.hostView(r).render(host)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	if status == http.StatusCreated {
		out.Meta = &resourceMeta{Resource: h.baseURL(r) + "/api/application/database-hosts/" + itoa(host.NumericID)}
	}
	h.writeJSON(w, r, status, out)
}

// hostInput checks a create or update body with Pelican's rules and turns
// it into the domain's input; the domain then applies its own.
func (h *handler) hostInput(w http.ResponseWriter, r *http.Request, create bool) (dbplane.HostInput, error) {
	var in hostWriteRequest
	if err := decodeBody(w, r, &in); err != nil {
		return dbplane.HostInput{}, err
	}
	var v validator
	var out dbplane.HostInput
	if s, ok := v.str("name", in.Name, create); ok {
		out.Name = &s
	}
	if s, ok := v.str("host", in.Host, create); ok {
		out.Hostname = &s
	}
	if n, ok := v.integer("port", in.Port, create); ok {
		if n < 1 || n > 65535 {
			v.fail("port", "between", "The port must be between 1 and 65535.")
		} else {
			p := int(n)
			out.Port = &p
		}
	}
	if s, ok := v.str("username", in.Username, create); ok {
		out.Username = &s
	}
	if s, ok := v.str("password", in.Password, create); ok {
		pw := dbplane.Secret(s)
		out.Password = &pw
	}
	if s, ok := v.str("driver", in.Driver, false); ok {
		e, known := drivers[strings.ToLower(s)]
		if !known {
			v.fail("driver", "in", "The selected driver is invalid.")
		} else {
			// On an update the domain refuses a change of engine.
			out.Engine = &e
		}
	}
	switch {
	case string(in.MaxDatabases) == "null":
		out.MaxDatabasesSet = true // unlimited
	case !absent(in.MaxDatabases):
		if n, ok := v.integer("max_databases", in.MaxDatabases, false); ok {
			m := int(n)
			out.MaxDatabasesSet, out.MaxDatabases = true, &m
		}
	}
	if ids, set := v.nodeIDs(in.NodeIDs); set {
		if len(ids) > dbplane.MaxHostNodes {
			v.fail("node_ids", "max", "The node_ids must not have more than %d items.", dbplane.MaxHostNodes)
			ids = nil
		}
		for i, id := range ids {
			if _, err := h.servers.Node(r.Context(), id); err != nil {
				if dbplane.ErrorCode(err) != dbplane.CodeNotFound {
					return out, err
				}
				v.fail("node_ids."+itoa(int64(i)), "exists", "The selected node_ids.%d is invalid.", i)
			}
		}
		out.NodeIDs = &ids
	}
	return out, v.err()
}

// nodeIDs reads node_ids: an array of node ids (numbers or numeric
// strings), as Pelican's node_ids.* integer rule takes them; null or []
// unlinks every node. set is false when the field is absent.
func (v *validator) nodeIDs(raw json.RawMessage) (ids []string, set bool) {
	if len(raw) == 0 {
		return nil, false
	}
	ids = []string{}
	if string(raw) == "null" {
		return ids, true
	}
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		v.fail("node_ids", "array", "The node_ids must be an array.")
		return nil, false
	}
	for i, item := range items {
		n, ok := v.integer("node_ids."+itoa(int64(i)), item, true)
		if !ok {
			return nil, false
		}
		ref, err := numericRef(itoa(n))
		if err != nil {
			v.fail("node_ids."+itoa(int64(i)), "exists", "The selected node_ids.%d is invalid.", i)
			return nil, false
		}
		ids = append(ids, ref)
	}
	return ids, true
}

// handleAppHostCreate adds a host: dbplane tests the connection and the
// privileges first (422 with the reason when they fail), then 201 with
// meta.resource.
func (h *handler) handleAppHostCreate(w http.ResponseWriter, r *http.Request) {
	in, err := h.hostInput(w, r, true)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	host, err := h.hosts.CreateHost(r.Context(), in)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	request.NoteCreated(r, host.ID)
	h.writeHost(w, r, http.StatusCreated, host)
}

// handleAppHostUpdate changes a host; omitted fields (the password too)
// keep their values.
func (h *handler) handleAppHostUpdate(w http.ResponseWriter, r *http.Request) {
	host, err := h.appHost(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	in, err := h.hostInput(w, r, false)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	updated, err := h.hosts.UpdateHost(r.Context(), host.ID, in)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	h.writeHost(w, r, http.StatusOK, updated)
}

// handleAppHostDelete removes a host without databases: 204; a host with
// databases is 409.
func (h *handler) handleAppHostDelete(w http.ResponseWriter, r *http.Request) {
	host, err := h.appHost(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	if err := h.hosts.DeleteHost(r.Context(), host.ID); err != nil {
		h.writeError(w, r, err)
		return
	}
	response.NoContent(w)
}
