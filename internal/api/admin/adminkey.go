package admin

import (
	"net/http"
	"slices"
	"strings"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/request"
	"github.com/dbplane/dbplane/internal/http/response"
)

// adminKeyCreateRequest mints an admin key. accountId defaults to the
// calling key's account; expiresAt is RFC 3339, omitted or null for never.
type adminKeyCreateRequest struct {
	Name        string                     `json:"name"`
	Permissions request.Optional[[]string] `json:"permissions"`
	AccountID   request.Optional[string]   `json:"accountId"`
	ExpiresAt   request.Optional[string]   `json:"expiresAt"`
	Format      string                     `json:"format"` // dbplane, pterodactyl (ptla_) or pelican (papp_)
	AllowedIPs  request.Optional[[]string] `json:"allowedIps"`
}

// adminKeyPermissions checks that the permissions were given and that each
// is one dbplane knows; it drops duplicates and keeps the order.
func adminKeyPermissions(o request.Optional[[]string]) ([]dbplane.Permission, error) {
	if !o.Set {
		return nil, required("permissions")
	}
	if o.Null {
		return nil, notNull("permissions")
	}
	all := dbplane.AllPermissions()
	out := make([]dbplane.Permission, 0, len(o.Value))
	for _, s := range o.Value {
		p := dbplane.Permission(s)
		if !slices.Contains(all, p) {
			return nil, dbplane.FieldErrorf("permissions",
				"Unknown permission %q; a permission is a resource and :read or :write, for the resources %s, or %s.",
				s, strings.Join(dbplane.AdminResources, ", "), readOnlyPermissions())
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out, nil
}

// handleAdminKeyList lists every admin key of every account, without the
// keys themselves.
func (h *handler) handleAdminKeyList(w http.ResponseWriter, r *http.Request) {
	keys, err := h.keys.ListAdminKeys(r.Context())
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	h.writeKeys(w, r, keys)
}

// handleAdminKeyCreate mints an admin key and shows it once. A key can
// grant only permissions it holds itself, so keys:write cannot be turned
// into more than the caller has; the owner must be an admin account,
// since admin keys of other accounts are refused at the door.
func (h *handler) handleAdminKeyCreate(w http.ResponseWriter, r *http.Request) {
	var body adminKeyCreateRequest
	if err := request.DecodeObject(w, r, &body); err != nil {
		h.writeError(w, r, err)
		return
	}
	caller := dbplane.PrincipalFrom(r.Context())
	if caller == nil || caller.Key == nil || caller.Account == nil {
		h.writeError(w, r, errNoPrincipal)
		return
	}
	if body.AccountID.Null {
		h.writeError(w, r, notNull("accountId"))
		return
	}
	perms, err := adminKeyPermissions(body.Permissions)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	expires, err := parseExpiry(body.ExpiresAt)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	ips, err := parseAllowedIPs(body.AllowedIPs)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	if err := caller.CanGrantKey(perms); err != nil {
		h.writeError(w, r, err)
		return
	}
	in := dbplane.KeyInput{AccountID: caller.Account.ID, Kind: dbplane.KeyAdmin, Name: body.Name, Permissions: perms, ExpiresAt: expires,
		Format: dbplane.KeyFormat(body.Format), AllowedIPs: ips}
	if id := body.AccountID.Ptr(); id != nil && *id != caller.Account.ID {
		acct, err := h.accounts.Account(r.Context(), *id)
		if dbplane.ErrorCode(err) == dbplane.CodeNotFound {
			h.writeError(w, r, dbplane.FieldErrorf("accountId", "No account with that id."))
			return
		}
		if err != nil {
			h.writeError(w, r, err)
			return
		}
		if acct == nil {
			h.writeError(w, r, errNoResult)
			return
		}
		if acct.Role != dbplane.RoleAdmin {
			h.writeError(w, r, dbplane.FieldErrorf("accountId", "Admin keys belong to admin accounts; this account's role is %s.", string(acct.Role)))
			return
		}
		in.AccountID = acct.ID
	}
	h.createKey(w, r, in)
}

// adminKey finds an admin key by id; a user key's id is a 404 here (user
// keys live under /accounts/{id}/keys).
func (h *handler) adminKey(r *http.Request, id string) (*dbplane.APIKey, error) {
	keys, err := h.keys.ListAdminKeys(r.Context())
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if k != nil && k.ID == id {
			return k, nil
		}
	}
	return nil, errKeyNotFound
}

// handleAdminKeyUpdate disables or enables an admin key, or changes the
// addresses it may be used from; a disabled key stops working at once.
// Disabling is a revocation, which keys:write does; enabling (or changing
// the addresses, which may lift a limit) hands the key's permissions back
// to its holder, so the calling key must hold them
// (dbplane.Principal.CanGrantKey).
func (h *handler) handleAdminKeyUpdate(w http.ResponseWriter, r *http.Request) {
	upd, err := decodeKeyUpdate(w, r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	k, err := h.adminKey(r, r.PathValue("id"))
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	if upd.enables() {
		if err := dbplane.PrincipalFrom(r.Context()).CanGrantKey(k.Permissions); err != nil {
			h.writeError(w, r, err)
			return
		}
	}
	h.updateKey(w, r, k.AccountID, k.ID, upd)
}

// handleAdminKeyDelete deletes an admin key; it stops working at once.
func (h *handler) handleAdminKeyDelete(w http.ResponseWriter, r *http.Request) {
	k, err := h.adminKey(r, r.PathValue("id"))
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	if err := h.keys.DeleteKey(r.Context(), k.ID); err != nil {
		h.writeError(w, r, err)
		return
	}
	response.NoContent(w)
}

// handleKeyDelete deletes one of an account's keys; the service refuses a
// key of another account as not found.
func (h *handler) handleKeyDelete(w http.ResponseWriter, r *http.Request) {
	if err := h.keys.DeleteAccountKey(r.Context(), r.PathValue("id"), r.PathValue("keyId")); err != nil {
		h.writeError(w, r, err)
		return
	}
	response.NoContent(w)
}

// readOnlyPermissions names the permissions of the read-only resources
// ("audit:read").
func readOnlyPermissions() string {
	var ps []string
	for _, r := range dbplane.ReadOnlyAdminResources {
		ps = append(ps, r+":read")
	}
	return strings.Join(ps, ", ")
}
