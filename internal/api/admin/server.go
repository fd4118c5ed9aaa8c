package admin

import (
	"net/http"
	"slices"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/request"
	"github.com/dbplane/dbplane/internal/http/response"
)

// serverJSON is a server (Pterodactyl's). id and uuid are the same UUID:
// id because every admin resource has one, uuid because Pterodactyl
// clients look for it.
type serverJSON struct {
	ID            string `json:"id"`
	NumericID     int64  `json:"numericId"`
	UUID          string `json:"uuid"`
	Identifier    string `json:"identifier"`
	Name          string `json:"name"`
	OwnerID       string `json:"ownerId"`
	NodeID        string `json:"nodeId"`
	DatabaseLimit *int   `json:"databaseLimit"` // null = unlimited, 0 = none
	DatabaseCount int    `json:"databaseCount"`
	// ExternalID is the id another system knows the server by; null when
	// none.
	ExternalID *string `json:"externalId"`
	CreatedAt  string  `json:"createdAt"`
	UpdatedAt  string  `json:"updatedAt"`
}

// serverCreateRequest creates a server. An omitted or null databaseLimit
// is unlimited.
type serverCreateRequest struct {
	Name          string  `json:"name"`
	OwnerID       string  `json:"ownerId"`
	NodeID        string  `json:"nodeId"`
	DatabaseLimit *int    `json:"databaseLimit"`
	ExternalID    *string `json:"externalId"`
}

// serverUpdateRequest renames a server or changes its database limit or
// external id; databaseLimit null is unlimited, externalId null removes
// it, omitted leaves either alone.
type serverUpdateRequest struct {
	Name          request.Optional[string] `json:"name"`
	DatabaseLimit request.Optional[int]    `json:"databaseLimit"`
	ExternalID    request.Optional[string] `json:"externalId"`
}

func toServerJSON(s *dbplane.Server) serverJSON {
	return serverJSON{
		ID:            s.ID,
		NumericID:     s.NumericID,
		UUID:          s.ID,
		Identifier:    s.Identifier,
		Name:          s.Name,
		OwnerID:       s.OwnerID,
		NodeID:        s.NodeID,
		DatabaseLimit: s.DatabaseLimit,
		DatabaseCount: s.DatabaseCount,
		ExternalID:    s.ExternalID,
		CreatedAt:     response.Time(s.CreatedAt),
		UpdatedAt:     response.Time(s.UpdatedAt),
	}
}

func (b *serverUpdateRequest) update() (dbplane.ServerUpdate, error) {
	var u dbplane.ServerUpdate
	if b.Name.Null {
		return u, notNull("name")
	}
	if b.Name.Set {
		name, err := validName(b.Name.Value)
		if err != nil {
			return u, err
		}
		u.Name = &name
	}
	if l := b.DatabaseLimit.Ptr(); l != nil && *l < 0 {
		return u, dbplane.FieldErrorf("databaseLimit", "The databaseLimit must be 0 or more, or null for unlimited.")
	}
	u.DatabaseLimitSet = b.DatabaseLimit.Set
	u.DatabaseLimit = b.DatabaseLimit.Ptr()
	if b.ExternalID.Set {
		id, err := dbplane.ValidateExternalID(b.ExternalID.Ptr())
		if err != nil {
			return u, err
		}
		u.ExternalIDSet, u.ExternalID = true, id
	}
	return u, nil
}

