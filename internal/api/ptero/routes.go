package ptero

import (
	"net/http"
	"strings"

	"github.com/dbplane/dbplane"
)

// Permissions the application API's routes need (dbplane.AdminResources).
const (
	serversRead         dbplane.Permission = "servers:read"
	serverDatabaseRead  dbplane.Permission = "server_databases:read"
	serverDatabaseWrite dbplane.Permission = "server_databases:write"
	hostsRead           dbplane.Permission = "database_hosts:read"
)

// routes lists every route of both APIs.
func (h *handler) routes() {
	// Application API (document 000, SPEC §4.3).
	h.handle("GET /api/application/servers", h.application(serversRead, h.handleAppServerList))
	h.handle("GET /api/application/servers/{server}/databases", h.application(serverDatabaseRead, h.handleAppDatabaseList))
	h.handle("POST /api/application/servers/{server}/databases", h.application(serverDatabaseWrite, h.handleAppDatabaseCreate))
	h.handle("GET /api/application/servers/{server}/databases/{database}", h.application(serverDatabaseRead, h.handleAppDatabaseGet))
	h.handle("DELETE /api/application/servers/{server}/databases/{database}", h.application(serverDatabaseWrite, h.handleAppDatabaseDelete))
	h.handle("POST /api/application/servers/{server}/databases/{database}/reset-password", h.application(serverDatabaseWrite, h.handleAppDatabaseResetPassword))

	// Client API (document 001, SPEC §4.4).
	h.handle("GET /api/client", h.client(h.handleClientServerList))
	h.handle("GET /api/client/servers/{server}/databases", h.client(h.handleClientDatabaseList))
	h.handle("POST /api/client/servers/{server}/databases", h.client(h.handleClientDatabaseCreate))
	h.handle("GET /api/client/servers/{server}/databases/{database}", h.client(h.handleClientDatabaseGet))
	h.handle("DELETE /api/client/servers/{server}/databases/{database}", h.client(h.handleClientDatabaseDelete))
	h.handle("POST /api/client/servers/{server}/databases/{database}/rotate-password", h.client(h.handleClientDatabaseRotate))

	// Every path above answers other methods with 405 and an Allow header;
	// every other path under either prefix is 404. Both in Pterodactyl's
	// error shape.
	for p, methods := range h.allow {
		allow := strings.Join(methods, ", ")
		h.mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			if h.limitAnonymous(w, r) {
				h.writeError(w, r, &methodError{method: r.Method, allow: allow})
			}
		})
	}
	for _, p := range []string{"/api/application", "/api/application/", "/api/client/"} {
		h.mux.HandleFunc(p, h.handleNotFound)
	}
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
	if h.limitAnonymous(w, r) {
		h.writeError(w, r, errNotFound)
	}
}
