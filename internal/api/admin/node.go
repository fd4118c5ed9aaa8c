package admin

import (
	"net/http"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/request"
	"github.com/dbplane/dbplane/internal/http/response"
)

// nodeJSON is a node: a machine that runs tenants' workloads.
type nodeJSON struct {
	ID        string `json:"id"`
	NumericID int64  `json:"numericId"`
	Name      string `json:"name"`
	CreatedAt string `json:"createdAt"`
	UpdatedAt string `json:"updatedAt"`
}

// nodeCreateRequest creates a node.
type nodeCreateRequest struct {
	Name *string `json:"name"`
}

func toNodeJSON(n *dbplane.Node) nodeJSON {
	return nodeJSON{
		ID:        n.ID,
		NumericID: n.NumericID,
		Name:      n.Name,
		CreatedAt: response.Time(n.CreatedAt),
		UpdatedAt: response.Time(n.UpdatedAt),
	}
}

// validName trims a name and checks it is 1 to 191 characters, the
// length the Pterodactyl panel allows for nodes and servers.
func validName(s string) (string, error) {
	return dbplane.ValidateName("name", s, 191)
}

// handleNodeList lists every node.
func (h *handler) handleNodeList(w http.ResponseWriter, r *http.Request) {
	nodes, err := h.servers.ListNodes(r.Context())
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	out := make([]nodeJSON, 0, len(nodes))
	for _, n := range nodes {
		out = append(out, toNodeJSON(n))
	}
	h.writeData(w, r, http.StatusOK, out)
}

// handleNodeCreate creates a node from {"name": "..."}.
func (h *handler) handleNodeCreate(w http.ResponseWriter, r *http.Request) {
	var body nodeCreateRequest
	if err := request.DecodeObject(w, r, &body); err != nil {
		h.writeError(w, r, err)
		return
	}
	if body.Name == nil {
		h.writeError(w, r, required("name"))
		return
	}
	name, err := validName(*body.Name)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	n, err := h.servers.CreateNode(r.Context(), name)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	request.NoteCreated(r, n.ID)
	h.writeNode(w, r, http.StatusCreated, n)
}

// handleNodeGet returns one node by UUID or numeric id.
func (h *handler) handleNodeGet(w http.ResponseWriter, r *http.Request) {
	n, err := h.servers.Node(r.Context(), r.PathValue("id"))
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	h.writeNode(w, r, http.StatusOK, n)
}

func (h *handler) writeNode(w http.ResponseWriter, r *http.Request, status int, n *dbplane.Node) {
	if n == nil {
		h.writeError(w, r, errNoResult)
		return
	}
	h.writeData(w, r, status, toNodeJSON(n))
}
