package dbapi

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/request"
)

// Services are what the management API calls.
type Services struct {
	Keys      dbplane.KeyService
	Databases dbplane.DatabaseService
	// Idempotency keeps Idempotency-Key creates; nil ignores the header.
	Idempotency dbplane.IdempotencyService
}

// Options tune the handler.
type Options struct {
	// Logger receives one line per internal or unavailable error. Nil
	// discards them.
	Logger *slog.Logger
	// Rate is requests per minute per key (and per client address for
	// requests without a valid key); 0 means no limit. The deployment's
	// default lives in internal/config.
	Rate int
	// Now is the rate limiter's clock; nil means time.Now.
	Now func() time.Time
}

type handler struct {
	keys      dbplane.KeyService
	databases dbplane.DatabaseService
	logger    *slog.Logger
	mux       *request.Mux
	limiter   *request.RateLimiter
	idem      request.Idempotency
}

// NewHandler returns the handler for every path under /api/v1/db. Mount it
// at both "/api/v1/db" and "/api/v1/db/".
func NewHandler(s Services, opt Options) http.Handler {
	logger := opt.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	rate := opt.Rate
	h := &handler{
		keys:      s.Keys,
		databases: s.Databases,
		logger:    logger,
		limiter:   request.NewRateLimiter(rate, opt.Now),
	}
	h.idem = request.Idempotency{Service: s.Idempotency, WriteError: h.writeError, Logger: logger}
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
		bucket := "ip:" + request.ClientIP(r)
		if err == nil {
			bucket = "key:" + p.Key.ID
		}
		if !h.limiter.Limit(w, bucket) {
			h.writeError(w, r, errRateLimited)
			return
		}
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
