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
		page, total := findIn(list(), func(a *dbplane.Account) bool { return accountSelected(f, a) }, func(a, b *dbplane.Account) int {
			switch f.Order {
			case dbplane.AccountsByNumericID:
				return cmp.Compare(a.NumericID, b.NumericID)
			case dbplane.AccountsByID:
				return cmp.Compare(a.ID, b.ID)
			}
			return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
		}, f.Desc, f.Page)
		return page, total, nil
	}
}

func accountSelected(f dbplane.AccountFilter, a *dbplane.Account) bool {
	switch {
	case f.IDs != nil && !slices.Contains(f.IDs, a.ID),
		f.NumericID != 0 && a.NumericID != f.NumericID,
		f.ExternalIDs != nil && (a.ExternalID == nil || !slices.Contains(f.ExternalIDs, *a.ExternalID)),
		f.Emails != nil && !slices.Contains(f.Emails, a.Email),
		f.Suspended && !a.Suspended,
		f.OverQuota && !a.OverQuota(),
		f.Match != nil && !f.Match(a):
		return false
	}
	return true
}
