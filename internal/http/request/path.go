package request

import (
	"net/http"
	"path"
)

// Canonical reports whether r's path is in the form http.ServeMux routes
// without redirecting: not empty, cleaned, with a trailing slash kept. A
// surface answers any other path with its own 404, since left to itself
// ServeMux would redirect it with an HTML body.
func Canonical(r *http.Request) bool {
	p := r.URL.Path
	return p != "" && cleanPath(p) == p
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
