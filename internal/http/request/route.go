package request

import (
	"context"
	"net/http"
)

type routeKey struct{}

// TrackRoute returns r with a place in its context where the surface that
// routes it records the route pattern it matched, and a function that
// reads it after the handler returns ("" when no surface recorded one).
// The server's metrics label requests by pattern, not by path, so ids do
// not make a label each.
func TrackRoute(r *http.Request) (*http.Request, func() string) {
	p := new(string)
	return r.WithContext(context.WithValue(r.Context(), routeKey{}, p)), func() string { return *p }
}

// NoteRoute records pattern as the route of r, for TrackRoute.
func NoteRoute(r *http.Request, pattern string) {
	if p, ok := r.Context().Value(routeKey{}).(*string); ok {
		*p = pattern
	}
}
