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
	lo := min((max(p.Page, 1)-1)*p.PerPage, total)
	return matched[lo:min(lo+p.PerPage, total)], total
}
