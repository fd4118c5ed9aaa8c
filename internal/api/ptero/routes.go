package ptero

import (
	"net/http"

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
	h.mux.Handle("GET /api/application/users", h.application(accountsRead, h.handleAppUserList))
	h.mux.Handle("GET /api/application/users/{user}", h.application(accountsRead, h.handleAppUserGet))
	h.mux.Handle("GET /api/application/users/external/{external_id}", h.application(accountsRead, h.handleAppExternal))
	h.mux.Handle("GET /api/application/nodes", h.application(nodesRead, h.handleAppNodeList))
	h.mux.Handle("GET /api/application/nodes/{node}", h.application(nodesRead, h.handleAppNodeGet))
	// Pelican's database hosts.
	h.mux.Handle("GET /api/application/database-hosts", h.application(hostsRead, h.handleAppHostList))
	h.mux.Handle("POST /api/application/database-hosts", h.application(hostsWrite, h.idem.Wrap(h.handleAppHostCreate)))
	h.mux.Handle("GET /api/application/database-hosts/{host}", h.application(hostsRead, h.handleAppHostGet))
	h.mux.Handle("PATCH /api/application/database-hosts/{host}", h.application(hostsWrite, h.handleAppHostUpdate))
	h.mux.Handle("DELETE /api/application/database-hosts/{host}", h.application(hostsWrite, h.handleAppHostDelete))
	h.mux.Handle("GET /api/application/servers", h.application(serversRead, h.handleAppServerList))
	h.mux.Handle("GET /api/application/servers/{server}", h.application(serversRead, h.handleAppServerGet))

	h.mux.Handle("GET /api/application/servers/{server}/databases", h.application(serverDatabaseRead, h.handleAppDatabaseList))
	h.mux.Handle("POST /api/application/servers/{server}/databases", h.application(serverDatabaseWrite, h.idem.Wrap(h.handleAppDatabaseCreate)))
	h.mux.Handle("GET /api/application/servers/{server}/databases/{database}", h.application(serverDatabaseRead, h.handleAppDatabaseGet))
	h.mux.Handle("DELETE /api/application/servers/{server}/databases/{database}", h.application(serverDatabaseWrite, h.handleAppDatabaseDelete))
	h.mux.Handle("POST /api/application/servers/{server}/databases/{database}/reset-password", h.application(serverDatabaseWrite, h.handleAppDatabaseResetPassword))

	// Client API (document 001, SPEC §4.4).
	h.mux.Handle("GET /api/client", h.client(h.handleClientServerList))
	h.mux.Handle("GET /api/client/account", h.client(h.handleClientAccount))
	h.mux.Handle("GET /api/client/servers/{server}", h.client(h.handleClientServerGet))
	h.mux.Handle("GET /api/client/servers/{server}/databases", h.client(h.handleClientDatabaseList))
	h.mux.Handle("POST /api/client/servers/{server}/databases", h.client(h.idem.Wrap(h.handleClientDatabaseCreate)))
	h.mux.Handle("GET /api/client/servers/{server}/databases/{database}", h.client(h.handleClientDatabaseGet))
	h.mux.Handle("DELETE /api/client/servers/{server}/databases/{database}", h.client(h.handleClientDatabaseDelete))
	h.mux.Handle("POST /api/client/servers/{server}/databases/{database}/rotate-password", h.client(h.handleClientDatabaseRotate))

	// Every path above answers other methods with 405 and an Allow header;
	// every other path under either prefix is 404. Both in Pterodactyl's
	// error shape.
	h.mux.Fallback("/api/application", "/api/application/", "/api/client/")

	// The panel's /servers/external/{external_id}, which the panel routes
	// before /servers/{server}/databases. ServeMux cannot hold both (each
	// is the more specific in one segment), so it has a mux of its own,
	// asked first (ServeHTTP).
	h.external.Handle("GET /api/application/servers/external/{external_id}", h.application(serversRead, h.handleAppExternal))
	h.external.Fallback()
}

func (h *handler) handleMethodNotAllowed(w http.ResponseWriter, r *http.Request, allow string) {
	if h.limitAnonymous(w, r) {
		h.writeError(w, r, &methodError{method: r.Method, allow: allow})
	}
}

func (h *handler) handleNotFound(w http.ResponseWriter, r *http.Request) {
	if h.limitAnonymous(w, r) {
		h.writeError(w, r, errNotFound)
	}
}
