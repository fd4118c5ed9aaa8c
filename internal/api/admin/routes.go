package admin

import "net/http"

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
	// The audit log, which only the server writes.
	auditRead = "audit:read"
)

// routes lists every route of the admin API. Creates take an
// Idempotency-Key (h.idem, after the key's check).
func (h *handler) routes() {
	// Database hosts (document 002). Testing a host changes nothing, so
	// read is enough.
	h.mux.Handle("GET /api/admin/database-hosts", h.require(hostsRead, h.handleHostList))
	h.mux.Handle("POST /api/admin/database-hosts", h.require(hostsWrite, h.idem.Wrap(h.handleHostCreate)))
	h.mux.Handle("GET /api/admin/database-hosts/{id}", h.require(hostsRead, h.handleHostGet))
	h.mux.Handle("PATCH /api/admin/database-hosts/{id}", h.require(hostsWrite, h.handleHostUpdate))
	h.mux.Handle("DELETE /api/admin/database-hosts/{id}", h.require(hostsWrite, h.handleHostDelete))
	h.mux.Handle("POST /api/admin/database-hosts/{id}/test", h.require(hostsRead, h.handleHostTest))
	// Retiring a dead host orphans its databases: hosts and databases.
	h.mux.Handle("POST /api/admin/database-hosts/{id}/retire", h.require(hostsWrite, h.require(databasesWrite, h.handleHostRetire)))
	h.mux.Handle("GET /api/admin/database-hosts/{id}/orphans", h.require(hostsRead, h.require(databasesRead, h.handleHostOrphans)))

	// Accounts (SPEC §4.5).
	h.mux.Handle("GET /api/admin/accounts", h.require(accountsRead, h.handleAccountList))
	h.mux.Handle("POST /api/admin/accounts", h.require(accountsWrite, h.idem.Wrap(h.handleAccountCreate)))
	h.mux.Handle("GET /api/admin/accounts/{id}", h.require(accountsRead, h.handleAccountGet))
	h.mux.Handle("PATCH /api/admin/accounts/{id}", h.require(accountsWrite, h.handleAccountUpdate))
	h.mux.Handle("DELETE /api/admin/accounts/{id}", h.require(accountsWrite, h.handleAccountDelete))
	h.mux.Handle("POST /api/admin/accounts/{id}/password-link", h.require(accountsWrite, h.handlePasswordLinkCreate))

	// An account's user keys.
	h.mux.Handle("GET /api/admin/accounts/{id}/keys", h.require(keysRead, h.handleKeyList))
	h.mux.Handle("POST /api/admin/accounts/{id}/keys", h.require(keysWrite, h.idem.Wrap(h.handleKeyCreate)))
	h.mux.Handle("PATCH /api/admin/accounts/{id}/keys/{keyId}", h.require(keysWrite, h.handleKeyUpdate))
	h.mux.Handle("DELETE /api/admin/accounts/{id}/keys/{keyId}", h.require(keysWrite, h.handleKeyDelete))

	// Admin keys of every admin account.
	h.mux.Handle("GET /api/admin/keys", h.require(keysRead, h.handleAdminKeyList))
	h.mux.Handle("POST /api/admin/keys", h.require(keysWrite, h.idem.Wrap(h.handleAdminKeyCreate)))
	h.mux.Handle("PATCH /api/admin/keys/{id}", h.require(keysWrite, h.handleAdminKeyUpdate))
	h.mux.Handle("DELETE /api/admin/keys/{id}", h.require(keysWrite, h.handleAdminKeyDelete))

	// Nodes.
	h.mux.Handle("GET /api/admin/nodes", h.require(nodesRead, h.handleNodeList))
	h.mux.Handle("POST /api/admin/nodes", h.require(nodesWrite, h.idem.Wrap(h.handleNodeCreate)))
	h.mux.Handle("GET /api/admin/nodes/{id}", h.require(nodesRead, h.handleNodeGet))

	// Servers and their subusers.
	h.mux.Handle("GET /api/admin/servers", h.require(serversRead, h.handleServerList))
	h.mux.Handle("POST /api/admin/servers", h.require(serversWrite, h.idem.Wrap(h.handleServerCreate)))
	h.mux.Handle("GET /api/admin/servers/{id}", h.require(serversRead, h.handleServerGet))
	h.mux.Handle("PATCH /api/admin/servers/{id}", h.require(serversWrite, h.handleServerUpdate))
	h.mux.Handle("DELETE /api/admin/servers/{id}", h.require(serversWrite, h.handleServerDelete))
	h.mux.Handle("GET /api/admin/servers/{id}/subusers", h.require(serversRead, h.handleSubuserList))
	h.mux.Handle("POST /api/admin/servers/{id}/subusers", h.require(serversWrite, h.idem.Wrap(h.handleSubuserCreate)))
	h.mux.Handle("PUT /api/admin/servers/{id}/subusers/{accountId}", h.require(serversWrite, h.handleSubuserPut))
	h.mux.Handle("DELETE /api/admin/servers/{id}/subusers/{accountId}", h.require(serversWrite, h.handleSubuserDelete))

	// Every database, and the quota watcher on demand.
	h.mux.Handle("GET /api/admin/databases", h.require(databasesRead, h.handleDatabaseList))
	h.mux.Handle("GET /api/admin/databases/{id}", h.require(databasesRead, h.handleDatabaseGet))
	h.mux.Handle("DELETE /api/admin/databases/{id}", h.require(databasesWrite, h.handleDatabaseDelete))
	h.mux.Handle("POST /api/admin/databases/{id}/disable", h.require(databasesWrite, h.handleDatabaseDisable))
	h.mux.Handle("POST /api/admin/databases/{id}/enable", h.require(databasesWrite, h.handleDatabaseEnable))
	h.mux.Handle("POST /api/admin/quota/refresh", h.require(databasesWrite, h.handleQuotaRefresh))

	// Drift between the records and the hosts (SPEC §6): the latest
	// findings, and a sweep now, which repairs what dbplane owns.
	h.mux.Handle("GET /api/admin/drift", h.require(databasesRead, h.handleDriftList))
	h.mux.Handle("POST /api/admin/drift/sweep", h.require(databasesWrite, h.handleDriftSweep))

	// The master-key rotation re-seals hosts' and databases' passwords:
	// it needs write on both.
	h.mux.Handle("POST /api/admin/rekey", h.require(hostsWrite, h.require(databasesWrite, h.handleRekey)))

	// The audit log.
	h.mux.Handle("GET /api/admin/audit", h.require(auditRead, h.handleAuditList))

	// Every path above answers other methods with 405 and an Allow header;
	// every other path under /api/admin is 404.
	h.mux.Fallback("/api/admin", "/api/admin/")
}

func (h *handler) handleNotFound(w http.ResponseWriter, r *http.Request) {
	h.writeError(w, r, errRouteNotFound)
}

func (h *handler) handleMethodNotAllowed(w http.ResponseWriter, r *http.Request, allow string) {
	w.Header().Set("Allow", allow)
	h.writeError(w, r, errMethodNotAllowed)
}