// handleServerList lists one page of every server.
func (h *handler) handleServerList(w http.ResponseWriter, r *http.Request) {
	p, err := parsePage(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	servers, total, err := h.servers.ListServers(r.Context(), p)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	out := make([]serverJSON, 0, len(servers))
	for _, s := range servers {
		out = append(out, toServerJSON(s))
	}
	h.writeList(w, r, out, p, total)
}

// handleServerCreate creates a server for an owner account on a node.
func (h *handler) handleServerCreate(w http.ResponseWriter, r *http.Request) {
	var body serverCreateRequest
	if err := request.DecodeObject(w, r, &body); err != nil {
		h.writeError(w, r, err)
		return
	}
	in := dbplane.ServerInput{Name: body.Name, OwnerID: body.OwnerID, NodeID: body.NodeID, DatabaseLimit: body.DatabaseLimit, ExternalID: body.ExternalID}
	if err := in.Validate(); err != nil {
		h.writeError(w, r, err)
		return
	}
	s, err := h.servers.CreateServer(r.Context(), in)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	request.NoteCreated(r, s.ID)
	h.writeServer(w, r, http.StatusCreated, s)
}

// handleServerGet returns one server by UUID, numeric id or identifier.
func (h *handler) handleServerGet(w http.ResponseWriter, r *http.Request) {
	s, err := h.servers.Server(r.Context(), r.PathValue("id"))
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	h.writeServer(w, r, http.StatusOK, s)
}

// handleServerUpdate changes the fields given.
func (h *handler) handleServerUpdate(w http.ResponseWriter, r *http.Request) {
	var body serverUpdateRequest
	if err := request.DecodeObject(w, r, &body); err != nil {
		h.writeError(w, r, err)
		return
	}
	u, err := body.update()
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	s, err := h.servers.UpdateServer(r.Context(), r.PathValue("id"), u)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	h.writeServer(w, r, http.StatusOK, s)
}

// handleServerDelete removes a server that has no databases; otherwise the
// service's 409.
func (h *handler) handleServerDelete(w http.ResponseWriter, r *http.Request) {
	if err := h.servers.DeleteServer(r.Context(), r.PathValue("id")); err != nil {
		h.writeError(w, r, err)
		return
	}
	response.NoContent(w)
}

func (h *handler) writeServer(w http.ResponseWriter, r *http.Request, status int, s *dbplane.Server) {
	if s == nil {
		h.writeError(w, r, errNoResult)
		return
	}
	h.writeData(w, r, status, toServerJSON(s))
}

// subuserJSON is another account's access to a server.
type subuserJSON struct {
	ServerID    string   `json:"serverId"`
	AccountID   string   `json:"accountId"`
	Permissions []string `json:"permissions"`
	CreatedAt   string   `json:"createdAt"`
}

// subuserPutRequest sets a subuser's permissions; the account is in the
// path.
type subuserPutRequest struct {
	Permissions request.Optional[[]string] `json:"permissions"`
}

// subuserCreateRequest adds a subuser.
type subuserCreateRequest struct {
	AccountID   string                     `json:"accountId"`
	Permissions request.Optional[[]string] `json:"permissions"`
}

func toSubuserJSON(s *dbplane.Subuser) subuserJSON {
	perms := s.Permissions
	if perms == nil {
		perms = []string{}
	}
	return subuserJSON{ServerID: s.ServerID, AccountID: s.AccountID, Permissions: perms, CreatedAt: response.Time(s.CreatedAt)}
}

// subuserPermissions checks that the permissions were given and that each
// is a database.* permission; it drops duplicates and keeps the order.
func subuserPermissions(o request.Optional[[]string]) ([]string, error) {
	if !o.Set {
		return nil, required("permissions")
	}
	if o.Null {
		return nil, notNull("permissions")
	}
	out := make([]string, 0, len(o.Value))
	for _, p := range o.Value {
		if !slices.Contains(dbplane.DatabasePermissions, p) {
			return nil, dbplane.FieldErrorf("permissions", "Unknown permission %q; subusers take database.create, database.read, database.update, database.delete and database.view_password.", p)
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out, nil
}

// handleSubuserList lists a server's subusers.
func (h *handler) handleSubuserList(w http.ResponseWriter, r *http.Request) {
	subs, err := h.servers.ListSubusers(r.Context(), r.PathValue("id"))
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	out := make([]subuserJSON, 0, len(subs))
	for _, s := range subs {
		out = append(out, toSubuserJSON(s))
	}
	h.writeData(w, r, http.StatusOK, out)
}

// handleSubuserPut adds the account as a subuser or replaces its
// permissions. The calling key must hold what the permissions hand out
// (dbplane.Principal.CanGrantSubuser).
func (h *handler) handleSubuserPut(w http.ResponseWriter, r *http.Request) {
	var body subuserPutRequest
	if err := request.DecodeObject(w, r, &body); err != nil {
		h.writeError(w, r, err)
		return
	}
	perms, err := subuserPermissions(body.Permissions)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	if err := dbplane.PrincipalFrom(r.Context()).CanGrantSubuser(perms); err != nil {
		h.writeError(w, r, err)
		return
	}
	sub, err := h.servers.SetSubuser(r.Context(), r.PathValue("id"), r.PathValue("accountId"), perms)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	h.writeSubuser(w, r, http.StatusOK, sub)
}

// handleSubuserCreate adds a subuser; an account that already is one is a
// 409 (PUT replaces), decided by the store so that of concurrent adds
// exactly one is a 201.
func (h *handler) handleSubuserCreate(w http.ResponseWriter, r *http.Request) {
	var body subuserCreateRequest
	if err := request.DecodeObject(w, r, &body); err != nil {
		h.writeError(w, r, err)
		return
	}
	if body.AccountID == "" {
		h.writeError(w, r, required("accountId"))
		return
	}
	perms, err := subuserPermissions(body.Permissions)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	if err := dbplane.PrincipalFrom(r.Context()).CanGrantSubuser(perms); err != nil {
		h.writeError(w, r, err)
		return
	}
	sub, err := h.servers.AddSubuser(r.Context(), r.PathValue("id"), body.AccountID, perms)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	h.writeSubuser(w, r, http.StatusCreated, sub)
}

// handleSubuserDelete removes a subuser.
func (h *handler) handleSubuserDelete(w http.ResponseWriter, r *http.Request) {
	if err := h.servers.RemoveSubuser(r.Context(), r.PathValue("id"), r.PathValue("accountId")); err != nil {
		h.writeError(w, r, err)
		return
	}
	response.NoContent(w)
}

func (h *handler) writeSubuser(w http.ResponseWriter, r *http.Request, status int, s *dbplane.Subuser) {
	if s == nil {
		h.writeError(w, r, errNoResult)
		return
	}
	h.writeData(w, r, status, toSubuserJSON(s))
}
