package ptero

import (
	"encoding/json"
	"math"
	"net/http"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/request"
	"github.com/dbplane/dbplane/internal/http/response"
)

// appDatabaseJSON is document 000's server_database object.
type appDatabaseJSON struct {
	Object     string                `json:"object"`
	Attributes appDatabaseAttributes `json:"attributes"`
	Meta       *resourceMeta         `json:"meta,omitempty"`
}

type appDatabaseAttributes struct {
	ID             int64                 `json:"id"`
	Server         int64                 `json:"server"`
	Host           int64                 `json:"host"`
	Database       string                `json:"database"`
	Username       string                `json:"username"`
	Remote         string                `json:"remote"`
	MaxConnections int                   `json:"max_connections"`
	CreatedAt      string                `json:"created_at"`
	UpdatedAt      string                `json:"updated_at"`
	Relationships  *appDatabaseRelations `json:"relationships,omitempty"`
}

// appDatabaseRelations are the includes, in document 000's order.
type appDatabaseRelations struct {
	Password *passwordJSON `json:"password,omitempty"`
	Host     any           `json:"host,omitempty"` // appHostJSON or nullResource
}

// appHostJSON is document 000's database_host object. host and port are
// the public address, the one tenants connect to.
type appHostJSON struct {
	Object     string            `json:"object"`
	Attributes appHostAttributes `json:"attributes"`
}

