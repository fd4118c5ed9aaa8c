package ptero

import (
	"encoding/json"
	"net/http"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/request"
	"github.com/dbplane/dbplane/internal/http/response"
)

// clientDatabaseJSON is document 001's server_database object.
type clientDatabaseJSON struct {
	Object     string                   `json:"object"`
	Attributes clientDatabaseAttributes `json:"attributes"`
}

type clientDatabaseAttributes struct {
	ID              string                   `json:"id"` // hashid
	Host            clientHostJSON           `json:"host"`
	Name            string                   `json:"name"`
	Username        string                   `json:"username"`
	ConnectionsFrom string                   `json:"connections_from"`
	MaxConnections  int                      `json:"max_connections"`
	Relationships   *clientDatabaseRelations `json:"relationships,omitempty"`
}

// clientHostJSON is the host's public address.
type clientHostJSON struct {
	Address string `json:"address"`
	Port    int    `json:"port"`
}

type clientDatabaseRelations struct {
	Password any `json:"password"` // passwordJSON or nullResource
}

type clientCreateRequest struct {
	Database json.RawMessage `json:"database"`
	Remote   json.RawMessage `json:"remote"`
	Engine   json.RawMessage `json:"engine"` // dbplane extension, optional
}

// clientView renders databases of one server for one request.
type clientView struct {
	h *handler
	r *http.Request
	l *lookups
	// password: with the password relationship; seePassword: filled in
	// rather than a null resource.
	password, seePassword bool
}

func (v *clientView) render(d *dbplane.Database, c *dbplane.Credentials) (clientDatabaseJSON, error) {
	seePassword := v.seePassword
	if d.Status == dbplane.StatusOrphaned {
		// Its host was retired: the password renders as a null
		// resource (these shapes have no status).
		seePassword, c = false, nil
	}
	if v.password && seePassword && c == nil {
		var err error
		if c, err = v.h.databaseCredentials(v.r.Context(), d); err != nil {
			return clientDatabaseJSON{}, err
		}
	}
	if c != nil {
		v.l.remember(c.Host)
	}
	host, err := v.l.host(d.HostID)
	if err != nil {
		return clientDatabaseJSON{}, err
	}
	addr, port := host.PublicAddress()
	out := clientDatabaseJSON{Object: "server_database", Attributes: clientDatabaseAttributes{
		ID: v.h.hashIDs.Encode(d.NumericID), Host: clientHostJSON{Address: addr, Port: port},
		Name: d.DBName, Username: d.DBUser, ConnectionsFrom: d.Remote, MaxConnections: d.MaxConnections,
	}}
	switch {
	case v.password && seePassword:
		out.Attributes.Relationships = &clientDatabaseRelations{Password: toPasswordJSON(c.Password)}
	case v.password:
		out.Attributes.Relationships = &clientDatabaseRelations{Password: nullRelationship}
	}
	return out, nil
}

// clientRead resolves the server for a read. include=password without
// database.view_password renders the password as a null resource, as the
// panel does (SPEC §4.4): never the password, never a 403 for the list.
func (h *handler) clientRead(r *http.Request) (*dbplane.Server, *clientView, error) {
	s, access, err := h.clientServer(r, dbplane.PermDatabaseRead)
	if err != nil {
		return nil, nil, err
	}
	v := &clientView{h: h, r: r, l: h.lookups(r.Context()), password: includes(r)["password"],
		seePassword: access.Can(dbplane.PermDatabaseViewPassword)}
	return s, v, nil
}

// clientDatabaseRef decodes {database}: the hashid, or the numeric id
// (Pelican's client API uses numeric ids). A string the hashid encoder
// could have written is read as a hashid first; anything else is 404.
func (h *handler) clientDatabaseRef(r *http.Request) (string, error) {
	ref := r.PathValue("database")
	if id, ok := h.hashIDs.Decode(ref); ok {
		return itoa(id), nil
	}
	return numericRef(ref)
}

// clientDatabase resolves {server}, checking that the caller holds perm on
// it, and then {database}.
func (h *handler) clientDatabase(r *http.Request, perm string) (*dbplane.Server, dbplane.ServerAccess, string, error) {
	s, access, err := h.clientServer(r, perm)
	if err != nil {
		return nil, dbplane.ServerAccess{}, "", err
	}
	ref, err := h.clientDatabaseRef(r)
	if err != nil {
		return nil, dbplane.ServerAccess{}, "", err
	}
	return s, access, ref, nil
}

