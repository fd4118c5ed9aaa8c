package mock

import (
	"slices"

	"github.com/dbplane/dbplane"
)

// findIn answers a finder as the store does: the items of list that
// selected accepts (nil items aside), sorted by compare (reversed for
// desc), page p of them (all for a zero PerPage) and their number.
func findIn[T comparable](list []T, selected func(T) bool, compare func(a, b T) int, desc bool, p dbplane.Page) ([]T, int) {
	var zero T
	var matched []T
	for _, x := range list {
		if x != zero && selected(x) {
			matched = append(matched, x)
		}
	}
	slices.SortStableFunc(matched, func(a, b T) int {
		if desc {
			return -compare(a, b)
		}
		return compare(a, b)
	})
	total := len(matched)
	if p.PerPage <= 0 {
		return matched, total
	}
	lo := total // a page past the end, however far (its offset may overflow)
	if page := max(p.Page, 1); page-1 < (total+p.PerPage-1)/p.PerPage {
		lo = (page - 1) * p.PerPage
	}
	return matched[lo:min(lo+p.PerPage, total)], total
}
