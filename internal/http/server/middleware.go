package server

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strings"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/request"
	"github.com/dbplane/dbplane/internal/http/response"
)

// middleware wraps next, outermost first: request id, client address from
// trusted proxies, access log, panic recovery. The request id comes first
// because it asks whether the peer is a trusted proxy, before realIP
// replaces the peer's address with the client's.
func (s *Server) middleware(next http.Handler) http.Handler {
	return s.requestID(s.realIP(s.accessLog(s.recover(next))))
}

// realIP rewrites r.RemoteAddr from X-Forwarded-For when the peer is a
// trusted proxy: the client is the right-most address that is not one.
func (s *Server) realIP(next http.Handler) http.Handler {
	if len(s.opt.TrustedProxies) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.trusted(r) {
			if ip, ok := s.forwardedFor(r); ok {
				r2 := r.Clone(r.Context())
				r2.RemoteAddr = net.JoinHostPort(ip.String(), "0")
				r = r2
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) forwardedFor(r *http.Request) (netip.Addr, bool) {
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		ip, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return netip.Addr{}, false
		}
		ip = ip.Unmap()
		if !s.trustedAddr(ip) || i == 0 {
			return ip, true
		}
	}
	return netip.Addr{}, false
}

// trusted reports whether r's peer is a trusted proxy.
func (s *Server) trusted(r *http.Request) bool {
	ip, err := netip.ParseAddr(request.ClientIP(r))
	return err == nil && s.trustedAddr(ip.Unmap())
}

func (s *Server) trustedAddr(ip netip.Addr) bool {
	for _, p := range s.opt.TrustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// requestID gives every request an id, in the context for logs and in the
// X-Request-Id response header. A trusted proxy's id is kept.
func (s *Server) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(response.RequestIDHeader)
		if !validRequestID(id) || len(s.opt.TrustedProxies) == 0 || !s.trusted(r) {
			id = response.NewRequestID()
		}
		w.Header().Set(response.RequestIDHeader, id)
		next.ServeHTTP(w, r.WithContext(dbplane.WithRequestID(r.Context(), id)))
	})
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range []byte(id) {
		ok := c == '-' || c == '_' || c == '.' ||
			('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
		if !ok {
			return false
		}
	}
	return true
}

// accessLog writes one line per request. It logs the path without the
// query string, and never a header or a body: keys travel in
// Authorization, and a query string may carry anything.
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w}
		r, trail := request.Track(r)
		defer func() {
			level := slog.LevelInfo
			if p := r.URL.Path; p == "/healthz" || p == "/readyz" || p == "/metrics" {
				level = slog.LevelDebug
			}
			status := rec.status
			if status == 0 {
				status = http.StatusOK // nothing written: net/http sends 200
			}
			surface := surfaceOf(ownerPath(r.URL.Path))
			if s.opt.Observe != nil {
				s.opt.Observe(surface, trail.Route, status, time.Since(start))
			}
			if s.opt.Audit != nil && audited(r, surface, trail) {
				s.opt.Audit(auditEntry(r, surface, trail, status))
			}
			// Below the logger's level nothing is built: the attrs cost an
			// allocation and a few lookups per request.
			if !s.logger.Enabled(r.Context(), level) {
				return
			}
			s.logger.LogAttrs(r.Context(), level, "http request",
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.Int("status", status),
				slog.Int64("bytes", rec.bytes),
				slog.Duration("took", time.Since(start)),
				slog.String("remote_ip", request.ClientIP(r)),
				slog.String("request_id", response.RequestID(r)),
			)
		}()
		next.ServeHTTP(rec, r)
	})
}

// recover turns a panic into a 500 with the surface-neutral body, and logs
// it with its stack. http.ErrAbortHandler passes through, as net/http
// expects.
func (s *Server) recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.logger.LogAttrs(r.Context(), slog.LevelError, "panic",
				slog.String("request_id", response.RequestID(r)),
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.String("panic", fmt.Sprint(v)),
				slog.String("stack", string(debug.Stack())),
			)
			if rec, ok := w.(*recorder); ok && rec.status != 0 {
				return // headers are out; the client gets a cut-off body
			}
			_ = response.JSON(w, http.StatusInternalServerError, plainError{Error: "Internal error"})
		}()
		next.ServeHTTP(w, r)
	})
}

// recorder notes the status and size of a response.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (rw *recorder) WriteHeader(code int) {
	if rw.status == 0 && (code < 100 || code > 199 || code == http.StatusSwitchingProtocols) {
		rw.status = code
	}
	rw.ResponseWriter.WriteHeader(code)
}

func (rw *recorder) Write(b []byte) (int, error) {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	n, err := rw.ResponseWriter.Write(b)
	rw.bytes += int64(n)
	return n, err
}

// Flush passes through, for handlers that stream.
func (rw *recorder) Flush() {
	if f, ok := rw.ResponseWriter.(http.Flusher); ok {
		if rw.status == 0 {
			rw.status = http.StatusOK
		}
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (rw *recorder) Unwrap() http.ResponseWriter { return rw.ResponseWriter }
