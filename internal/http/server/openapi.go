package server

import (
	"net/http"
	"strconv"

	"github.com/dbplane/dbplane/internal/http/request"
	"github.com/dbplane/dbplane/internal/http/response"
)

// handleOpenAPI answers GET /openapi.json with Options.OpenAPI as it was
// given: the server knows no surface, the composition root hands it the
// document.
func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		_ = response.JSON(w, http.StatusMethodNotAllowed, plainError{Error: "Method not allowed"})
		return
	}
	request.NoteRoute(r, "GET /openapi.json")
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(s.opt.OpenAPI)))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = w.Write(s.opt.OpenAPI)
	}
}
