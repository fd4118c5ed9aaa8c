package web

import (
	"net/http/httptest"
	"testing"

	"github.com/dbplane/dbplane"
)

// TestFetchPage: the page asked for is fetched; past the end, the last
// page is fetched again and the pager shows it; below 1 is page 1.
func TestFetchPage(t *testing.T) {
	const total = pageSize*2 + 3 // three pages
	for _, c := range []struct {
		query string
		want  []int // the pages fetched, in order
		page  int
	}{
		{"", []int{1}, 1},
		{"?page=2", []int{2}, 2},
		{"?page=0", []int{1}, 1},
		{"?page=junk", []int{1}, 1},
		{"?page=9", []int{9, 3}, 3},
	} {
		var fetched []int
		items, p, err := fetchPage(httptest.NewRequest("GET", "/servers"+c.query, nil), func(pg dbplane.Page) ([]int, int, error) {
			if pg.PerPage != pageSize {
				t.Errorf("%q: per page %d, want %d", c.query, pg.PerPage, pageSize)
			}
			fetched = append(fetched, pg.Page)
			return []int{pg.Page}, total, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(fetched) != len(c.want) || fetched[len(fetched)-1] != c.want[len(c.want)-1] || fetched[0] != c.want[0] {
			t.Errorf("%q: fetched pages %v, want %v", c.query, fetched, c.want)
		}
		if p.Page != c.page || p.Pages != 3 || p.Total != total || items[0] != c.page {
			t.Errorf("%q: pager %+v with items %v, want page %d of 3", c.query, p, items, c.page)
		}
	}
}
