package web

import (
	"net/http"
	"slices"
	"time"

	"github.com/dbplane/dbplane"
)

// adminKeyRoutes registers the admin keys page: every admin key of every
// admin account with its permissions; new keys are the operator's own.
func (h *handler) adminKeyRoutes() {
	m, a := h.mux, h.adminOnly
	m.HandleFunc("GET /admin/keys", a(h.handleAdminKeys))
	m.HandleFunc("POST /admin/keys", a(h.handleAdminKeyCreate))
	m.HandleFunc("POST /admin/keys/{id}/disable", a(h.handleAdminKeyDisabled(true)))
	m.HandleFunc("POST /admin/keys/{id}/enable", a(h.handleAdminKeyDisabled(false)))
	m.HandleFunc("POST /admin/keys/{id}/delete", a(h.handleAdminKeyDelete))
}

// adminPermission is one permission box of the create form.
type adminPermission struct {
	Resource string
	Read     bool // checked
	Write    bool // checked
	ReadOnly bool // a resource with no write permission (audit)
}

// adminPermissionResources are the resources the form offers, the
// read-only ones last.
func adminPermissionResources() []adminPermission {
	var ps []adminPermission
	for _, r := range dbplane.AdminResources {
		ps = append(ps, adminPermission{Resource: r})
	}
	for _, r := range dbplane.ReadOnlyAdminResources {
		ps = append(ps, adminPermission{Resource: r, ReadOnly: true})
	}
	return ps
}

type adminKeysView struct {
	adminFrame
	Keys   []*dbplane.APIKey
	Emails map[string]string
	// Form as typed: the name, the permissions by resource, the expiry.
	Name        string
	Permissions []adminPermission
	Expires     string
	AllowedIPs  string
	Error       string
	// NewKey is a key just made, shown once.
	NewKey     string
	NewKeyName string
}

var adminKeyFlash = map[string]string{
	"disabled": "Key disabled: it is refused from the next request.",
	"enabled":  "Key enabled.",
	"deleted":  "Key deleted.",
}

func (h *handler) handleAdminKeys(w http.ResponseWriter, r *http.Request) {
	perms := adminPermissionResources()
	for i := range perms {
		perms[i].Read = true
	}
	h.renderAdminKeys(w, r, http.StatusOK, adminKeysView{Permissions: perms})
}

// handleAdminKeyCreate mints an admin key for the operator's own account
// and shows it once.
func (h *handler) handleAdminKeyCreate(w http.ResponseWriter, r *http.Request) {
	v := adminKeysView{Name: adminField(r, "name"), Expires: adminField(r, "expires"), AllowedIPs: adminField(r, "allowed_ips")}
	in := dbplane.KeyInput{AccountID: visitorFrom(r.Context()).account.ID, Kind: dbplane.KeyAdmin, Name: v.Name}
	for _, p := range adminPermissionResources() {
		res := p.Resource
		for _, s := range r.PostForm["permission"] {
			p.Read = p.Read || s == res+":read"
			p.Write = p.Write || s == res+":write" && !p.ReadOnly
		}
		if p.Read {
			in.Permissions = append(in.Permissions, dbplane.Permission(res+":read"))
		}
		if p.Write {
			in.Permissions = append(in.Permissions, dbplane.Permission(res+":write"))
		}
		v.Permissions = append(v.Permissions, p)
	}
	ips, err := dbplane.ParseAllowedIPs("allowed addresses", splitList(v.AllowedIPs))
	in.AllowedIPs = ips
	if err == nil && v.Expires != "" {
		var t time.Time
		if t, err = time.Parse(time.DateOnly, v.Expires); err != nil {
			err = dbplane.FieldErrorf("expiresAt", "The expiry must be a date (YYYY-MM-DD).")
		}
		in.ExpiresAt = &t
	}
	if err == nil {
		var k *dbplane.APIKey
		var raw dbplane.Secret
		if k, raw, err = h.svc.Keys.CreateKey(r.Context(), in); err == nil {
			v.NewKey, v.NewKeyName, v.Name, v.Expires, v.AllowedIPs = string(raw), k.Name, "", "", ""
			h.renderAdminKeys(w, r, http.StatusOK, v)
			return
		}
	}
	v.Error = h.formError(r, err)
	h.renderAdminKeys(w, r, statusOf(err), v)
}

// adminKeyByID finds an admin key; any other id is not found, as in the
// admin API (user keys are managed under their account).
func (h *handler) adminKeyByID(r *http.Request) (*dbplane.APIKey, error) {
	keys, err := h.svc.Keys.ListAdminKeys(r.Context())
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(keys, func(k *dbplane.APIKey) bool { return k.ID == r.PathValue("id") })
	if i < 0 {
		return nil, dbplane.Errorf(dbplane.CodeNotFound, "Key not found")
	}
	return keys[i], nil
}

func (h *handler) handleAdminKeyDisabled(disabled bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		k, err := h.adminKeyByID(r)
		if err == nil {
			_, err = h.svc.Keys.SetKeyDisabled(r.Context(), k.AccountID, k.ID, disabled)
		}
		if err != nil {
			h.serviceError(w, r, err)
			return
		}
		m := enabledNote(!disabled)
		http.Redirect(w, r, "/admin/keys?m="+m, http.StatusSeeOther)
	}
}

func (h *handler) handleAdminKeyDelete(w http.ResponseWriter, r *http.Request) {
	k, err := h.adminKeyByID(r)
	if err == nil {
		err = h.svc.Keys.DeleteKey(r.Context(), k.ID)
	}
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/keys?m=deleted", http.StatusSeeOther)
}

func (h *handler) renderAdminKeys(w http.ResponseWriter, r *http.Request, status int, v adminKeysView) {
	keys, err := h.svc.Keys.ListAdminKeys(r.Context())
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	// The emails of the keys' owners, not of every account.
	owners := make([]string, len(keys))
	for i, k := range keys {
		owners[i] = k.AccountID
	}
	if v.Emails, err = h.accountEmails(r.Context(), owners...); err != nil {
		h.serviceError(w, r, err)
		return
	}
	v.adminFrame, v.Keys = adminNav("/admin/keys"), keys
	h.render(w, r, status, "admin-keys", view{Title: "Admin keys", Nav: "admin", Flash: flashOf(r, adminKeyFlash), Data: v})
}
