package admin

import (
	"net/http"
	"strings"
)

// Permissions the routes need (dbplane.AdminResources).
const (
	hostsRead     = "database_hosts:read"
	hostsWrite    = "database_hosts:write"
	accountsRead  = "accounts:read"
	accountsWrite = "accounts:write"
	keysRead      = "keys:read"
	keysWrite     = "keys:write"
	nodesRead     = "nodes:read"
	nodesWrite    = "nodes:write"
	serversRead   = "servers:read"
	serversWrite  = "servers:write"
	// Every database, whatever surface made it, and the quota pass that
	// changes their statuses.
	databasesRead  = "server_databases:read"
	databasesWrite = "server_databases:write"
)

// routes lists every route of the admin API.
func (h *handler) routes() {
	// Database hosts (document 002). Testing a host changes nothing, so
	// read is enough.
	h.handle("GET /api/admin/database-hosts", h.require(hostsRead, h.handleHostList))
	h.handle("POST /api/admin/database-hosts", h.require(hostsWrite, h.handleHostCreate))
	h.handle("GET /api/admin/database-hosts/{id}", h.require(hostsRead, h.handleHostGet))
	h.handle("PATCH /api/admin/database-hosts/{id}", h.require(hostsWrite, h.handleHostUpdate))
	h.handle("DELETE /api/admin/database-hosts/{id}", h.require(hostsWrite, h.handleHostDelete))
	h.handle("POST /api/admin/database-hosts/{id}/test", h.require(hostsRead, h.handleHostTest))

	// Accounts (SPEC §4.5).
	h.handle("GET /api/admin/accounts", h.require(accountsRead, h.handleAccountList))
	h.handle("POST /api/admin/accounts", h.require(accountsWrite, h.handleAccountCreate))
	h.handle("GET /api/admin/accounts/{id}", h.require(accountsRead, h.handleAccountGet))
	h.handle("PATCH /api/admin/accounts/{id}", h.require(accountsWrite, h.handleAccountUpdate))

	// An account's user keys.
	h.handle("GET /api/admin/accounts/{id}/keys", h.require(keysRead, h.handleKeyList))
	h.handle("POST /api/admin/accounts/{id}/keys", h.require(keysWrite, h.handleKeyCreate))
	h.handle("PATCH /api/admin/accounts/{id}/keys/{keyId}", h.require(keysWrite, h.handleKeyUpdate))
	h.handle("DELETE /api/admin/accounts/{id}/keys/{keyId}", h.require(keysWrite, h.handleKeyDelete))

	// Admin keys of every admin account.
	h.handle("GET /api/admin/keys", h.require(keysRead, h.handleAdminKeyList))
	h.handle("POST /api/admin/keys", h.require(keysWrite, h.handleAdminKeyCreate))
	h.handle("PATCH /api/admin/keys/{id}", h.require(keysWrite, h.handleAdminKeyUpdate))
	h.handle("DELETE /api/admin/keys/{id}", h.require(keysWrite, h.handleAdminKeyDelete))

	// Nodes.
	h.handle("GET /api/admin/nodes", h.require(nodesRead, h.handleNodeList))
	h.handle("POST /api/admin/nodes", h.require(nodesWrite, h.handleNodeCreate))
	h.handle("GET /api/admin/nodes/{id}", h.require(nodesRead, h.handleNodeGet))

	// Servers and their subusers.
	h.handle("GET /api/admin/servers", h.require(serversRead, h.handleServerList))
	h.handle("POST /api/admin/servers", h.require(serversWrite, h.handleServerCreate))
	h.handle("GET /api/admin/servers/{id}", h.require(serversRead, h.handleServerGet))
	h.handle("PATCH /api/admin/servers/{id}", h.require(serversWrite, h.handleServerUpdate))
	h.handle("DELETE /api/admin/servers/{id}", h.require(serversWrite, h.handleServerDelete))
	h.handle("GET /api/admin/servers/{id}/subusers", h.require(serversRead, h.handleSubuserList))
	h.handle("POST /api/admin/servers/{id}/subusers", h.require(serversWrite, h.handleSubuserCreate))
	h.handle("PUT /api/admin/servers/{id}/subusers/{accountId}", h.require(serversWrite, h.handleSubuserPut))
	h.handle("DELETE /api/admin/servers/{id}/subusers/{accountId}", h.require(serversWrite, h.handleSubuserDelete))

	// Every database, and the quota watcher on demand.
	h.handle("GET /api/admin/databases", h.require(databasesRead, h.handleDatabaseList))
	h.handle("GET /api/admin/databases/{id}", h.require(databasesRead, h.handleDatabaseGet))
	h.handle("DELETE /api/admin/databases/{id}", h.require(databasesWrite, h.handleDatabaseDelete))
	h.handle("POST /api/admin/databases/{id}/disable", h.require(databasesWrite, h.handleDatabaseDisable))
	h.handle("POST /api/admin/databases/{id}/enable", h.require(databasesWrite, h.handleDatabaseEnable))
	h.handle("POST /api/admin/quota/refresh", h.require(databasesWrite, h.handleQuotaRefresh))

	// Every path above answers other methods with 405 and an Allow header;
	// every other path under /api/admin is 404.
	for p, methods := range h.allow {
		allow := strings.Join(methods, ", ")
		h.mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			h.handleMethodNotAllowed(w, r, allow)
		})
	}
	h.mux.HandleFunc("/api/admin", h.handleNotFound)
	h.mux.HandleFunc("/api/admin/", h.handleNotFound)
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
