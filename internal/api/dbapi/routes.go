package dbapi

import (
	"net/http"
	"strings"
)

// routes lists every route of the management API (document 003).
func (h *handler) routes() {
	h.handle("GET /api/v1/db/databases", h.auth(h.handleDatabaseList))
	h.handle("POST /api/v1/db/databases", h.auth(h.handleDatabaseCreate))
	h.handle("GET /api/v1/db/databases/{id}", h.auth(h.handleDatabaseReveal))
	h.handle("POST /api/v1/db/databases/{id}/rotate", h.auth(h.handleDatabaseRotate))

	// Every path above answers other methods with 405 and an Allow header;
	// every other path under /api/v1/db is 404. Both use the envelope.
	for p, methods := range h.allow {
		allow := strings.Join(methods, ", ")
		h.mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			h.handleMethodNotAllowed(w, r, allow)
		})
	}
	h.mux.HandleFunc("/api/v1/db", h.handleNotFound)
	h.mux.HandleFunc("/api/v1/db/", h.handleNotFound)
}

// handle registers "METHOD /path" and remembers the method for the path's
// Allow header. A GET route also answers HEAD, as ServeMux does.
func (h *handler) handle(pattern string, fn http.HandlerFunc) {
	method, p, _ := strings.Cut(pattern, " ")
	h.mux.HandleFunc(pattern, fn)
	if method == http.MethodGet {
		h.allow[p] = append(h.allow[p], http.MethodGet, http.MethodHead)
		return
	}
	h.allow[p] = append(h.allow[p], method)
}

func (h *handler) handleNotFound(w http.ResponseWriter, r *http.Request) {
	h.writeError(w, r, errRouteNotFound)
}

func (h *handler) handleMethodNotAllowed(w http.ResponseWriter, r *http.Request, allow string) {
	w.Header().Set("Allow", allow)
	h.writeError(w, r, errMethodNotAllowed)
}
