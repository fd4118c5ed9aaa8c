package request

import (
	"net/http"
	"path"
	"strings"
)

// Mux routes the requests of one API surface with an http.ServeMux, and
// lets the surface answer in its own shape where ServeMux would answer for
// it in plain text or HTML: a path it does not route (404), a method a
// path does not take (405 with an Allow header), and a path that is not in
// canonical form, which ServeMux would redirect (404).
type Mux struct {
	mux              *http.ServeMux
	allow            map[string][]string // path pattern -> methods, for 405
	notFound         http.HandlerFunc
	methodNotAllowed func(w http.ResponseWriter, r *http.Request, allow string)
}

// NewMux returns a Mux that answers with notFound and methodNotAllowed;
// allow is the value of the Allow header methodNotAllowed must set.
func NewMux(notFound http.HandlerFunc, methodNotAllowed func(w http.ResponseWriter, r *http.Request, allow string)) *Mux {
	return &Mux{mux: http.NewServeMux(), allow: map[string][]string{}, notFound: notFound, methodNotAllowed: methodNotAllowed}
}

// Handle registers "METHOD /path" and remembers the method for the path's
// Allow header. A GET route also answers HEAD, as ServeMux does.
func (m *Mux) Handle(pattern string, fn http.HandlerFunc) {
	method, p, _ := strings.Cut(pattern, " ")
	m.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		NoteRoute(r, pattern)
		fn(w, r)
	})
	if method == http.MethodGet {
		m.allow[p] = append(m.allow[p], http.MethodGet, http.MethodHead)
		return
	}
	m.allow[p] = append(m.allow[p], method)
}

// Fallback makes every path given to Handle answer its other methods with
// methodNotAllowed, and the patterns (such as "/api/v1/db/") answer with
// notFound. Call it once, after the last Handle.
func (m *Mux) Fallback(patterns ...string) {
	for p, methods := range m.allow {
		allow := strings.Join(methods, ", ")
		m.mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			m.methodNotAllowed(w, r, allow)
		})
	}
	for _, p := range patterns {
		m.mux.HandleFunc(p, m.notFound)
	}
}

// Routes reports whether r's path is in canonical form and one of m's
// patterns matches it (for any method): a surface with two muxes asks the
// first before handing r to the second.
func (m *Mux) Routes(r *http.Request) bool {
	if p := r.URL.Path; p == "" || cleanPath(p) != p {
		return false
	}
	_, pattern := m.mux.Handler(r)
	return pattern != ""
}

// ServeHTTP answers a path that is not in canonical form, or that no
// pattern matches as ServeMux reads it (an encoded slash, %2F, is not a
// separator to ServeMux, so "/api%2Fadmin" matches nothing), with
// notFound, and routes every other request.
func (m *Mux) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p := r.URL.Path; p == "" || cleanPath(p) != p {
		m.notFound(w, r)
		return
	}
	if _, pattern := m.mux.Handler(r); pattern == "" {
		m.notFound(w, r)
		return
	}
	m.mux.ServeHTTP(w, r)
}

// cleanPath is ServeMux's notion of a canonical path: path.Clean that keeps
// a trailing slash.
func cleanPath(p string) string {
	if p == "" || p[0] != '/' {
		p = "/" + p
	}
	np := path.Clean(p)
	if p[len(p)-1] == '/' && np != "/" {
		np += "/"
	}
	return np
}
