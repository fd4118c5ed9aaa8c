package control

import (
	"context"

	"github.com/dbplane/dbplane"
)

// DeleteOwnDatabase is the tenant's delete (issue 7; the management API
// has none): the account's own database, confirmed by typing its label.
// The label is checked here, not only in the browser, so a forged form
// cannot skip it. The drop itself is the crash-safe path every delete
// takes (deleteDatabase).
//
// Suspension is not checked here, as for reveal and rotate: a suspended
// account's sessions and keys are refused before any of its requests reach
// a service (SPEC §5). Over-quota accounts may delete, and must be able
// to, to get back under their quota.
func (s *Service) DeleteOwnDatabase(ctx context.Context, accountID, id, confirmLabel string) error {
	d, err := s.store.AccountDatabase(ctx, accountID, id)
	if err != nil {
		return err
	}
	if confirmLabel != d.Label {
		return dbplane.FieldErrorf("confirm", "Type the database's label, %s, exactly to confirm the delete.", d.Label)
	}
	return s.deleteDatabase(ctx, d.ID)
}
