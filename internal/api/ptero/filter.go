package ptero

import (
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/dbplane/dbplane"
)

// The filters each list takes, as Pterodactyl 1.11's controllers allow
// them (spatie/laravel-query-builder's allowedFilters). Any other
// filter[...] is the panel's 400 InvalidFilterQuery.
var (
	serverFilters = []string{"uuid", "uuidShort", "name", "description", "image", "external_id"}
	userFilters   = []string{"email", "uuid", "username", "external_id"}
	nodeFilters   = []string{"uuid", "name", "fqdn", "daemon_token_id"}
	// exactFilters match the whole value, in its case, as the panel's
	// AllowedFilter::exact (external ids are compared as stored).
	exactFilters = []string{"external_id"}
)

// exactPrefix marks an exact filter's key in filters, so that match
// compares it whole.
const exactPrefix = "="

// filters are the filter[...] values of a request: per name, the
// lowercased values, any of which may match; an exact filter's name is
// exactPrefix + name, its values as given.
type filters map[string][]string

// parseFilters reads filter[name]=a,b parameters. Like the panel's query
// builder, a filter matches when the field contains one of the
// comma-separated values, without regard to case; an empty filter is no
// filter.
func parseFilters(r *http.Request, allowed []string) (filters, error) {
	out := filters{}
	var unknown []string
	for key, vals := range r.URL.Query() {
		name, ok := strings.CutPrefix(key, "filter[")
		if !ok {
			continue
		}
		name, ok = strings.CutSuffix(name, "]")
		if !ok || !slices.Contains(allowed, name) {
			unknown = append(unknown, strings.TrimSuffix(name, "]"))
			continue
		}
		exact := slices.Contains(exactFilters, name)
		for _, v := range vals {
			for part := range strings.SplitSeq(v, ",") {
				part = strings.TrimSpace(part)
				switch {
				case part == "":
				case exact:
					out[exactPrefix+name] = append(out[exactPrefix+name], part)
				default:
					out[name] = append(out[name], strings.ToLower(part))
				}
			}
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, &filterError{unknown: unknown, allowed: allowed}
	}
	return out, nil
}

// match reports whether fields (name → value) satisfy every filter.
func (f filters) match(fields map[string]string) bool {
	for name, want := range f {
		if field, ok := strings.CutPrefix(name, exactPrefix); ok {
			if !slices.Contains(want, fields[field]) {
				return false
			}
			continue
		}
		have := strings.ToLower(fields[name])
		if !slices.ContainsFunc(want, func(w string) bool { return strings.Contains(have, w) }) {
			return false
		}
	}
	return true
}

// cut returns the values of the exact filter name (nil when not asked)
// and the other filters: the store answers an exact filter on its index,
// and the rest with a Match on what it reads.
func (f filters) cut(name string) ([]string, filters) {
	rest := filters{}
	for k, vals := range f {
		if k != exactPrefix+name {
			rest[k] = vals
		}
	}
	return f[exactPrefix+name], rest
}

// storeFilters splits f for a store lookup: the values of the exact
// filter on external_id (answered on the store's index) and a Match for
// the rest, read off each row's fields (nil when nothing is left).
func storeFilters[T any](f filters, fields func(T) map[string]string) (externalIDs []string, match func(T) bool) {
	externalIDs, rest := f.cut("external_id")
	if len(rest) == 0 {
		return externalIDs, nil
	}
	return externalIDs, func(x T) bool { return rest.match(fields(x)) }
}

// pageOf returns page p of all and the total.
func pageOf[T any](all []T, p dbplane.Page) ([]T, int) {
	start := min(p.Offset(), len(all))
	end := min(start+p.PerPage, len(all))
	return all[start:end], len(all)
}
