package admin

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/request"
)

// Services are what the admin API calls.
type Services struct {
	Keys      dbplane.KeyService
	Hosts     dbplane.HostService
	Accounts  dbplane.AccountService
	Servers   dbplane.ServerService        // nodes, servers and subusers
	Databases dbplane.AdminDatabaseService // every database, and the quota pass
	SignIn    dbplane.SignInService        // accounts' passwords and set-password links
	Audit     dbplane.AuditService         // the audit log
	Drift     dbplane.DriftService         // drift findings and sweeps; nil: the routes answer 404
	// Idempotency keeps Idempotency-Key creates; nil ignores the header.
	Idempotency dbplane.IdempotencyService
}

// Options tune the handler.
type Options struct {
	// Logger receives one line per internal or unavailable error. Nil
	// discards them.
	Logger *slog.Logger
	// PublicURL is the scheme and host people reach the dashboard at
	// ("https://db.example.com"). When set, a set-password link's url is
	// absolute; otherwise it is a path to put after the dashboard's address.
	PublicURL string
}

type handler struct {
	keys      dbplane.KeyService
	hosts     dbplane.HostService
	accounts  dbplane.AccountService
	servers   dbplane.ServerService
	databases dbplane.AdminDatabaseService
	signIn    dbplane.SignInService
	audit     dbplane.AuditService
	drift     dbplane.DriftService
	logger    *slog.Logger
	publicURL string
	mux       *request.Mux
	idem      request.Idempotency
}

// NewHandler returns the handler for every path under /api/admin. Mount it
// at both "/api/admin" and "/api/admin/".
func NewHandler(s Services, opt Options) http.Handler {
	logger := opt.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	h := &handler{
		keys:      s.Keys,
		hosts:     s.Hosts,
		accounts:  s.Accounts,
		servers:   s.Servers,
		databases: s.Databases,
		signIn:    s.SignIn,
		audit:     s.Audit,
		drift:     s.Drift,
		logger:    logger,
		publicURL: strings.TrimRight(opt.PublicURL, "/"),
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

// require authenticates the request's key and checks that it holds perm
// before next runs. Only admin keys of admin accounts in good standing
// pass; a user key is 403, not 401, because it is a valid key.
func (h *handler) require(perm dbplane.Permission, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := request.Authenticate(r, h.keys)
		if err == nil {
			// An admin key outlives a demotion of its account; the key
			// stops working with it (dbplane.ErrNotAdmin).
			err = p.Operate(perm, dbplane.AdminKeysOnly)
		}
		if err != nil {
			h.writeError(w, r, err)
			return
		}
		next(w, r.WithContext(dbplane.WithPrincipal(r.Context(), p)))
	}
}

// notNull returns a 422 for a field that was given as null but cannot be.
func notNull(field string) error {
	return dbplane.FieldErrorf(field, "The %s field cannot be null.", field)
}

// required returns a 422 for a missing field.
func required(field string) error {
	return dbplane.FieldErrorf(field, "The %s field is required.", field)
}
