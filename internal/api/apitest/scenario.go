package apitest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/api/openapitest"
)

// Scenario is one request against a surface's handler and what must come
// back. M is the surface's set of mocks.
//
// The body is compared with testdata/<test>/<name>.golden, indented for
// reading; go test -update rewrites it. A 204 must have no body.
type Scenario[M any] struct {
	Name        string
	Method      string
	Path        string
	Header      map[string]string
	Body        string
	Setup       func(t *testing.T, m M) // changes the mocks before the request
	WantStatus  int
	WantHeader  map[string]string
	WantCalls   []string // the changing service calls Surface.Calls reports, in order; nil = none
	WantLog     []string // substrings the log must hold
	NotContains []string // substrings neither the body nor the log may hold
	NotInBody   []string // substrings the body may not hold (causes that belong in the log)
}

// Surface is what Run needs to know about one API surface.
type Surface[M any] struct {
	// URL is the scheme and host request paths are joined to.
	URL string
	// RequestID is put in every request's context.
	RequestID string
	// Mocks returns fresh mocks for one scenario.
	Mocks func() M
	// Handler returns the surface's handler on m, logging at debug level
	// and above to logs.
	Handler func(m M, logs io.Writer) http.Handler
	// Shape checks the envelope of every body but a 204's.
	Shape func(t *testing.T, status int, body []byte)
	// Calls, if set, returns the changing service calls m recorded; they
	// are compared with WantCalls.
	Calls func(m M) []string
	// Check, if set, asserts what holds for every response of the surface,
	// whatever the scenario.
	Check func(t *testing.T, sc Scenario[M], w *httptest.ResponseRecorder, logs string)
	// OpenAPI, when true, checks every response against docs/openapi.json
	// (openapitest.Check): a status, header or field the document does not
	// describe fails the scenario.
	OpenAPI bool
}

// Request returns a request for path on the surface, carrying the request
// id, body (none when "") and header.
func (s Surface[M]) Request(method, path, body string, header map[string]string) *http.Request {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r := httptest.NewRequest(method, s.URL+path, rd)
	r = r.WithContext(dbplane.WithRequestID(r.Context(), s.RequestID))
	for k, v := range header {
		r.Header.Set(k, v)
	}
	return r
}

// Run runs each scenario as a parallel subtest, on fresh mocks.
func (s Surface[M]) Run(t *testing.T, scenarios []Scenario[M]) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			m := s.Mocks()
			if sc.Setup != nil {
				sc.Setup(t, m)
			}
			var logs bytes.Buffer
			w := httptest.NewRecorder()
			r := s.Request(sc.Method, sc.Path, sc.Body, sc.Header)
			s.Handler(m, &logs).ServeHTTP(w, r)
			s.check(t, sc, m, w, logs.String())
			if s.OpenAPI {
				openapitest.Check(t, r, w.Code, w.Header(), w.Body.Bytes())
				if w.Code < 300 {
					openapitest.CheckAccepted(t, s.Request(sc.Method, sc.Path, sc.Body, sc.Header))
				}
			}
		})
	}
}

func (s Surface[M]) check(t *testing.T, sc Scenario[M], m M, w *httptest.ResponseRecorder, logs string) {
	t.Helper()
	if w.Code != sc.WantStatus {
		t.Errorf("%s %s status = %d, want %d; body: %s", sc.Method, sc.Path, w.Code, sc.WantStatus, w.Body)
	}
	for k, want := range sc.WantHeader {
		if got := w.Header().Get(k); got != want {
			t.Errorf("%s %s header %s = %q, want %q", sc.Method, sc.Path, k, got, want)
		}
	}
	if s.Calls != nil {
		if got := s.Calls(m); !slices.Equal(got, sc.WantCalls) {
			t.Errorf("%s %s service calls = %q, want %q", sc.Method, sc.Path, got, sc.WantCalls)
		}
	}
	if w.Code == http.StatusNoContent {
		if w.Body.Len() != 0 {
			t.Errorf("%s %s = 204 with body %q, want none", sc.Method, sc.Path, w.Body)
		}
	} else {
		if got := w.Header().Get("Content-Type"); got != "application/json" {
			t.Errorf("%s %s Content-Type = %q, want application/json", sc.Method, sc.Path, got)
		}
		s.Shape(t, w.Code, w.Body.Bytes())
		Golden(t, w.Body.Bytes())
	}
	body := w.Body.String()
	for _, x := range sc.NotContains {
		if strings.Contains(body, x) {
			t.Errorf("%s %s body contains %q: %s", sc.Method, sc.Path, x, body)
		}
		if strings.Contains(logs, x) {
			t.Errorf("%s %s log contains %q: %s", sc.Method, sc.Path, x, logs)
		}
	}
	for _, x := range sc.NotInBody {
		if strings.Contains(body, x) {
			t.Errorf("%s %s body contains %q: %s", sc.Method, sc.Path, x, body)
		}
	}
	for _, x := range sc.WantLog {
		if !strings.Contains(logs, x) {
			t.Errorf("%s %s log = %q, want it to contain %q", sc.Method, sc.Path, logs, x)
		}
	}
	if s.Check != nil {
		s.Check(t, sc, w, logs)
	}
}
