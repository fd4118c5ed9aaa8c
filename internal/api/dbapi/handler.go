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
	mux       *request.Mux
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
	}
	h.mux = request.NewMux(h.handleNotFound, h.handleMethodNotAllowed)
	h.routes()
	return h
}

// ServeHTTP routes r; every answer, 404 and 405 included, is in this
// surface's shape.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
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
