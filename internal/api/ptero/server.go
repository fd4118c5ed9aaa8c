package ptero

import (
	"net/http"
	"strings"

	"github.com/dbplane/dbplane"
)

// limitsJSON is a server's resource limits. dbplane servers have none, so
// every limit is 0, which is Pterodactyl's "unlimited".
type limitsJSON struct {
	Memory      int64   `json:"memory"`
	Swap        int64   `json:"swap"`
	Disk        int64   `json:"disk"`
	IO          int64   `json:"io"`
	CPU         int64   `json:"cpu"`
	Threads     *string `json:"threads"`
	OOMDisabled bool    `json:"oom_disabled"`
}

var noLimits = limitsJSON{OOMDisabled: true}

// featureLimitsJSON carries the one limit dbplane has: databases (null =
// unlimited, 0 = none).
type featureLimitsJSON struct {
	Databases   *int `json:"databases"`
	Allocations int  `json:"allocations"`
	Backups     int  `json:"backups"`
}

func featureLimits(s *dbplane.Server) featureLimitsJSON {
	return featureLimitsJSON{Databases: s.DatabaseLimit}
}

// appServerJSON is the application API's server object (Pterodactyl
// 1.11's ServerTransformer), with the fields dbplane has and neutral
// values for the rest (docs/api-pterodactyl.md, Objects).
type appServerJSON struct {
	Object     string              `json:"object"`
	Attributes appServerAttributes `json:"attributes"`
}

type appServerAttributes struct {
	ID            int64             `json:"id"`
	ExternalID    *string           `json:"external_id"`
	UUID          string            `json:"uuid"`
	Identifier    string            `json:"identifier"`
	Name          string            `json:"name"`
	Description   string            `json:"description"`
	Status        *string           `json:"status"`
	Suspended     bool              `json:"suspended"`
	Limits        limitsJSON        `json:"limits"`
	FeatureLimits featureLimitsJSON `json:"feature_limits"`
	User          *int64            `json:"user"` // the owner account's numericId
	Node          *int64            `json:"node"`
	Allocation    int64             `json:"allocation"` // dbplane has none: 0
	Nest          int64             `json:"nest"`       // dbplane has none: 0
	Egg           int64             `json:"egg"`        // dbplane has none: 0
	Container     containerJSON     `json:"container"`
	UpdatedAt     string            `json:"updated_at"`
	CreatedAt     string            `json:"created_at"`
	Relationships map[string]any    `json:"relationships,omitempty"`
}

// containerJSON is the server's container. dbplane runs none: no startup
// command or image, no environment, and "installed", since the server is
// usable from the moment it exists.
type containerJSON struct {
	StartupCommand string            `json:"startup_command"`
	Image          string            `json:"image"`
	Installed      int               `json:"installed"`
	Environment    map[string]string `json:"environment"`
}

var noContainer = containerJSON{Installed: 1, Environment: map[string]string{}}

// clientServerJSON is the client API's server object (Pterodactyl 1.11's
// client ServerTransformer). Meta is set on the single-server view.
type clientServerJSON struct {
	Object     string                 `json:"object"`
	Attributes clientServerAttributes `json:"attributes"`
	Meta       *clientServerMeta      `json:"meta,omitempty"`
}

type clientServerAttributes struct {
	ServerOwner            bool              `json:"server_owner"`
	Identifier             string            `json:"identifier"`
	InternalID             int64             `json:"internal_id"`
	UUID                   string            `json:"uuid"`
	Name                   string            `json:"name"`
	Node                   string            `json:"node"` // the node's name, as Pterodactyl sends it
	IsNodeUnderMaintenance bool              `json:"is_node_under_maintenance"`
	SFTPDetails            sftpJSON          `json:"sftp_details"`
	Description            string            `json:"description"`
	Limits                 limitsJSON        `json:"limits"`
	Invocation             string            `json:"invocation"`
	DockerImage            string            `json:"docker_image"`
	EggFeatures            []string          `json:"egg_features"`
	FeatureLimits          featureLimitsJSON `json:"feature_limits"`
	Status                 *string           `json:"status"`
	IsSuspended            bool              `json:"is_suspended"`
	IsInstalling           bool              `json:"is_installing"`
	IsTransferring         bool              `json:"is_transferring"`
	Relationships          map[string]any    `json:"relationships"`
}

// sftpJSON is the node's SFTP address; dbplane has no SFTP: "" and 0.
type sftpJSON struct {
	IP   string `json:"ip"`
	Port int    `json:"port"`
}

// clientServerMeta is the single-server view's meta: what the caller may
// do ("*" for the owner and admins, as Pterodactyl sends it).
type clientServerMeta struct {
	IsServerOwner   bool     `json:"is_server_owner"`
	UserPermissions []string `json:"user_permissions"`
}

// emptyListJSON is a relationship dbplane has nothing for (allocations,
// variables, subusers): an empty Fractal collection.
type emptyListJSON struct {
	Object string `json:"object"`
	Data   []any  `json:"data"`
}

var emptyList = emptyListJSON{Object: "list", Data: []any{}}

// clientServerJSON renders s for the account a: the panel's client server
// object, with its default includes.
func (h *handler) clientServerJSON(l *lookups, a *dbplane.Account, s *dbplane.Server) (clientServerJSON, error) {
	node, err := l.nodeName(s.NodeID)
	if err != nil {
		return clientServerJSON{}, err
	}
	return clientServerJSON{Object: "server", Attributes: clientServerAttributes{
		ServerOwner: s.OwnerID == a.ID, Identifier: s.Identifier, InternalID: s.NumericID,
		UUID: s.ID, Name: s.Name, Node: node, Limits: noLimits, EggFeatures: []string{},
		FeatureLimits: featureLimits(s),
		// Pterodactyl's default includes on client servers.
		Relationships: map[string]any{"allocations": emptyList, "variables": emptyList},
	}}, nil
}

// serverQuery is the store's filter for a servers list: the panel's sort
// (numeric ids and UUIDs are unique, so the first key decides), its exact
// filter (external_id, on the store's index) and its substring filters,
// which the store applies with Match while it reads. dbplane has no
// description or image: those fields are empty, as the objects show them.
func serverQuery(f filters, s sorts, p dbplane.Page) dbplane.ServerFilter {
	q := dbplane.ServerFilter{Page: p}
	byUUID, desc := s.first()
	if byUUID {
		q.Order = dbplane.ServersByID
	}
	q.Desc = desc
	q.ExternalIDs, q.Match = storeFilters(f, func(x *dbplane.Server) map[string]string {
		return map[string]string{"uuid": x.ID, "uuidShort": x.Identifier, "name": x.Name}
	})
	return q
}

