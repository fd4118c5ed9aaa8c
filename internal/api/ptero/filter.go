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
)

// filters are the filter[...] values of a request: per name, the
// lowercased values, any of which may match.
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
		for _, v := range vals {
			for part := range strings.SplitSeq(v, ",") {
				if part = strings.ToLower(strings.TrimSpace(part)); part != "" {
					out[name] = append(out[name], part)
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
		have := strings.ToLower(fields[name])
		if !slices.ContainsFunc(want, func(w string) bool { return strings.Contains(have, w) }) {
			return false
		}
	}
	return true
}

// pageOf returns page p of all and the total.
func pageOf[T any](all []T, p dbplane.Page) ([]T, int) {
	start := min(p.Offset(), len(all))
	end := min(start+p.PerPage, len(all))
	return all[start:end], len(all)
}

// filteredServers returns page p of the servers that match f, in the
// order of s. dbplane's store has no such filters or sorts, so this walks
// the server list 100 at a time (a deployment of a few thousand servers is
// a few dozen reads).
func (h *handler) filteredServers(r *http.Request, f filters, s sorts, p dbplane.Page) ([]*dbplane.Server, int, error) {
	var matched []*dbplane.Server
	seen := 0
	for page := 1; ; page++ {
		got, total, err := h.servers.ListServers(r.Context(), dbplane.Page{Page: page, PerPage: maxPerPage})
		if err != nil {
			return nil, 0, err
		}
		for _, x := range got {
			// dbplane has no external id, description or image: those
			// fields are empty, as the objects show them.
			if f.match(map[string]string{"uuid": x.ID, "uuidShort": x.Identifier, "name": x.Name}) {
				matched = append(matched, x)
			}
		}
		seen += len(got)
		if len(got) == 0 || seen >= total {
			break
		}
	}
	sortBy(matched, s, func(x *dbplane.Server) map[string]any {
		return map[string]any{"id": x.NumericID, "uuid": x.ID}
	})
	list, total := pageOf(matched, p)
	return list, total, nil
}
