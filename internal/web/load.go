package web

import (
	"context"
	"net/http"
)

// loadByID loads the record the path's {id} names with load. On an error
// (not found, not allowed, the store down) it has written the error page
// and returns false: the handler returns.
func loadByID[T any](h *handler, w http.ResponseWriter, r *http.Request, load func(context.Context, string) (T, error)) (T, bool) {
	v, err := load(r.Context(), r.PathValue("id"))
	if err != nil {
		h.serviceError(w, r, err)
		var zero T
		return zero, false
	}
	return v, true
}
