package mock

import (
	"cmp"
	"context"
	"slices"

	"github.com/dbplane/dbplane"
)

// FindServersIn returns a FindServersFn that answers from the servers
// list returns, as the store does: the filter's fields, order and page.
// Calls, when not nil, records every filter it is asked, so that a test
// can check that a handler asked for a page and not for everything.
func FindServersIn(list func() []*dbplane.Server, calls *[]dbplane.ServerFilter) func(context.Context, dbplane.ServerFilter) ([]*dbplane.Server, int, error) {
	return func(_ context.Context, f dbplane.ServerFilter) ([]*dbplane.Server, int, error) {
		if calls != nil {
			*calls = append(*calls, f)
		}
		page, total := findIn(list(), func(s *dbplane.Server) bool { return serverSelected(f, s) }, func(a, b *dbplane.Server) int {
			if f.Order == dbplane.ServersByID {
				return cmp.Compare(a.ID, b.ID)
			}
			return cmp.Compare(a.NumericID, b.NumericID)
		}, f.Desc, f.Page)
		return page, total, nil
	}
}

func serverSelected(f dbplane.ServerFilter, s *dbplane.Server) bool {
	switch {
	case f.ExternalIDs != nil && (s.ExternalID == nil || !slices.Contains(f.ExternalIDs, *s.ExternalID)),
		f.Match != nil && !f.Match(s):
		return false
	}
	return true
}
