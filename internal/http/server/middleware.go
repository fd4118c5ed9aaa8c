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
// trusted proxies, access log (with the metrics and the audit entry),
// panic recovery. The request id comes first because it asks whether the
// peer is a trusted proxy, before the client's address replaces the
// peer's. The first three run in one handler, so that a request is copied
// once, with the request id and the trail in its context together.
func (s *Server) middleware(next http.Handler) http.Handler {
	next = s.recover(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := s.requestID(r)
		// The key is in canonical form: Header.Set would check it, and
		// allocate the value's slice anyway.
		w.Header()[response.RequestIDHeader] = []string{id}
		st := &reqState{rec: recorder{ResponseWriter: w}}
		ctx := request.WithTrail(dbplane.WithRequestID(r.Context(), id), &st.trail)
		if ip, ok := s.realIP(r); ok {
			r = r.Clone(ctx)
			r.RemoteAddr = net.JoinHostPort(ip.String(), "0")
		} else {
			r = r.WithContext(ctx)
		}
		s.accessLog(st, r, next)
	})
}

// reqState is what the middleware keeps of one request, in one
// allocation: the response's status and size, and what the surface noted.
type reqState struct {
	rec   recorder
	trail request.Trail
}

// realIP returns the client's address from X-Forwarded-For when r's peer
// is a trusted proxy: the right-most address that is not one. ok is false
// when r.RemoteAddr stays as it is.
func (s *Server) realIP(r *http.Request) (ip netip.Addr, ok bool) {
	if len(s.opt.TrustedProxies) == 0 || !s.trusted(r) {
		return netip.Addr{}, false
	}
	return s.forwardedFor(r)
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

// requestID returns the id of r, for the context of logs and the
// X-Request-Id response header: a trusted proxy's id is kept, every other
// request gets a new one.
func (s *Server) requestID(r *http.Request) string {
	id := r.Header.Get(response.RequestIDHeader)
	if !validRequestID(id) || len(s.opt.TrustedProxies) == 0 || !s.trusted(r) {
		id = response.NewRequestID()
	}
	return id
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

// accessLog serves r with next and writes one line for it. It logs the
// path without the query string, and never a header or a body: keys
// travel in Authorization, and a query string may carry anything.
func (s *Server) accessLog(st *reqState, r *http.Request, next http.Handler) {
	start := time.Now()
	rec, trail := &st.rec, &st.trail
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
