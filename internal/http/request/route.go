package request

import (
	"context"
	"net/http"
)

type routeKey struct{}

// Actor is who a request acts for, as the surface that authenticated it
// noted it for the audit log: the account and key of an API request, the
// account and session of a dashboard one, or only the email tried at a
// sign-in. Never a key or a password.
type Actor struct {
	AccountID string
	KeyID     string
	KeyPrefix string
	SessionID string
	Email     string
}

// Trail is what the surface that served a request tells the server's
// middleware about it after the handler returns: the route pattern it
// matched, who the request acted for, and whether it asked for a secret.
type Trail struct {
	Route  string
	Actor  Actor
	Reveal bool
	// Created is the id of what a create made, which is in its answer
	// rather than its path.
	Created string
}

// Track returns r with a Trail in its context for the surface that routes
// it to fill in, and that Trail, to read after the handler returns.
func Track(r *http.Request) (*http.Request, *Trail) {
	t := new(Trail)
	return r.WithContext(WithTrail(r.Context(), t)), t
}

// WithTrail returns ctx carrying t for the surface that routes a request
// to fill in: Track for a caller that copies the request itself, with
// other values in the same copy.
func WithTrail(ctx context.Context, t *Trail) context.Context {
	return context.WithValue(ctx, routeKey{}, t)
}

// TrackRoute is Track for a caller that needs only the route pattern ("" when
// no surface recorded one). The server's metrics label requests by
// pattern, not by path, so ids do not make a label each.
func TrackRoute(r *http.Request) (*http.Request, func() string) {
	r, t := Track(r)
	return r, func() string { return t.Route }
}

func trail(r *http.Request) *Trail {
	t, _ := r.Context().Value(routeKey{}).(*Trail)
	return t
}

// NoteRoute records pattern as the route of r, for Track.
func NoteRoute(r *http.Request, pattern string) {
	if t := trail(r); t != nil {
		t.Route = pattern
	}
}

// NoteActor records who r acts for, for the audit log.
func NoteActor(r *http.Request, a Actor) {
	if t := trail(r); t != nil {
		t.Actor = a
	}
}

// NoteCreated records the id of the resource r created, for the audit
// log.
func NoteCreated(r *http.Request, id string) {
	if t := trail(r); t != nil {
		t.Created = id
	}
}

// NoteReveal records that r asks for a password, so that the audit log
// keeps the read as it keeps a change.
func NoteReveal(r *http.Request) {
	if t := trail(r); t != nil {
		t.Reveal = true
	}
}

// Reveals wraps a route that hands out a password: it notes the reveal
// before next runs, so that a refused attempt is kept too.
func Reveals(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		NoteReveal(r)
		next(w, r)
	}
}
