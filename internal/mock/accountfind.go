package mock

import (
	"cmp"
	"context"
	"slices"

	"github.com/dbplane/dbplane"
)

// FindAccountsIn returns a FindAccountsFn that answers from the accounts
// list returns, as the store does: the filter's fields, order and page.
// Calls, when not nil, records every filter it is asked, so that a test
// can check that a handler asked for a page and not for everything.
func FindAccountsIn(list func() []*dbplane.Account, calls *[]dbplane.AccountFilter) func(context.Context, dbplane.AccountFilter) ([]*dbplane.Account, int, error) {
	return func(_ context.Context, f dbplane.AccountFilter) ([]*dbplane.Account, int, error) {
		if calls != nil {
			*calls = append(*calls, f)
		}
		var matched []*dbplane.Account
		for _, a := range list() {
			if a != nil && accountSelected(f, a) {
				matched = append(matched, a)
			}
		}
		slices.SortStableFunc(matched, func(a, b *dbplane.Account) int {
			var c int
			switch f.Order {
			case dbplane.AccountsByNumericID:
				c = cmp.Compare(a.NumericID, b.NumericID)
			case dbplane.AccountsByID:
				c = cmp.Compare(a.ID, b.ID)
			default:
				c = cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
			}
			if f.Desc {
				c = -c
			}
			return c
		})
		total := len(matched)
		if f.Page.PerPage <= 0 {
			return matched, total, nil
		}
		lo := min((max(f.Page.Page, 1)-1)*f.Page.PerPage, total)
		return matched[lo:min(lo+f.Page.PerPage, total)], total, nil
	}
}

func accountSelected(f dbplane.AccountFilter, a *dbplane.Account) bool {
	switch {
	case f.IDs != nil && !slices.Contains(f.IDs, a.ID),
		f.NumericID != 0 && a.NumericID != f.NumericID,
		f.ExternalIDs != nil && (a.ExternalID == nil || !slices.Contains(f.ExternalIDs, *a.ExternalID)),
		f.Suspended && !a.Suspended,
		f.OverQuota && !a.OverQuota(),
		f.Match != nil && !f.Match(a):
		return false
	}
	return true
}
