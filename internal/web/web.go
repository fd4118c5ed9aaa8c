// Package web is dbplane's dashboard (SPEC §9): server-rendered pages for
// tenants and operators, from html/template and embed.FS with a little
// plain JavaScript and no build step. It calls the same dbplane services
// as the APIs, so every quota, status and permission rule is the one the
// APIs enforce; handlers only translate forms into service calls and
// errors into pages.
//
// Requests are guarded in layers: http.CrossOriginProtection refuses
// cross-site unsafe requests, every POST form carries a per-session token,
// pages send a strict Content-Security-Policy (no inline script), and
// sessions live in an HttpOnly, SameSite=Lax cookie whose token the store
// keeps only as a hash.
package web

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/request"
)

// Services are what the dashboard calls.
type Services struct {
	SignIn          dbplane.SignInService
	Accounts        dbplane.AccountService
	Keys            dbplane.KeyService
	Databases       dbplane.DatabaseService
	Hosts           dbplane.HostService
	Servers         dbplane.ServerService
	ServerDatabases dbplane.ServerDatabaseService
	AdminDatabases  dbplane.AdminDatabaseService
	Audit           dbplane.AuditService // nil: the audit page says there is none
}

// Options tune the dashboard.
type Options struct {
	Logger *slog.Logger
	// UpgradeURL and UpgradeText tell a tenant out of room where to get
	// more (the operator's shop or support page).
	UpgradeURL  string
	UpgradeText string
	// Secure marks cookies Secure and names the session cookie with the
	// __Host- prefix. Set it when the dashboard is served over HTTPS.
	Secure bool
	// PublicURL is the scheme and host people reach the dashboard at
	// ("https://db.example.com"), for the set-password links it makes;
	// "" takes them from each request.
	PublicURL string
	// SignInRate is how many sign-in attempts a minute are allowed per
	// client address and per email; default 10.
	SignInRate int
	// Now is the clock; default time.Now.
	Now func() time.Time
}

type handler struct {
	svc  Services
	opt  Options
	log  *slog.Logger
	mux  *http.ServeMux
	tmpl *templates
	// signInIP and signInEmail limit sign-in attempts per client address
	// and per email.
	signInIP, signInEmail *request.RateLimiter
	cookieName            string
	root                  http.Handler
}

// NewHandler returns the dashboard: every path the API surfaces do not
// claim.
func NewHandler(s Services, opt Options) http.Handler {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.SignInRate <= 0 {
		opt.SignInRate = 10
	}
	h := &handler{
		svc:         s,
		opt:         opt,
		log:         opt.Logger,
		mux:         http.NewServeMux(),
		tmpl:        mustParseTemplates(),
		signInIP:    request.NewRateLimiter(opt.SignInRate, opt.Now),
		signInEmail: request.NewRateLimiter(opt.SignInRate, opt.Now),
		cookieName:  "dbplane_session",
	}
	if opt.Secure {
		h.cookieName = "__Host-dbplane_session"
	}
	h.routes()
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(h.crossOriginDenied))
	h.root = securityHeaders(cop.Handler(noteRoute(h.mux)))
	return h
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.root.ServeHTTP(w, r)
}

// noteRoute records the pattern of the page a request reaches, for the
// server's metrics.
func noteRoute(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, p := mux.Handler(r); p != "" {
			request.NoteRoute(r, p)
		}
		mux.ServeHTTP(w, r)
	})
}

// securityHeaders sets what every dashboard response carries: no inline
// script, no framing, no sniffing, no referrer to other sites.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}
