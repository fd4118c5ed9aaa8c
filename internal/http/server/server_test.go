package server_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/server"
)

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newLogger(buf io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// named answers with its name and the request id it saw.
func named(name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, name+" "+dbplane.RequestID(r.Context())+" "+r.RemoteAddr)
	})
}

func serve(h http.Handler, method, target string, header map[string]string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestServer_Mount(t *testing.T) {
	t.Parallel()
	all := server.Handlers{DBAPI: named("dbapi"), Admin: named("admin"), Ptero: named("ptero"), Web: named("web")}
	apisOnly := server.Handlers{DBAPI: named("dbapi"), Admin: named("admin")}
	tests := []struct {
		name     string
		handlers server.Handlers
		path     string
		want     string // handler name, or the status for server answers
	}{
		{"DBAPI", all, "/api/v1/db/databases", "dbapi"},
		{"DBAPIRoot", all, "/api/v1/db", "dbapi"},
		{"DBAPIDirty", all, "/api/v1/db//databases", "dbapi"},
		{"DBAPIDotDot", all, "/api/v1/db/../admin/x", "dbapi"},
		{"DBAPIDoubleSlash", all, "//api/v1/db/databases", "dbapi"},
		{"Admin", all, "/api/admin/database-hosts", "admin"},
		{"AdminDoubleSlash", all, "//api/admin/keys", "admin"},
		{"AdminDotDot", all, "/x/../api/admin/keys", "admin"},
		{"AdminRoot", all, "/api/admin", "admin"},
		{"Application", all, "/api/application/servers", "ptero"},
		{"Client", all, "/api/client", "ptero"},
		{"NotAPrefix", all, "/api/v1/dbx", "web"},
		{"Web", all, "/", "web"},
		{"NoWeb", apisOnly, "/", "404"},
		{"NoPtero", apisOnly, "/api/client/servers", "404"},
		{"NoWebNotAPrefix", apisOnly, "/api/adminx", "404"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := server.New(server.Options{Handlers: tc.handlers}).Handler()
			r := httptest.NewRequest(http.MethodGet, "http://dbplane.test/", nil)
			r.URL.Path = tc.path // keep unclean paths as they are
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if tc.want == "404" {
				if w.Code != http.StatusNotFound || w.Body.String() != "{\"error\":\"Not found\"}\n" {
					t.Errorf("GET %s = %d %q, want the plain JSON 404", tc.path, w.Code, w.Body)
				}
				return
			}
			if got, _, _ := strings.Cut(w.Body.String(), " "); got != tc.want {
				t.Errorf("GET %s went to %q, want %q", tc.path, got, tc.want)
			}
		})
	}
}

func TestServer_Health(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	healthy := server.New(server.Options{}).Handler()
	w := serve(healthy, http.MethodGet, "/healthz", nil)
	if w.Code != http.StatusOK || w.Body.String() != "{\"status\":\"ok\"}\n" {
		t.Errorf("GET /healthz = %d %q, want 200 ok", w.Code, w.Body)
	}
	w = serve(healthy, http.MethodPost, "/healthz", nil)
	if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST /healthz = %d Allow %q, want 405 GET, HEAD", w.Code, w.Header().Get("Allow"))
	}
	sick := server.New(server.Options{Logger: newLogger(&logs), Health: func(context.Context) error {
		return errors.New("ping store: connection refused")
	}}).Handler()
	w = serve(sick, http.MethodGet, "/healthz", nil)
	if w.Code != http.StatusServiceUnavailable || strings.Contains(w.Body.String(), "refused") {
		t.Errorf("GET /healthz (sick) = %d %q, want 503 without the reason", w.Code, w.Body)
	}
	if !strings.Contains(logs.String(), "connection refused") {
		t.Errorf("log = %q, want the health check's reason", logs.String())
	}
}

func TestServer_Recover(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	h := server.New(server.Options{Logger: newLogger(&logs), Handlers: server.Handlers{
		DBAPI: http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
			panic("boom: dsn postgres://dbplane:hunter2@db/meta")
		}),
		Admin: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = io.WriteString(w, `{"data":`)
			panic("late boom")
		}),
	}}).Handler()

	w := serve(h, http.MethodGet, "/api/v1/db/databases", nil)
	if w.Code != http.StatusInternalServerError || w.Body.String() != "{\"error\":\"Internal error\"}\n" {
		t.Errorf("GET (panics) = %d %q, want 500 {\"error\":\"Internal error\"}", w.Code, w.Body)
	}
	id := w.Header().Get("X-Request-Id")
	for _, want := range []string{"msg=panic", "request_id=" + id, "status=500", "stack="} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log = %q, want it to contain %q", logs.String(), want)
		}
	}

	w = serve(h, http.MethodGet, "/api/admin/x", nil)
	if w.Body.String() != `{"data":` {
		t.Errorf("GET (panics after writing) body = %q, want only what the handler wrote", w.Body)
	}
}

