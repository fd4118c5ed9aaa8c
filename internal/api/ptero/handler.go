package ptero

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/request"
)

// Services are what the Pterodactyl surfaces call.
type Services struct {
	Keys      dbplane.KeyService
	Accounts  dbplane.AccountService // the users of the application API
	Servers   dbplane.ServerService
	Databases dbplane.ServerDatabaseService
	Hosts     dbplane.HostService
	// AdminDatabases lists a host's databases (include=databases on
	// Pelican's database hosts).
	AdminDatabases dbplane.AdminDatabaseService
	// Idempotency keeps Idempotency-Key creates; nil ignores the header.
	Idempotency dbplane.IdempotencyService
}

// Options tune the handler.
type Options struct {
	// Logger receives one line per internal or unavailable error. Nil
	// discards them.
	Logger *slog.Logger
	// HashSalt keys the client API's string database ids. Every replica of
	// a deployment must use the same salt, and changing it changes every
	// id clients have stored.
	HashSalt string
	// ApplicationRate and ClientRate are requests per minute per API key
	// (or per client address for requests without a valid key); 0 means no
	// limit. The deployment's defaults live in internal/config.
	ApplicationRate, ClientRate int
	// ServerCreateRate is how many databases one server may create a
	// minute over the client API (the panel's per-server create
	// throttle); 0 means no such limit. Over it, a create is 429.
	ServerCreateRate int
	// Now is the clock of the rate limiters; nil means time.Now.
	Now func() time.Time
	// PublicURL is the scheme and host clients reach the panel at
	// ("https://panel.example.com"), for meta.resource and pagination
	// links. "" takes them from each request.
	PublicURL string
}

type handler struct {
	keys      dbplane.KeyService
	accounts  dbplane.AccountService
	servers   dbplane.ServerService
	databases dbplane.ServerDatabaseService
	hosts     dbplane.HostService
	// adminDatabases lists databases by host.
	adminDatabases dbplane.AdminDatabaseService
	logger         *slog.Logger
	hashIDs        *hashIDs
	appLimit       *request.RateLimiter
	userLimit      *request.RateLimiter
	// createLimit counts client creates per server; nil when off.
	createLimit *request.RateLimiter
	publicURL   string
	mux         *request.Mux
	idem        request.Idempotency
	external    *request.Mux // GET /api/application/servers/external/{external_id} (routes.go)
}

// NewHandler returns the handler for every path under /api/application
// (document 000) and /api/client (document 001).
func NewHandler(s Services, opt Options) http.Handler {
	logger := opt.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	appRate, clientRate := opt.ApplicationRate, opt.ClientRate
	h := &handler{
		keys:           s.Keys,
		accounts:       s.Accounts,
		servers:        s.Servers,
		databases:      s.Databases,
		hosts:          s.Hosts,
		adminDatabases: s.AdminDatabases,
		logger:         logger,
		hashIDs:        newHashIDs(opt.HashSalt),
		appLimit:       request.NewRateLimiter(appRate, now),
		userLimit:      request.NewRateLimiter(clientRate, now),
		publicURL:      strings.TrimRight(opt.PublicURL, "/"),
	}
	if opt.ServerCreateRate > 0 {
		h.createLimit = request.NewRateLimiter(opt.ServerCreateRate, now)
	}
	h.idem = request.Idempotency{Service: s.Idempotency, WriteError: h.writeError, Logger: logger}
	h.mux = request.NewMux(h.handleNotFound, h.handleMethodNotAllowed)
	h.external = request.NewMux(h.handleNotFound, h.handleMethodNotAllowed)
	h.routes()
	return h
}

// ServeHTTP routes r; every answer, 404 and 405 included, is in this
// surface's shape. A trailing slash matches the route without it, as
// Laravel's router does (SPEC §4.3).
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p := r.URL.Path; len(p) > 1 && strings.HasSuffix(p, "/") {
		if trimmed := strings.TrimRight(p, "/"); trimmed != "" {
			u := *r.URL
			u.Path, u.RawPath = trimmed, ""
			r2 := *r
			r2.URL = &u
			r = &r2
		}
	}
	if revealsPassword(r) {
		request.NoteReveal(r)
	}
	if h.external.Routes(r) {
		h.external.ServeHTTP(w, r)
		return
	}
	h.mux.ServeHTTP(w, r)
}

// revealsPassword reports whether r asks for database passwords
// (include=password, or databases.password on a server), for the audit
// log: such a read is kept whether or not it succeeds.
func revealsPassword(r *http.Request) bool {
	if !strings.Contains(r.URL.RawQuery, "password") {
		return false
	}
	inc := includes(r)
	return inc["password"] || inc["databases.password"]
}

// limiterFor returns the limiter of the API r is addressed to.
func (h *handler) limiterFor(r *http.Request) *request.RateLimiter {
	if p := r.URL.Path; p == "/api/client" || strings.HasPrefix(p, "/api/client/") {
		return h.userLimit
	}
	return h.appLimit
}

// limit counts r against bucket and sets the rate-limit headers. It writes
// the 429 and returns false when the bucket is exhausted.
func (h *handler) limit(w http.ResponseWriter, r *http.Request, bucket string) bool {
	if !h.limiterFor(r).Limit(w, bucket) {
		h.writeError(w, r, errRateLimited)
		return false
	}
	return true
}

// limitAnonymous counts a request that carries no valid key against its
// client address.
func (h *handler) limitAnonymous(w http.ResponseWriter, r *http.Request) bool {
	return h.limit(w, r, "ip:"+request.ClientIP(r))
}

// authenticate checks the request's key, counts the request against it and
// returns the principal. On failure it has written the response.
func (h *handler) authenticate(w http.ResponseWriter, r *http.Request) (*dbplane.Principal, bool) {
	p, err := request.Authenticate(r, h.keys)
	if err != nil {
		if h.limitAnonymous(w, r) {
			h.writeError(w, r, err)
		}
		return nil, false
	}
	if !h.limit(w, r, "key:"+p.Key.ID) {
		return nil, false
	}
	return p, true
}

// application guards an application API route: an admin key of an admin
// account that holds perm, or a user key of an admin account (Pterodactyl
// lets a root admin's account key in, SPEC §4.3). The rule is the
// domain's (dbplane.Principal.Operate).
func (h *handler) application(perm dbplane.Permission, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, ok := h.authenticate(w, r)
		if !ok {
			return
		}
		if err := p.Operate(perm, dbplane.AdminKeysAndRootUserKeys); err != nil {
			h.writeError(w, r, err)
			return
		}
		next(w, r.WithContext(dbplane.WithPrincipal(r.Context(), p)))
	}
}

// client guards a client API route: a user key. What the key's account
// may do on a server is checked per route (clientServer).
func (h *handler) client(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, ok := h.authenticate(w, r)
		if !ok {
			return
		}
		if err := request.Admit(p, dbplane.KeyUser); err != nil {
			h.writeError(w, r, err)
			return
		}
		next(w, r.WithContext(dbplane.WithPrincipal(r.Context(), p)))
	}
}

// baseURL is the scheme and host links point at.
func (h *handler) baseURL(r *http.Request) string {
	if h.publicURL != "" {
		return h.publicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
