// Package server runs dbplane's HTTP listener: it mounts each API surface
// under its prefix, and wraps them all in the shared middleware (request
// ids, access log, panic recovery) and timeouts. It knows no surface's
// routes or envelope; the composition root builds the surfaces and hands
// them over as http.Handlers.
package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/dbplane/dbplane"
)

// Handlers are the surfaces the server mounts. A nil handler's paths fall
// through to Web, or to a plain JSON 404 when Web is nil too.
type Handlers struct {
	DBAPI http.Handler // /api/v1/db and below (document 003)
	Admin http.Handler // /api/admin and below
	Ptero http.Handler // /api/application and /api/client and below (documents 000, 001)
	Web   http.Handler // every other path (the dashboard)
}

// Options configure a Server. Zero durations take the defaults below.
type Options struct {
	Addr     string // "host:port"; ":0" picks a free port
	Logger   *slog.Logger
	Handlers Handlers
	// Health, when set, is called by GET /healthz; an error makes it 503.
	Health func(ctx context.Context) error
	// Ready, when set, is called by GET /readyz: it returns the hosts found
	// down, or an error when the metadata store does not answer (503).
	Ready func(ctx context.Context) ([]dbplane.HostHealth, error)
	// Metrics, when set, answers GET /metrics. MetricsToken, when set, is
	// the bearer token it requires.
	Metrics      http.Handler
	MetricsToken string
	// OpenAPI, when set, is served as is at GET /openapi.json: the OpenAPI
	// document of every surface (docs.OpenAPI).
	OpenAPI []byte
	// Observe, when set, is called after every request with its surface
	// ("dbapi", "admin", "application", "client", "web", "health",
	// "metrics", "openapi"), the route pattern the surface matched ("" for none),
	// the status and how long it took.
	Observe func(surface, route string, status int, took time.Duration)
	// Audit, when set, is called after every request the audit log keeps
	// (a change, a sign-in, a read that reveals a password; see audited)
	// with what the log keeps of it. It must not block: it runs before
	// the request's access log line.
	Audit func(dbplane.AuditEntry)
	// TrustedProxies are the peers whose X-Forwarded-For and X-Request-Id
	// headers are believed. Empty: none are.
	TrustedProxies []netip.Prefix
	// TLS, when set, makes the listener HTTPS (see Certificate.TLSConfig).
	TLS *tls.Config

	ReadHeaderTimeout time.Duration // default 10s
	ReadTimeout       time.Duration // default 30s
	WriteTimeout      time.Duration // default 60s: a create waits on an engine
	IdleTimeout       time.Duration // default 120s
	ShutdownTimeout   time.Duration // default 15s, when Close's ctx has no deadline
}

// Defaults for Options' zero values.
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 30 * time.Second
	DefaultWriteTimeout      = 60 * time.Second
	DefaultIdleTimeout       = 120 * time.Second
	DefaultShutdownTimeout   = 15 * time.Second
)

// Server serves the HTTP surfaces on one listener.
type Server struct {
	opt     Options
	logger  *slog.Logger
	handler http.Handler
	srv     *http.Server

	mu      sync.Mutex
	ln      net.Listener
	serving chan struct{} // closed when Serve returns
}

// New returns a Server for opt. It does not listen: call Open.
func New(opt Options) *Server {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&opt.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	def(&opt.ReadTimeout, DefaultReadTimeout)
	def(&opt.WriteTimeout, DefaultWriteTimeout)
	def(&opt.IdleTimeout, DefaultIdleTimeout)
	def(&opt.ShutdownTimeout, DefaultShutdownTimeout)

	s := &Server{opt: opt, logger: opt.Logger}
	s.handler = s.middleware(http.HandlerFunc(s.route))
	s.srv = &http.Server{
		Addr:              opt.Addr,
		Handler:           s.handler,
		ReadHeaderTimeout: opt.ReadHeaderTimeout,
		ReadTimeout:       opt.ReadTimeout,
		WriteTimeout:      opt.WriteTimeout,
		IdleTimeout:       opt.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(opt.Logger.Handler(), slog.LevelWarn),
		TLSConfig:         opt.TLS,
	}
	return s
}

// Handler returns the server's whole handler, middleware included, for
// tests that do not need a listener.
func (s *Server) Handler() http.Handler { return s.handler }

// Open listens on Options.Addr and serves in the background until Close.
func (s *Server) Open() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return errors.New("server: already open")
	}
	ln, err := net.Listen("tcp", s.opt.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.opt.Addr, err)
	}
	s.ln = ln
	s.serving = make(chan struct{})
	go func() {
		defer close(s.serving)
		serve := s.srv.Serve
		if s.opt.TLS != nil {
			// The certificate comes from TLSConfig.GetCertificate.
			serve = func(ln net.Listener) error { return s.srv.ServeTLS(ln, "", "") }
		}
		if err := serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.logger.Error("http serve", slog.Any("err", err))
		}
	}()
	s.logger.Info("http listening", slog.String("addr", ln.Addr().String()))
	return nil
}

// URL returns the base URL the server listens on, such as
// "http://127.0.0.1:41234" ("https://..." with TLS), or "" before Open. An
// unspecified address (":0", "0.0.0.0", "[::]") reads as localhost.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return ""
	}
	scheme := "http://"
	if s.opt.TLS != nil {
		scheme = "https://"
	}
	ap, err := netip.ParseAddrPort(s.ln.Addr().String())
	if err != nil {
		return scheme + s.ln.Addr().String()
	}
	host := ap.Addr().Unmap().String()
	if ap.Addr().IsUnspecified() {
		host = "localhost"
	}
	return scheme + net.JoinHostPort(host, fmt.Sprint(ap.Port()))
}

// Close stops accepting connections and waits for in-flight requests to
// finish, until ctx is done or, when ctx has no deadline, for
// ShutdownTimeout. Requests still running then are cut off.
func (s *Server) Close(ctx context.Context) error {
	s.mu.Lock()
	serving := s.serving
	s.mu.Unlock()
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.opt.ShutdownTimeout)
		defer cancel()
	}
	err := s.srv.Shutdown(ctx)
	if err != nil {
		err = errors.Join(fmt.Errorf("shut down http server: %w", err), s.srv.Close())
	}
	if serving != nil {
		<-serving
	}
	return err
}
