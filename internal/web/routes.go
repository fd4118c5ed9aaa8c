package web

// routes lists every page of the dashboard. Pages that change something
// are POSTs behind a form token; GETs change nothing.
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

	// Everything else is the 404 page.
	m.HandleFunc("/", h.notFound)
}