// maxClientDatabases bounds the client list, which Pterodactyl does not
// paginate: it fetches pages of 100 until it has them all or this many.
const maxClientDatabases = 1000

// handleClientDatabaseList lists every database of the server (document
// 001: no pagination).
func (h *handler) handleClientDatabaseList(w http.ResponseWriter, r *http.Request) {
	s, v, err := h.clientRead(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	dbs, err := h.allServerDatabases(r, s.ID)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	out := listJSON[clientDatabaseJSON]{Object: "list", Data: make([]clientDatabaseJSON, 0, len(dbs))}
	for _, d := range dbs {
		dj, err := v.render(d, nil)
		if err != nil {
			h.writeError(w, r, err)
			return
		}
		out.Data = append(out.Data, dj)
	}
	h.writeJSON(w, r, http.StatusOK, out)
}

// handleClientDatabaseGet returns one database of the server.
func (h *handler) handleClientDatabaseGet(w http.ResponseWriter, r *http.Request) {
	s, v, err := h.clientRead(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	ref, err := h.clientDatabaseRef(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	d, err := h.serverDatabase(r.Context(), s.ID, ref)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	out, err := v.render(d, nil)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	h.writeJSON(w, r, http.StatusOK, out)
}

// writeCredentials answers create and rotate: 200 with the password
// relationship, filled in when the caller may view passwords.
func (h *handler) writeCredentials(w http.ResponseWriter, r *http.Request, access dbplane.ServerAccess, c *dbplane.Credentials) {
	if c == nil || c.Database == nil {
		h.writeError(w, r, errNoResult)
		return
	}
	v := &clientView{h: h, r: r, l: h.lookups(r.Context()), password: true,
		seePassword: access.Can(dbplane.PermDatabaseViewPassword)}
	out, err := v.render(c.Database, c)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	h.writeJSON(w, r, http.StatusOK, out)
}

// handleClientDatabaseCreate creates a database on a host dbplane picks
// (SPEC §4.4): 200, with the password.
func (h *handler) handleClientDatabaseCreate(w http.ResponseWriter, r *http.Request) {
	s, access, err := h.clientServer(r, dbplane.PermDatabaseCreate)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	// Creates are throttled per server, whoever asks; the headers then
	// describe this throttle rather than the key's.
	if h.createLimit != nil && !h.createLimit.Limit(w, "server:"+s.ID) {
		h.writeError(w, r, errRateLimited)
		return
	}
	var in clientCreateRequest
	if err := decodeBody(w, r, &in); err != nil {
		h.writeError(w, r, err)
		return
	}
	var v validator
	name := v.name(in.Database, 3)
	remote := v.remote(in.Remote)
	engine := v.engine(in.Engine)
	if err := v.err(); err != nil {
		h.writeError(w, r, err)
		return
	}
	c, err := h.databases.CreateServerDatabase(r.Context(), dbplane.ServerDatabaseInput{
		ServerID: s.ID, Name: name, Remote: remote, Engine: engine, MinNameLength: 3,
	})
	if err != nil {
		h.writeError(w, r, uniqueName(err, "The database name you have selected is already in use by this server."))
		return
	}
	if c != nil && c.Database != nil {
		request.NoteCreated(r, c.Database.ID)
	}
	h.writeCredentials(w, r, access, c)
}

// handleClientDatabaseRotate sets a new password on the engine and returns
// it: 200 (document 001).
func (h *handler) handleClientDatabaseRotate(w http.ResponseWriter, r *http.Request) {
	s, access, ref, err := h.clientDatabase(r, dbplane.PermDatabaseUpdate)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	c, err := h.databases.RotateServerDatabase(r.Context(), s.ID, ref)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	h.writeCredentials(w, r, access, c)
}

// handleClientDatabaseDelete drops the database and its user: 204.
func (h *handler) handleClientDatabaseDelete(w http.ResponseWriter, r *http.Request) {
	s, _, ref, err := h.clientDatabase(r, dbplane.PermDatabaseDelete)
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
