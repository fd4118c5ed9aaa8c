package ptero

import (
	"net/http"
	"slices"
	"strings"

	"github.com/dbplane/dbplane"
)

// nodeJSON is the application API's node object (Pterodactyl 1.11's
// NodeTransformer). dbplane's nodes have a name and ids; every daemon
// setting is a neutral value (docs/api-pterodactyl.md).
type nodeJSON struct {
	Object     string         `json:"object"`
	Attributes nodeAttributes `json:"attributes"`
}

type nodeAttributes struct {
	ID                 int64              `json:"id"`
	UUID               string             `json:"uuid"`
	Public             bool               `json:"public"`
	Name               string             `json:"name"`
	Description        *string            `json:"description"`
	LocationID         int64              `json:"location_id"`
	FQDN               string             `json:"fqdn"`
	Scheme             string             `json:"scheme"`
	BehindProxy        bool               `json:"behind_proxy"`
	MaintenanceMode    bool               `json:"maintenance_mode"`
	Memory             int64              `json:"memory"`
	MemoryOverallocate int64              `json:"memory_overallocate"`
	Disk               int64              `json:"disk"`
	DiskOverallocate   int64              `json:"disk_overallocate"`
	UploadSize         int64              `json:"upload_size"`
	DaemonListen       int                `json:"daemon_listen"`
	DaemonSFTP         int                `json:"daemon_sftp"`
	DaemonBase         string             `json:"daemon_base"`
	CreatedAt          string             `json:"created_at"`
	UpdatedAt          string             `json:"updated_at"`
	AllocatedResources allocatedResources `json:"allocated_resources"`
}

type allocatedResources struct {
	Memory int64 `json:"memory"`
	Disk   int64 `json:"disk"`
}

func toNodeJSON(n *dbplane.Node) nodeJSON {
	return nodeJSON{Object: "node", Attributes: nodeAttributes{
		ID: n.NumericID, UUID: n.ID, Public: true, Name: n.Name, Scheme: "https",
		CreatedAt: formatTime(n.CreatedAt), UpdatedAt: formatTime(n.UpdatedAt),
	}}
}

// handleAppNodeList lists the nodes, a page at a time, with the panel's
// filters (uuid, name, fqdn, daemon_token_id) and sorts (id, uuid, memory,
// disk).
func (h *handler) handleAppNodeList(w http.ResponseWriter, r *http.Request) {
	page, err := parsePage(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	f, err := parseFilters(r, nodeFilters)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	order, err := parseSorts(r, nodeSorts)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	nodes, err := h.servers.ListNodes(r.Context())
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	nodes = slices.DeleteFunc(slices.Clone(nodes), func(n *dbplane.Node) bool { return n == nil })
	slices.SortStableFunc(nodes, func(a, b *dbplane.Node) int { return int(a.NumericID - b.NumericID) })
	var matched []nodeJSON
	for _, n := range nodes {
		if f.match(map[string]string{"uuid": n.ID, "name": n.Name}) {
			matched = append(matched, toNodeJSON(n))
		}
	}
	// memory and disk are 0 on every node (neutral values): ties.
	sortBy(matched, order, func(n nodeJSON) map[string]any {
		return map[string]any{"id": n.Attributes.ID, "uuid": n.Attributes.UUID, "memory": int64(0), "disk": int64(0)}
	})
	list, total := pageOf(matched, page)
	out := listJSON[nodeJSON]{Object: "list", Data: append(make([]nodeJSON, 0, len(list)), list...)}
	out.Meta = h.pagination(r, page, len(out.Data), total)
	h.writeJSON(w, r, http.StatusOK, out)
}

// handleAppNodeGet returns one node by numeric id or UUID (any case).
func (h *handler) handleAppNodeGet(w http.ResponseWriter, r *http.Request) {
	ref := r.PathValue("node")
	var numeric string
	switch {
	case isUUID(ref):
		ref = strings.ToLower(ref)
	default:
		n, err := numericRef(ref)
		if err != nil {
			h.writeError(w, r, err)
			return
		}
		ref, numeric = n, n
	}
	n, err := h.servers.Node(r.Context(), ref)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	if n == nil {
		h.writeError(w, r, errNoResult)
		return
	}
	if numeric != "" && itoa(n.NumericID) != numeric || numeric == "" && !strings.EqualFold(n.ID, ref) {
		h.writeError(w, r, errNotFound)
		return
	}
	h.writeJSON(w, r, http.StatusOK, toNodeJSON(n))
}
