package ptero

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dbplane/dbplane"
)

// Pagination defaults (document 000: per_page 1–100, default 50).
const (
	defaultPerPage = 50
	maxPerPage     = 100
	maxPage        = 1 << 30 // keeps Page.Offset far from overflow
)

// listJSON is Fractal's collection document. Meta is absent where
// Pterodactyl does not paginate (the client API's database list).
type listJSON[T any] struct {
	Object string    `json:"object"`
	Data   []T       `json:"data"`
	Meta   *listMeta `json:"meta,omitempty"`
}

type listMeta struct {
	Pagination paginationJSON `json:"pagination"`
}

type paginationJSON struct {
	Total       int       `json:"total"`
	Count       int       `json:"count"`
	PerPage     int       `json:"per_page"`
	CurrentPage int       `json:"current_page"`
	TotalPages  int       `json:"total_pages"`
	Links       linksJSON `json:"links"` // {} on a single page, as Fractal sends it
}

type linksJSON struct {
	Previous string `json:"previous,omitempty"`
	Next     string `json:"next,omitempty"`
}

// resourceMeta is the meta of a created resource (document 000, create).
type resourceMeta struct {
	Resource string `json:"resource"`
}

// nullResource is what Fractal renders for an include the caller may not
// see.
type nullResource struct {
	Object     string    `json:"object"`
	Attributes *struct{} `json:"attributes"`
}

var nullRelationship = nullResource{Object: "null_resource"}

// passwordJSON is the password relationship (documents 000 and 001).
type passwordJSON struct {
	Object     string             `json:"object"`
	Attributes passwordAttributes `json:"attributes"`
}

type passwordAttributes struct {
	Password string `json:"password"`
}

func toPasswordJSON(s dbplane.Secret) passwordJSON {
	return passwordJSON{Object: "database_password", Attributes: passwordAttributes{Password: string(s)}}
}

// parsePage reads page and per_page. A per_page outside 1–100 (or not a
// number) is Pterodactyl's 400 QueryValueOutOfRangeHttpException; a page
// that is not a positive number is page 1, as Laravel's paginator does.
func parsePage(r *http.Request) (dbplane.Page, error) {
	q := r.URL.Query()
	p := dbplane.Page{Page: 1, PerPage: defaultPerPage}
	if v := strings.TrimSpace(q.Get("per_page")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPerPage {
			return p, &rangeError{name: "per_page", min: 1, max: maxPerPage}
		}
		p.PerPage = n
	}
	if n, err := strconv.Atoi(strings.TrimSpace(q.Get("page"))); err == nil && n > 1 {
		p.Page = min(n, maxPage)
	}
	return p, nil
}

// pagination builds the meta of one page, with links to its neighbours
// that keep the request's other query parameters.
func (h *handler) pagination(r *http.Request, p dbplane.Page, count, total int) *listMeta {
	pages := max(1, (total+p.PerPage-1)/p.PerPage)
	m := &listMeta{Pagination: paginationJSON{
		Total: total, Count: count, PerPage: p.PerPage, CurrentPage: p.Page, TotalPages: pages,
	}}
	link := func(page int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(page))
		u := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
		return h.baseURL(r) + u.String()
	}
	if p.Page > 1 {
		m.Pagination.Links.Previous = link(min(p.Page-1, pages))
	}
	if p.Page < pages {
		m.Pagination.Links.Next = link(p.Page + 1)
	}
	return m
}

// includes returns the relationships asked for with include=a,b (in any
// order, any case, repeated or URL-encoded), or PHP's array form
// include[]=a&include[]=b (include[0]=a too). Names a route does not know
// are ignored, as Fractal does.
func includes(r *http.Request) map[string]bool {
	set := map[string]bool{}
	var vals []string
	for key, v := range r.URL.Query() {
		if key == "include" || strings.HasPrefix(key, "include[") && strings.HasSuffix(key, "]") {
			vals = append(vals, v...)
		}
	}
	for _, v := range vals {
		for part := range strings.SplitSeq(v, ",") {
			if part = strings.ToLower(strings.TrimSpace(part)); part != "" {
				set[part] = true
			}
		}
	}
	return set
}

// timeFormat is Pterodactyl's ISO 8601 with an offset:
// 2024-01-01T00:00:00+00:00 (documents 000 and 001).
const timeFormat = "2006-01-02T15:04:05-07:00"

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }
