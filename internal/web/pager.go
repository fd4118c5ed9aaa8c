package web

import (
	"net/http"
	"strconv"

	"github.com/dbplane/dbplane"
)

// pageSize is how many rows a list page shows.
const pageSize = 50

// pager is one page of a list.
type pager struct {
	Page, Pages, Total int
	Prev, Next         int // 0 when there is none
	Base               string
}

func newPager(r *http.Request, total int) pager {
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	pages := max(1, (total+pageSize-1)/pageSize)
	page = min(max(page, 1), pages)
	p := pager{Page: page, Pages: pages, Total: total, Base: r.URL.Path}
	if page > 1 {
		p.Prev = page - 1
	}
	if page < pages {
		p.Next = page + 1
	}
	return p
}

// bounds returns the slice bounds of the page in a list of Total items.
func (p pager) bounds() (int, int) {
	lo := (p.Page - 1) * pageSize
	return lo, min(lo+pageSize, p.Total)
}

// fetchPage fetches with list the page ?page= asks for and its pager;
// past the end it fetches the last page, which the pager then shows.
// maxPage is the highest page fetchPage asks for: far past any list's
// end, and far from overflowing an offset.
const maxPage = 1 << 30

func fetchPage[T any](r *http.Request, list func(dbplane.Page) ([]T, int, error)) ([]T, pager, error) {
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	// Capped, as the Pterodactyl API caps it, so that no ?page= makes an
	// offset that overflows (PostgreSQL refuses a negative OFFSET); past
	// the end either way, and the pager shows the last page.
	page = min(max(page, 1), maxPage)
	items, total, err := list(dbplane.Page{Page: page, PerPage: pageSize})
	if err != nil {
		return nil, pager{}, err
	}
	p := newPager(r, total)
	if p.Page != page { // past the end: show the last page
		if items, _, err = list(dbplane.Page{Page: p.Page, PerPage: pageSize}); err != nil {
			return nil, pager{}, err
		}
	}
	return items, p, nil
}