// handleAppServerList lists the servers, a page at a time, filtered as
// the panel filters (filter[uuid], filter[name], …), so that libraries
// that list or look up servers on start work (SPEC §4.3).
func (h *handler) handleAppServerList(w http.ResponseWriter, r *http.Request) {
	page, err := parsePage(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	filters, err := parseFilters(r, serverFilters)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	order, err := parseSorts(r, serverSorts)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	servers, total, err := h.servers.FindServers(r.Context(), serverQuery(filters, order, page))
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	v := h.appServerView(r)
	out := listJSON[appServerJSON]{Object: "list", Data: make([]appServerJSON, 0, len(servers))}
	for _, s := range servers {
		sj, err := v.render(s)
		if err != nil {
			h.writeError(w, r, err)
			return
		}
		out.Data = append(out.Data, sj)
	}
	out.Meta = h.pagination(r, page, len(out.Data), total)
	h.writeJSON(w, r, http.StatusOK, out)
}

// handleAppServerGet returns one server (GET /servers/{server}).
func (h *handler) handleAppServerGet(w http.ResponseWriter, r *http.Request) {
	s, err := h.appServer(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	out, err := h.appServerView(r).render(s)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	h.writeJSON(w, r, http.StatusOK, out)
}

// handleClientServerList lists the servers the key's account can reach:
// its own, those it is a subuser of, and every server for an admin.
func (h *handler) handleClientServerList(w http.ResponseWriter, r *http.Request) {
	page, err := parsePage(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	p := dbplane.PrincipalFrom(r.Context())
	servers, total, err := h.servers.AccessibleServers(r.Context(), p.Account, page)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	l := h.lookups(r.Context())
	out := listJSON[clientServerJSON]{Object: "list", Data: make([]clientServerJSON, 0, len(servers))}
	for _, s := range servers {
		sj, err := h.clientServerJSON(l, p.Account, s)
		if err != nil {
			h.writeError(w, r, err)
			return
		}
		out.Data = append(out.Data, sj)
	}
	out.Meta = h.pagination(r, page, len(out.Data), total)
	h.writeJSON(w, r, http.StatusOK, out)
}

// handleClientServerGet returns one server the caller can reach, with
// what it may do on it in meta (GET /api/client/servers/{server}).
func (h *handler) handleClientServerGet(w http.ResponseWriter, r *http.Request) {
	s, access, err := h.clientServer(r, "")
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	p := dbplane.PrincipalFrom(r.Context())
	out, err := h.clientServerJSON(h.lookups(r.Context()), p.Account, s)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	perms := []string{"*"}
	if !access.Owner && !access.Admin {
		perms = append([]string{}, access.Permissions...)
	}
	out.Meta = &clientServerMeta{IsServerOwner: s.OwnerID == p.Account.ID, UserPermissions: perms}
	h.writeJSON(w, r, http.StatusOK, out)
}

// appServer resolves {server} for the application API: the numeric id or
// the UUID (document 000). The server the service finds must be the one
// the reference names, so that a surface never resolves another kind of
// reference.
func (h *handler) appServer(r *http.Request) (*dbplane.Server, error) {
	ref := r.PathValue("server")
	var numeric string
	switch {
	case isUUID(ref):
		ref = strings.ToLower(ref) // Laravel's route binding compares without case
	case isDigits(ref):
		n, err := numericRef(ref)
		if err != nil {
			return nil, err
		}
		ref, numeric = n, n
	default:
		return nil, errNotFound
	}
	s, err := h.servers.Server(r.Context(), ref)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return nil, errNoResult
	}
	if numeric != "" && itoa(s.NumericID) != numeric || numeric == "" && !strings.EqualFold(s.ID, ref) {
		return nil, errNotFound
	}
	return s, nil
}

// clientServer resolves {server} for the client API (the 8-character
// identifier or the UUID, in any case) and checks that the key's account
// holds perm on it ("" = any access). A server the account cannot see at
// all is 404; one it can see without perm is 403.
func (h *handler) clientServer(r *http.Request, perm string) (*dbplane.Server, dbplane.ServerAccess, error) {
	ref := r.PathValue("server")
	if !isUUID(ref) && !(len(ref) == 8 && isHexString(ref)) {
		return nil, dbplane.ServerAccess{}, errNotFound
	}
	ref = strings.ToLower(ref)
	p := dbplane.PrincipalFrom(r.Context())
	s, access, err := h.servers.ServerAccess(r.Context(), p.Account, ref)
	if err != nil {
		return nil, access, err
	}
	if s == nil {
		return nil, access, errNoResult
	}
	if !strings.EqualFold(s.Identifier, ref) && !strings.EqualFold(s.ID, ref) {
		return nil, access, errNotFound
	}
	if perm != "" && !access.Can(perm) {
		return nil, access, errPermission
	}
	return s, access, nil
}

func isHexString(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) {
			return false
		}
	}
	return true
}

// ownerNumericID is the server object's "user": nil when unknown.
func ownerNumericID(s *dbplane.Server) *int64 {
	if s.OwnerNumericID == 0 {
		return nil
	}
	id := s.OwnerNumericID
	return &id
}
