package ptero

import (
	"cmp"
	"net/http"
	"slices"
	"strings"
)

// The sorts each list takes, as the panels' controllers allow them
// (spatie/laravel-query-builder's allowedSorts): Pterodactyl 1.11 for
// users, servers and nodes, Pelican for database hosts. Any other sort is
// the panel's 400 InvalidSortQuery; lists without allowedSorts in the
// panel (the client API's) ignore sort=, as the panel does.
var (
	serverSorts = []string{"id", "uuid"}
	userSorts   = []string{"id", "uuid"}
	nodeSorts   = []string{"id", "uuid", "memory", "disk"}
	hostSorts   = []string{"id", "name", "host"}
)

// sortKey is one field of sort=, descending with a leading "-".
type sortKey struct {
	field string
	desc  bool
}

// sorts are a request's sort keys, in order; empty is the default (by id).
type sorts []sortKey

// first is what the stores order by: whether the first key is the UUID
// (else the numeric id), and whether it descends. Both fields are
// unique, so the first key decides.
func (s sorts) first() (byUUID, desc bool) {
	if len(s) == 0 {
		return false, false
	}
	return s[0].field == "uuid", s[0].desc
}

// parseSorts reads sort=a,-b as the query builder does: comma-separated
// fields, "-" for descending; an empty sort is no sort. A field the list
// does not allow is a sortError naming every such field, without its "-".
func parseSorts(r *http.Request, allowed []string) (sorts, error) {
	var out sorts
	var unknown []string
	for _, v := range r.URL.Query()["sort"] {
		for part := range strings.SplitSeq(v, ",") {
			part = strings.TrimSpace(part)
			name, desc := strings.CutPrefix(part, "-")
			switch {
			case name == "":
				continue
			case !slices.Contains(allowed, name):
				if !slices.Contains(unknown, name) {
					unknown = append(unknown, name)
				}
			default:
				out = append(out, sortKey{field: name, desc: desc})
			}
		}
	}
	if len(unknown) > 0 {
		return nil, &sortError{unknown: unknown, allowed: allowed}
	}
	return out, nil
}

// sortBy sorts list in place by the keys; fields gives an item's value of
// each sortable field (an int64 or a string). Ties keep the list's order,
// which is by id.
func sortBy[T any](list []T, s sorts, fields func(T) map[string]any) {
	if len(s) == 0 {
		return
	}
	slices.SortStableFunc(list, func(a, b T) int {
		fa, fb := fields(a), fields(b)
		for _, k := range s {
			c := compareField(fa[k.field], fb[k.field])
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
}

func compareField(a, b any) int {
	switch x := a.(type) {
	case int64:
		y, _ := b.(int64)
		return cmp.Compare(x, y)
	case string:
		y, _ := b.(string)
		return strings.Compare(strings.ToLower(x), strings.ToLower(y))
	}
	return 0
}

// sortError is the panel's InvalidSortQuery: a sort the list does not
// take.
type sortError struct {
	unknown, allowed []string
}

func (e *sortError) Error() string {
	return "Requested sort(s) `" + strings.Join(e.unknown, ", ") + "` is not allowed. Allowed sort(s) are `" +
		strings.Join(e.allowed, ", ") + "`."
}
