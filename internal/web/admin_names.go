package web

import (
	"context"
	"slices"

	"github.com/dbplane/dbplane"
)

// The operator pages show names where the records hold ids; these maps
// are built once here for every page that needs them.

// accountEmails maps account id → email for the accounts of ids (empty
// ids and repeats aside), read in one FindAccounts: the accounts a page
// shows, never every account. An id with no account has no entry.
func (h *handler) accountEmails(ctx context.Context, ids ...string) (map[string]string, error) {
	var want []string
	for _, id := range ids {
		if id != "" && !slices.Contains(want, id) {
			want = append(want, id)
		}
	}
	m := make(map[string]string, len(want))
	if len(want) == 0 {
		return m, nil
	}
	accounts, _, err := h.svc.Accounts.FindAccounts(ctx, dbplane.AccountFilter{IDs: want})
	if err != nil {
		return nil, err
	}
	for _, a := range accounts {
		m[a.ID] = a.Email
	}
	return m, nil
}

// accountByEmail is the account with email, as typed in the form field
// field: one lookup on the store's email index, which compares the whole
// email in its case (AccountFilter.Emails). No such account is a
// CodeInvalid error on field (a 422 beside the form).
func (h *handler) accountByEmail(ctx context.Context, field, email string) (*dbplane.Account, error) {
	if email == "" {
		return nil, dbplane.FieldErrorf(field, "Type the email of an account.")
	}
	accounts, _, err := h.svc.Accounts.FindAccounts(ctx, dbplane.AccountFilter{Emails: []string{email}})
	if err != nil {
		return nil, err
	}
	if len(accounts) == 0 {
		return nil, dbplane.FieldErrorf(field, "No account has the email %s.", email)
	}
	return accounts[0], nil
}

// adminHostNames maps host id → name.
func adminHostNames(hosts []*dbplane.Host) map[string]string {
	m := make(map[string]string, len(hosts))
	for _, x := range hosts {
		m[x.ID] = x.Name
	}
	return m
}

// adminNodeNames maps node id → name.
func adminNodeNames(nodes []*dbplane.Node) map[string]string {
	m := make(map[string]string, len(nodes))
	for _, n := range nodes {
		m[n.ID] = n.Name
	}
	return m
}

// hostHealth maps host id → what this replica last saw of the host.
func (h *handler) hostHealth() map[string]dbplane.HostHealth {
	m := map[string]dbplane.HostHealth{}
	for _, hh := range h.svc.Hosts.HostHealth() {
		m[hh.HostID] = hh
	}
	return m
}
