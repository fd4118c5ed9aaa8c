package dbapi

import (
	"log/slog"
	"net/http"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/request"
)

// Services are what the management API calls.
type Services struct {
	Keys      dbplane.KeyService
	Databases dbplane.DatabaseService
}

// Options tune the handler.
type Options struct {
	// Logger receives one line per internal or unavailable error. Nil
	// discards them.
	Logger *slog.Logger
}

type handler struct {
	keys      dbplane.KeyService
	databases dbplane.DatabaseService
	logger    *slog.Logger
	mux       *http.ServeMux
	allow     map[string][]string // path pattern -> methods, for 405
}

// NewHandler returns the handler for every path under /api/v1/db. Mount it
// at both "/api/v1/db" and "/api/v1/db/".
func NewHandler(s Services, opt Options) http.Handler {
	logger := opt.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	h := &handler{
		keys:      s.Keys,
		databases: s.Databases,
		logger:    logger,
		mux:       http.NewServeMux(),
		allow:     map[string][]string{},
	}
	h.routes()
	return h
}

// ServeHTTP answers a path that is not in canonical form with the 404
// envelope: left to itself, ServeMux would redirect it with an HTML body.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !request.Canonical(r) {
		h.handleNotFound(w, r)
		return
	}
	h.mux.ServeHTTP(w, r)
}

// auth authenticates the request's key before next runs, and puts the key
// and its account into the context. Only user keys of accounts in good
// standing pass.
func (h *handler) auth(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := request.Authenticate(r, h.keys)
		if err == nil {
			err = request.Admit(p, dbplane.KeyUser)
		}
		if err != nil {
			h.writeError(w, r, err)
			return
		}
		next(w, r.WithContext(dbplane.WithPrincipal(r.Context(), p)))
	}
}