func TestServer_RequestID(t *testing.T) {
	t.Parallel()
	h := server.New(server.Options{Handlers: server.Handlers{Web: named("web")}}).Handler()
	w := serve(h, http.MethodGet, "/", map[string]string{"X-Request-Id": "client-chosen"})
	id := w.Header().Get("X-Request-Id")
	if len(id) != 16 || id == "client-chosen" {
		t.Errorf("X-Request-Id = %q, want a fresh 16-character id (the peer is not trusted)", id)
	}
	if !strings.Contains(w.Body.String(), " "+id+" ") {
		t.Errorf("handler saw %q, want the request id %q in its context", w.Body, id)
	}

	trusting := server.New(server.Options{
		Handlers:       server.Handlers{Web: named("web")},
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")},
	}).Handler()
	r := httptest.NewRequest(http.MethodGet, "/", nil) // RemoteAddr 192.0.2.1:1234
	r.Header.Set("X-Request-Id", "proxy-id-1")
	r.Header.Set("X-Forwarded-For", "203.0.113.9, 198.51.100.7, 192.0.2.50")
	w = httptest.NewRecorder()
	trusting.ServeHTTP(w, r)
	if got := w.Header().Get("X-Request-Id"); got != "proxy-id-1" {
		t.Errorf("X-Request-Id from a trusted proxy = %q, want %q", got, "proxy-id-1")
	}
	if want := "web proxy-id-1 198.51.100.7:0"; w.Body.String() != want {
		t.Errorf("handler saw %q, want %q (right-most untrusted hop)", w.Body, want)
	}
}

func TestServer_AccessLog(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	h := server.New(server.Options{Logger: newLogger(&logs), Handlers: server.Handlers{Web: named("web")}}).Handler()
	r := httptest.NewRequest(http.MethodPost, "/some/path?token=query-secret", strings.NewReader("body-secret"))
	r.Header.Set("Authorization", "Bearer header-secret")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	got := logs.String()
	for _, want := range []string{"method=POST", "path=/some/path ", "status=200", "bytes=" + strconv.Itoa(w.Body.Len()) + " ", "took=", "remote_ip=192.0.2.1 ", "request_id=" + w.Header().Get("X-Request-Id")} {
		if !strings.Contains(got, want) {
			t.Errorf("access log = %q, want it to contain %q", got, want)
		}
	}
	for _, secret := range []string{"query-secret", "token=", "header-secret", "body-secret"} {
		if strings.Contains(got, secret) {
			t.Errorf("access log = %q, want no %q", got, secret)
		}
	}
}

func TestServer_OpenClose(t *testing.T) {
	t.Parallel()
	started, release := make(chan struct{}), make(chan struct{})
	s := server.New(server.Options{Addr: "127.0.0.1:0", Handlers: server.Handlers{
		Web: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			close(started)
			<-release
			_, _ = io.WriteString(w, "done")
		}),
	}})
	if s.URL() != "" {
		t.Errorf("URL() before Open = %q, want \"\"", s.URL())
	}
	if err := s.Open(); err != nil {
		t.Fatalf("Open() = %v", err)
	}
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") || strings.HasSuffix(s.URL(), ":0") {
		t.Errorf("URL() = %q, want http://127.0.0.1:<port>", s.URL())
	}
	resp, err := http.Get(s.URL() + "/healthz")
	if err != nil {
		t.Fatalf("GET /healthz: %v", err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz = %d, want 200", resp.StatusCode)
	}

	// Close waits for the request in flight.
	body := make(chan string, 1)
	go func() {
		resp, err := http.Get(s.URL() + "/slow")
		if err != nil {
			body <- "error: " + err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		body <- string(b)
	}()
	<-started
	closed := make(chan error, 1)
	go func() { closed <- s.Close(context.Background()) }()
	select {
	case err := <-closed:
		t.Fatalf("Close() = %v before the request in flight finished", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if err := <-closed; err != nil {
		t.Errorf("Close() = %v", err)
	}
	if got := <-body; got != "done" {
		t.Errorf("request in flight during Close got %q, want %q", got, "done")
	}
	if _, err := http.Get(s.URL() + "/healthz"); err == nil {
		t.Error("GET after Close succeeded, want a refused connection")
	}
}

func TestServer_Timeouts(t *testing.T) {
	t.Parallel()
	srv := server.New(server.Options{}).HTTPServer()
	if srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout <= 0 || srv.WriteTimeout <= 0 || srv.IdleTimeout <= 0 {
		t.Errorf("timeouts = header %v, read %v, write %v, idle %v; want all set",
			srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout)
	}
}

func TestServer_Ready(t *testing.T) {
	var logs bytes.Buffer
	since := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	ready := server.New(server.Options{Logger: newLogger(&logs), Ready: func(context.Context) ([]dbplane.HostHealth, error) {
		return []dbplane.HostHealth{{HostID: "h1", Name: "maria-1", Down: true, Problem: "The host cannot be reached", Since: since}}, nil
	}}).Handler()
	w := serve(ready, http.MethodGet, "/readyz", nil)
	want := `{"status":"ready","hostsDown":[{"id":"h1","name":"maria-1","problem":"The host cannot be reached","since":"2026-12-03T08:00:00.000Z"}]}`
	if w.Code != http.StatusOK || strings.TrimSpace(w.Body.String()) != want {
		t.Errorf("GET /readyz = %d %s, want 200 %s", w.Code, w.Body, want)
	}
	sick := server.New(server.Options{Logger: newLogger(&logs), Ready: func(context.Context) ([]dbplane.HostHealth, error) {
		return nil, errors.New("ping store: connection refused")
	}}).Handler()
	w = serve(sick, http.MethodGet, "/readyz", nil)
	if w.Code != http.StatusServiceUnavailable || strings.Contains(w.Body.String(), "refused") {
		t.Errorf("GET /readyz (store down) = %d %q, want 503 without the reason", w.Code, w.Body)
	}
}
