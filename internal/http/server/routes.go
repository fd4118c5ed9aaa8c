package server

import (
	"crypto/subtle"
	"log/slog"
	"net/http"
	"path"
	"strings"

	"github.com/dbplane/dbplane/internal/http/request"
	"github.com/dbplane/dbplane/internal/http/response"
)

// route sends a request to the surface that owns its path. It matches
// prefixes itself rather than through ServeMux, which would answer
// "/api/v1/db" and unclean paths with an HTML redirect instead of letting
// the surface answer in its own envelope. A path no surface owns as sent
// is tried cleaned, so "//api/admin/keys" goes to the admin API, which
// answers an unclean path with its own 404 (ownerPath).
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	p := ownerPath(r.URL.Path)
	h := s.opt.Handlers
	switch {
	case p == "/healthz":
		s.handleHealth(w, r)
	case p == "/readyz":
		s.handleReady(w, r)
	case p == "/metrics" && s.opt.Metrics != nil:
		s.handleMetrics(w, r)
	case p == "/openapi.json" && s.opt.OpenAPI != nil:
		s.handleOpenAPI(w, r)
	case under(p, "/api/v1/db") && h.DBAPI != nil:
		h.DBAPI.ServeHTTP(w, r)
	case under(p, "/api/admin") && h.Admin != nil:
		h.Admin.ServeHTTP(w, r)
	case (under(p, "/api/application") || under(p, "/api/client")) && h.Ptero != nil:
		h.Ptero.ServeHTTP(w, r)
	case h.Web != nil:
		h.Web.ServeHTTP(w, r)
	default:
		_ = response.JSON(w, http.StatusNotFound, plainError{Error: "Not found"})
	}
}

// ownerPath is the path that decides which surface serves p: p itself
// when it is under a surface's prefix as sent ("/api/v1/db/../admin/x" is
// the management API's to refuse), else p cleaned ("//api/admin/keys" is
// the admin API's, not the dashboard's).
func ownerPath(p string) string {
	if surfaceOf(p) == "web" {
		return cleanPath(p)
	}
	return p
}

// surfaceOf names the surface that serves path as sent, for metrics.
func surfaceOf(p string) string {
	switch {
	case p == "/healthz", p == "/readyz":
		return "health"
	case p == "/metrics":
		return "metrics"
	case p == "/openapi.json":
		return "openapi"
	case under(p, "/api/v1/db"):
		return "dbapi"
	case under(p, "/api/admin"):
		return "admin"
	case under(p, "/api/application"):
		return "application"
	case under(p, "/api/client"):
		return "client"
	}
	return "web"
}

// handleMetrics serves /metrics, behind MetricsToken when it is set.
func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) {
	if tok := s.opt.MetricsToken; tok != "" {
		got := request.BearerKey(r)
		if subtle.ConstantTimeCompare([]byte(got), []byte(tok)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			_ = response.JSON(w, http.StatusUnauthorized, plainError{Error: "Missing or wrong metrics token"})
			return
		}
	}
	request.NoteRoute(r, "GET /metrics")
	s.opt.Metrics.ServeHTTP(w, r)
}

// cleanPath is p with doubled slashes and dot segments resolved, for
// choosing the surface; the surface itself still sees the path as sent.
func cleanPath(p string) string {
	if p == "" || p[0] != '/' {
		p = "/" + p
	}
	return path.Clean(p)
}

// under reports whether path is prefix or below it.
func under(path, prefix string) bool {
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

// plainError is the surface-neutral error body, for paths no surface owns.
type plainError struct {
	Error string `json:"error"`
}

type healthJSON struct {
	Status string `json:"status"`
}

// handleHealth answers GET /healthz: 200 when Options.Health is nil or
// passes, 503 otherwise. The reason goes to the log only.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		_ = response.JSON(w, http.StatusMethodNotAllowed, plainError{Error: "Method not allowed"})
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	if s.opt.Health != nil {
		if err := s.opt.Health(r.Context()); err != nil {
			s.logger.LogAttrs(r.Context(), slog.LevelWarn, "health check failed",
				slog.String("request_id", response.RequestID(r)), slog.Any("err", err))
			_ = response.JSON(w, http.StatusServiceUnavailable, healthJSON{Status: "unavailable"})
			return
		}
	}
	_ = response.JSON(w, http.StatusOK, healthJSON{Status: "ok"})
}

type readyJSON struct {
	Status    string         `json:"status"`
	HostsDown []hostDownJSON `json:"hostsDown"`
}

type hostDownJSON struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Problem string `json:"problem"`
	Since   string `json:"since"`
}

// handleReady answers GET /readyz: 200 with the hosts this replica last
// found down (which fail only the requests that need them), 503 when the
// metadata store does not answer. Without Options.Ready it is /healthz.
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	if s.opt.Ready == nil {
		s.handleHealth(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		_ = response.JSON(w, http.StatusMethodNotAllowed, plainError{Error: "Method not allowed"})
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	down, err := s.opt.Ready(r.Context())
	if err != nil {
		s.logger.LogAttrs(r.Context(), slog.LevelWarn, "readiness check failed",
			slog.String("request_id", response.RequestID(r)), slog.Any("err", err))
		_ = response.JSON(w, http.StatusServiceUnavailable, readyJSON{Status: "store unavailable", HostsDown: []hostDownJSON{}})
		return
	}
	body := readyJSON{Status: "ready", HostsDown: make([]hostDownJSON, 0, len(down))}
	for _, h := range down {
		body.HostsDown = append(body.HostsDown, hostDownJSON{ID: h.HostID, Name: h.Name, Problem: h.Problem, Since: response.Time(h.Since)})
	}
	_ = response.JSON(w, http.StatusOK, body)
}
