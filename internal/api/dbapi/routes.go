package dbapi

import (
	"net/http"

	"github.com/dbplane/dbplane/internal/http/request"
)

// routes lists every route of the management API (document 003).
func (h *handler) routes() {
	h.mux.Handle("GET /api/v1/db/databases", h.auth(h.handleDatabaseList))
	h.mux.Handle("POST /api/v1/db/databases", h.auth(h.idem.Wrap(h.handleDatabaseCreate)))
	h.mux.Handle("GET /api/v1/db/databases/{id}", request.Reveals(h.auth(h.handleDatabaseReveal)))
	h.mux.Handle("POST /api/v1/db/databases/{id}/rotate", h.auth(h.handleDatabaseRotate))

	// Every path above answers other methods with 405 and an Allow header;
	// every other path under /api/v1/db is 404. Both use the envelope.
	h.mux.Fallback("/api/v1/db", "/api/v1/db/")
}

func (h *handler) handleNotFound(w http.ResponseWriter, r *http.Request) {
	h.writeError(w, r, errRouteNotFound)
}

func (h *handler) handleMethodNotAllowed(w http.ResponseWriter, r *http.Request, allow string) {
	w.Header().Set("Allow", allow)
	h.writeError(w, r, errMethodNotAllowed)
}