type appHostAttributes struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Host      string `json:"host"`
	Port      int    `json:"port"`
	Username  string `json:"username"`
	Node      *int64 `json:"node"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

type appCreateRequest struct {
	Database       json.RawMessage `json:"database"`
	Remote         json.RawMessage `json:"remote"`
	Host           json.RawMessage `json:"host"`
	MaxConnections json.RawMessage `json:"max_connections"` // dbplane extension, optional
}

// appView renders databases of one server for one request.
type appView struct {
	h        *handler
	r        *http.Request
	server   *dbplane.Server
	l        *lookups
	password bool // include=password
	host     bool // include=host
	seeHosts bool // the key may read hosts; otherwise host is a null resource
}

func (h *handler) appView(r *http.Request, s *dbplane.Server) *appView {
	inc := includes(r)
	p := dbplane.PrincipalFrom(r.Context())
	return &appView{
		h: h, r: r, server: s, l: h.lookups(r.Context()),
		password: inc["password"], host: inc["host"], seeHosts: p.CanOperate(hostsRead, dbplane.AdminKeysAndRootUserKeys),
	}
}

// render builds one object. c carries the password and host when the
// caller already has them (create); otherwise they are fetched as the
// includes need.
func (v *appView) render(d *dbplane.Database, c *dbplane.Credentials, withPassword bool) (appDatabaseJSON, error) {
	ctx := v.r.Context()
	if d.Status == dbplane.StatusOrphaned {
		// Its host was retired: there is no password to give (these
		// shapes have no status; the relationship is left out).
		withPassword, c = false, nil
	}
	if withPassword && c == nil {
		var err error
		if c, err = v.h.databaseCredentials(ctx, d); err != nil {
			return appDatabaseJSON{}, err
		}
	}
	if c != nil {
		v.l.remember(c.Host)
	}
	host, err := v.l.host(d.HostID)
	if err != nil {
		return appDatabaseJSON{}, err
	}
	out := appDatabaseJSON{Object: "server_database", Attributes: appDatabaseAttributes{
		ID: d.NumericID, Server: v.server.NumericID, Host: host.NumericID,
		Database: d.DBName, Username: d.DBUser, Remote: d.Remote, MaxConnections: d.MaxConnections,
		CreatedAt: formatTime(d.CreatedAt), UpdatedAt: formatTime(d.UpdatedAt),
	}}
	if !withPassword && !v.host {
		return out, nil
	}
	rel := &appDatabaseRelations{}
	if withPassword {
		pw := toPasswordJSON(c.Password)
		rel.Password = &pw
	}
	if v.host {
		if !v.seeHosts {
			// Pterodactyl renders an include the key may not read as a
			// null resource; database_hosts:read opens it.
			rel.Host = nullRelationship
		} else {
			hj, err := v.hostJSON(host)
			if err != nil {
				return appDatabaseJSON{}, err
			}
			rel.Host = hj
		}
	}
	out.Attributes.Relationships = rel
	return out, nil
}

func (v *appView) hostJSON(host *dbplane.Host) (appHostJSON, error) {
	node, err := v.l.hostNode(host, v.server.NodeID)
	if err != nil {
		return appHostJSON{}, err
	}
	addr, port := host.PublicAddress()
	return appHostJSON{Object: "database_host", Attributes: appHostAttributes{
		ID: host.NumericID, Name: host.Name, Host: addr, Port: port, Username: host.Username, Node: node,
		CreatedAt: formatTime(host.CreatedAt), UpdatedAt: formatTime(host.UpdatedAt),
	}}, nil
}

// handleAppDatabaseList lists a server's databases, a page at a time.
// Passwords only with include=password.
func (h *handler) handleAppDatabaseList(w http.ResponseWriter, r *http.Request) {
	s, err := h.appServer(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	page, err := parsePage(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	dbs, total, err := h.databases.ServerDatabases(r.Context(), s.ID, page)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	v := h.appView(r, s)
	out := listJSON[appDatabaseJSON]{Object: "list", Data: make([]appDatabaseJSON, 0, len(dbs))}
	for _, d := range dbs {
		dj, err := v.render(d, nil, v.password)
		if err != nil {
			h.writeError(w, r, err)
			return
		}
		out.Data = append(out.Data, dj)
	}
	out.Meta = h.pagination(r, page, len(out.Data), total)
	h.writeJSON(w, r, http.StatusOK, out)
}

// appDatabase resolves {server} and {database}.
func (h *handler) appDatabase(r *http.Request) (*dbplane.Server, string, error) {
	s, err := h.appServer(r)
	if err != nil {
		return nil, "", err
	}
	ref, err := h.appDatabaseRef(r)
	if err != nil {
		return nil, "", err
	}
	return s, ref, nil
}

// appDatabaseRef decodes {database}: the numeric id, or the client API's
// hashid, which the panel's route binding accepts too.
func (h *handler) appDatabaseRef(r *http.Request) (string, error) {
	ref := r.PathValue("database")
	if isDigits(ref) {
		return numericRef(ref)
	}
	if id, ok := h.hashIDs.Decode(ref); ok {
		return itoa(id), nil
	}
	return "", errNotFound
}

// handleAppDatabaseGet returns one database of the server.
func (h *handler) handleAppDatabaseGet(w http.ResponseWriter, r *http.Request) {
	s, ref, err := h.appDatabase(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	d, err := h.serverDatabase(r.Context(), s.ID, ref)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	v := h.appView(r, s)
	out, err := v.render(d, nil, v.password)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	h.writeJSON(w, r, http.StatusOK, out)
}

// handleAppDatabaseCreate creates a database on the host the body names:
// 201, always with the password (document 000), and meta.resource.
func (h *handler) handleAppDatabaseCreate(w http.ResponseWriter, r *http.Request) {
	s, err := h.appServer(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	var in appCreateRequest
	if err := decodeBody(w, r, &in); err != nil {
		h.writeError(w, r, err)
		return
	}
	var v validator
	name := v.name(in.Database, 1)
	remote := v.remote(in.Remote)
	hostID, hostOK := v.integer("host", in.Host, true)
	maxConns, maxOK := v.integer("max_connections", in.MaxConnections, false)
	switch {
	case maxOK && maxConns < 0:
		v.fail("max_connections", "min", "The max_connections must be at least 0.")
	case maxOK && maxConns > math.MaxInt32:
		v.fail("max_connections", "max", "The max_connections must not be greater than %d.", math.MaxInt32)
	}
	if hostOK {
		// exists:database_hosts,id
		if _, err := h.hosts.Host(r.Context(), itoa(hostID)); err != nil {
			if dbplane.ErrorCode(err) != dbplane.CodeNotFound {
				h.writeError(w, r, err)
				return
			}
			v.fail("host", "exists", "The selected host is invalid.")
		}
	}
	if err := v.err(); err != nil {
		h.writeError(w, r, err)
		return
	}
	c, err := h.databases.CreateServerDatabase(r.Context(), dbplane.ServerDatabaseInput{
		ServerID: s.ID, Name: name, Remote: remote, HostID: itoa(hostID),
		MaxConnections: int(maxConns), MinNameLength: 1,
	})
	if err != nil {
		h.writeError(w, r, uniqueName(err, "The database name has already been taken."))
		return
	}
	if c == nil || c.Database == nil {
		h.writeError(w, r, errNoResult)
		return
	}
	request.NoteCreated(r, c.Database.ID)
	out, err := h.appView(r, s).render(c.Database, c, true)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	out.Meta = &resourceMeta{Resource: h.baseURL(r) + "/api/application/servers/" + itoa(s.NumericID) +
		"/databases/" + itoa(c.Database.NumericID)}
	h.writeJSON(w, r, http.StatusCreated, out)
}

// handleAppDatabaseResetPassword sets a new password on the engine: 204,
// no body (SPEC §4.3). The new password is read with include=password.
func (h *handler) handleAppDatabaseResetPassword(w http.ResponseWriter, r *http.Request) {
	s, ref, err := h.appDatabase(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	if _, err := h.databases.RotateServerDatabase(r.Context(), s.ID, ref); err != nil {
		h.writeError(w, r, err)
		return
	}
	response.NoContent(w)
}

// handleAppDatabaseDelete drops the database and its user: 204.
func (h *handler) handleAppDatabaseDelete(w http.ResponseWriter, r *http.Request) {
	s, ref, err := h.appDatabase(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	if err := h.databases.DeleteServerDatabase(r.Context(), s.ID, ref); err != nil {
		h.writeError(w, r, err)
		return
	}
	response.NoContent(w)
}
