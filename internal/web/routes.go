package web

// routes lists every page of the dashboard. Pages that change something
// are POSTs behind a form token; GETs change nothing. Each area registers
// its own pages in the file that serves them.
func (h *handler) routes() {
	m := h.mux
	m.HandleFunc("GET /static/{file}", h.serveStatic)

	// Signing in and out, and one-time set-password links.
	m.HandleFunc("GET /login", h.handleLoginPage)
	m.HandleFunc("POST /login", h.handleLogin)
	m.HandleFunc("POST /logout", h.authed(h.handleLogout))
	m.HandleFunc("GET /set-password", h.handleSetPasswordPage)
	m.HandleFunc("POST /set-password", h.handleSetPassword)

	// A tenant's databases.
	m.HandleFunc("GET /{$}", h.authed(h.handleDatabases))
	m.HandleFunc("POST /databases", h.authed(h.handleDatabaseCreate))

	h.databaseRoutes() // one database: details, reveal, rotate, delete (database.go)
	h.keyRoutes()      // the account's API keys (keys.go)
	h.accountRoutes()  // the account page: password, sessions (account.go)
	h.serverRoutes()   // Pterodactyl servers the account can access (servers.go)
	h.adminRoutes()    // the operator's pages under /admin (admin*.go)

	// Everything else is the 404 page.
	m.HandleFunc("/", h.notFound)
}
