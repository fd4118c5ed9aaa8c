package admin

import (
	"net/http"
	"strconv"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/response"
)

// Pagination of the admin lists that can grow large (servers, databases).
const (
	defaultPerPage = 50
	maxPerPage     = 100
)

// metaJSON describes the page a list response holds.
type metaJSON struct {
	Page    int `json:"page"`
	PerPage int `json:"perPage"`
	Total   int `json:"total"`
}

// listBody is a paginated success: {"data": [...], "meta": {...}}.
type listBody struct {
	Data any      `json:"data"`
	Meta metaJSON `json:"meta"`
}

// parsePage reads ?page= (from 1, default 1) and ?perPage= (1–100, default
// 50). A value that is not a whole number in range is a 422 naming it.
func parsePage(r *http.Request) (dbplane.Page, error) {
	p := dbplane.Page{Page: 1, PerPage: defaultPerPage}
	q := r.URL.Query()
	if s := q.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return p, dbplane.FieldErrorf("page", "The page must be a whole number of 1 or more.")
		}
		p.Page = n
	}
	if s := q.Get("perPage"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxPerPage {
			return p, dbplane.FieldErrorf("perPage", "The perPage must be a whole number from 1 to %d.", maxPerPage)
		}
		p.PerPage = n
	}
	return p, nil
}

// writeList writes one page of a list with its meta.
func (h *handler) writeList(w http.ResponseWriter, r *http.Request, data any, p dbplane.Page, total int) {
	if err := response.JSON(w, http.StatusOK, listBody{Data: data, Meta: metaJSON{Page: p.Page, PerPage: p.PerPage, Total: total}}); err != nil {
		h.logWriteError(r, err)
	}
}
