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

// appServerJSON is the application API's server object, with the fields
// dbplane has and neutral values for the rest.
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
	CreatedAt     string            `json:"created_at"`
	UpdatedAt     string            `json:"updated_at"`
}

// clientServerJSON is the client API's server object.
type clientServerJSON struct {
	Object     string                 `json:"object"`
	Attributes clientServerAttributes `json:"attributes"`
}

type clientServerAttributes struct {
	ServerOwner            bool              `json:"server_owner"`
	Identifier             string            `json:"identifier"`
	InternalID             int64             `json:"internal_id"`
	UUID                   string            `json:"uuid"`
	Name                   string            `json:"name"`
	Node                   string            `json:"node"` // the node's name, as Pterodactyl sends it
	IsNodeUnderMaintenance bool              `json:"is_node_under_maintenance"`
	Description            string            `json:"description"`
	Limits                 limitsJSON        `json:"limits"`
	FeatureLimits          featureLimitsJSON `json:"feature_limits"`
	Status                 *string           `json:"status"`
	IsSuspended            bool              `json:"is_suspended"`
	IsInstalling           bool              `json:"is_installing"`
	IsTransferring         bool              `json:"is_transferring"`
}

// handleAppServerList lists every server, a page at a time, so that
// libraries that list servers on start work (SPEC §4.3).
func (h *handler) handleAppServerList(w http.ResponseWriter, r *http.Request) {
	page, err := parsePage(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	servers, total, err := h.servers.ListServers(r.Context(), page)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	l := h.lookups(r.Context())
	out := listJSON[appServerJSON]{Object: "list", Data: make([]appServerJSON, 0, len(servers))}
	for _, s := range servers {
		node, err := l.nodeID(s.NodeID)
		if err != nil {
			h.writeError(w, r, err)
			return
		}
		out.Data = append(out.Data, appServerJSON{Object: "server", Attributes: appServerAttributes{
			ID: s.NumericID, UUID: s.ID, Identifier: s.Identifier, Name: s.Name,
			Limits: noLimits, FeatureLimits: featureLimits(s), Node: node, User: ownerNumericID(s),
			CreatedAt: formatTime(s.CreatedAt), UpdatedAt: formatTime(s.UpdatedAt),
		}})
	}
	out.Meta = h.pagination(r, page, len(out.Data), total)
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
		node, err := l.nodeName(s.NodeID)
		if err != nil {
			h.writeError(w, r, err)
			return
		}
		out.Data = append(out.Data, clientServerJSON{Object: "server", Attributes: clientServerAttributes{
			ServerOwner: s.OwnerID == p.Account.ID, Identifier: s.Identifier, InternalID: s.NumericID,
			UUID: s.ID, Name: s.Name, Node: node, Limits: noLimits, FeatureLimits: featureLimits(s),
		}})
	}
	out.Meta = h.pagination(r, page, len(out.Data), total)
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
// identifier or the UUID) and checks that the key's account holds perm on
// it. A server the account cannot see at all is 404; one it can see
// without perm is 403.
func (h *handler) clientServer(r *http.Request, perm string) (*dbplane.Server, dbplane.ServerAccess, error) {
	ref := r.PathValue("server")
	if !isUUID(ref) && !(len(ref) == 8 && isHexString(ref)) {
		return nil, dbplane.ServerAccess{}, errNotFound
	}
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
	if !access.Can(perm) {
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
