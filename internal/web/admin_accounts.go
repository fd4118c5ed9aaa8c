package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dbplane/dbplane"
)

// adminAccountRoutes registers the accounts pages: the list with usage, an
// account with its keys and databases, quotas, suspension with a preview
// of what it changes, and one-time set-password links.
func (h *handler) adminAccountRoutes() {
	m, a := h.mux, h.adminOnly
	m.HandleFunc("GET /admin/accounts", a(h.handleAdminAccounts))
	m.HandleFunc("POST /admin/accounts", a(h.handleAdminAccountCreate))
	m.HandleFunc("GET /admin/accounts/{id}", a(h.handleAdminAccount))
	m.HandleFunc("POST /admin/accounts/{id}", a(h.handleAdminAccountUpdate))
	m.HandleFunc("POST /admin/accounts/{id}/suspend", a(h.handleAdminAccountSuspend(true)))
	m.HandleFunc("POST /admin/accounts/{id}/unsuspend", a(h.handleAdminAccountSuspend(false)))
	m.HandleFunc("POST /admin/accounts/{id}/password-link", a(h.handleAdminPasswordLink))
	m.HandleFunc("POST /admin/accounts/{id}/delete", a(h.handleAdminAccountDelete))
	m.HandleFunc("POST /admin/accounts/{id}/keys/{key}/disable", a(h.handleAdminAccountKeyDisabled(true)))
	m.HandleFunc("POST /admin/accounts/{id}/keys/{key}/enable", a(h.handleAdminAccountKeyDisabled(false)))
	m.HandleFunc("POST /admin/accounts/{id}/keys/{key}/delete", a(h.handleAdminAccountKeyDelete))
}

// handleAdminAccountKeyDisabled disables or enables one of the account's
// keys; a key of another account is not found.
func (h *handler) handleAdminAccountKeyDisabled(disabled bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		if _, err := h.svc.Keys.SetKeyDisabled(r.Context(), id, r.PathValue("key"), disabled); err != nil {
			h.serviceError(w, r, err)
			return
		}
		m := "key-" + enabledNote(!disabled)
		http.Redirect(w, r, "/admin/accounts/"+url.PathEscape(id)+"?m="+m, http.StatusSeeOther)
	}
}

func (h *handler) handleAdminAccountKeyDelete(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := h.svc.Keys.DeleteAccountKey(r.Context(), id, r.PathValue("key")); err != nil {
		h.serviceError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/accounts/"+url.PathEscape(id)+"?m=key-deleted", http.StatusSeeOther)
}

// adminAccountForm is the account form as typed.
type adminAccountForm struct {
	Email, Name, Role, Slots, Storage string
}

type adminAccountsView struct {
	adminFrame
	Accounts []*dbplane.Account
	Pager    pager
	Form     adminAccountForm
	Error    string
}

type adminAccountView struct {
	adminFrame
	Acct      *dbplane.Account
	Self      bool // the operator's own account
	Form      adminAccountForm
	Error     string
	Preview   *dbplane.SuspensionPreview
	Keys      []*dbplane.APIKey
	Databases []*dbplane.Database
	// MoreDatabases is how many databases the page does not list.
	MoreDatabases int
	// DeleteError is why the account was not deleted.
	DeleteError string
	// Link is a set-password link just made, shown once, until LinkUntil.
	Link      string
	LinkUntil time.Time
}

// adminAccountDatabasesShown is how many databases an account's page lists
// before pointing to the filtered databases page.
const adminAccountDatabasesShown = 20

var adminAccountFlash = map[string]string{
	"created":      "Account created. Give it a password with a set-password link.",
	"saved":        "Account saved.",
	"suspended":    "Account suspended: its keys are disabled, its databases refuse logins and it is signed out.",
	"unsuspended":  "Account unsuspended: what the suspension changed is restored.",
	"key-disabled": "Key disabled: it is refused from the next request.",
	"key-enabled":  "Key enabled.",
	"key-deleted":  "Key deleted.",
	"deleted":      "Account deleted, with its keys, sessions and subuser links (and its databases and servers, if it had any).",
	"deleting":     "Account being deleted: its keys and sessions are gone; the databases whose hosts did not answer are dropped once they do, then the account goes.",
}

func (h *handler) handleAdminAccounts(w http.ResponseWriter, r *http.Request) {
	h.renderAdminAccounts(w, r, http.StatusOK, adminAccountsView{Form: adminAccountForm{Role: string(dbplane.RoleUser)}})
}

func (h *handler) renderAdminAccounts(w http.ResponseWriter, r *http.Request, status int, v adminAccountsView) {
	accounts, pager, err := fetchPage(r, func(p dbplane.Page) ([]*dbplane.Account, int, error) {
		return h.svc.Accounts.FindAccounts(r.Context(), dbplane.AccountFilter{Page: p})
	})
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	v.adminFrame, v.Accounts, v.Pager = adminNav("/admin/accounts"), accounts, pager
	h.render(w, r, status, "admin-accounts", view{Title: "Accounts", Nav: "admin", Flash: flashOf(r, adminAccountFlash), Data: v})
}

func (h *handler) handleAdminAccountCreate(w http.ResponseWriter, r *http.Request) {
	f := readAdminAccountForm(r)
	in := dbplane.AccountInput{Email: f.Email, Name: f.Name, Role: dbplane.Role(f.Role)}
	var err error
	if in.Slots, err = adminInt(r, "slots", "slots"); err == nil {
		in.StorageBytes, err = adminParseSize("storageBytes", f.Storage)
	}
	if err == nil {
		var a *dbplane.Account
		if a, err = h.svc.Accounts.CreateAccount(r.Context(), in); err == nil {
			http.Redirect(w, r, "/admin/accounts/"+a.ID+"?m=created", http.StatusSeeOther)
			return
		}
	}
	h.renderAdminAccounts(w, r, statusOf(err), adminAccountsView{Form: f, Error: h.formError(r, err)})
}

func (h *handler) handleAdminAccount(w http.ResponseWriter, r *http.Request) {
	a, ok := loadByID(h, w, r, h.svc.Accounts.Account)
	if !ok {
		return
	}
	h.renderAdminAccount(w, r, http.StatusOK, a, adminAccountView{Form: adminAccountFormOf(a)})
}

func (h *handler) handleAdminAccountUpdate(w http.ResponseWriter, r *http.Request) {
	a, ok := loadByID(h, w, r, h.svc.Accounts.Account)
	if !ok {
		return
	}
	var err error
	f := readAdminAccountForm(r)
	u := dbplane.AccountUpdate{Name: &f.Name, SlotsSet: true, StorageBytesSet: true}
	if f.Role != "" {
		role := dbplane.Role(f.Role)
		u.Role = &role
	}
	if u.Slots, err = adminInt(r, "slots", "slots"); err == nil {
		u.StorageBytes, err = adminParseSize("storageBytes", f.Storage)
	}
	if err == nil {
		var saved *dbplane.Account
		if saved, err = h.svc.Accounts.UpdateAccount(r.Context(), a.ID, u); err == nil {
			if saved.Role != dbplane.RoleAdmin && saved.ID == visitorFrom(r.Context()).account.ID {
				http.Redirect(w, r, "/", http.StatusSeeOther) // no longer an operator
				return
			}
			http.Redirect(w, r, "/admin/accounts/"+a.ID+"?m=saved", http.StatusSeeOther)
			return
		}
	}
	if dbplane.ErrorCode(err) == dbplane.CodeNotFound {
		h.notFound(w, r)
		return
	}
	f.Email = a.Email
	h.renderAdminAccount(w, r, statusOf(err), a, adminAccountView{Form: f, Error: h.formError(r, err)})
}

// handleAdminAccountSuspend suspends or unsuspends through UpdateAccount,
// which disables or restores keys, sessions and databases.
func (h *handler) handleAdminAccountSuspend(suspend bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, err := h.svc.Accounts.UpdateAccount(r.Context(), r.PathValue("id"), dbplane.AccountUpdate{Suspended: &suspend})
		if err != nil {
			h.serviceError(w, r, err)
			return
		}
		m := "unsuspended"
		if suspend {
			m = "suspended"
		}
		http.Redirect(w, r, "/admin/accounts/"+a.ID+"?m="+m, http.StatusSeeOther)
	}
}

// handleAdminPasswordLink makes a one-time set-password link and shows it
// once, in a response that is not stored (render sends no-store).
func (h *handler) handleAdminPasswordLink(w http.ResponseWriter, r *http.Request) {
	a, ok := loadByID(h, w, r, h.svc.Accounts.Account)
	if !ok {
		return
	}
	token, until, err := h.svc.SignIn.CreatePasswordLink(r.Context(), a.ID)
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	base := strings.TrimRight(h.opt.PublicURL, "/")
	if base == "" {
		scheme := "http"
		if r.TLS != nil || h.opt.Secure {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	link := base + "/set-password?token=" + url.QueryEscape(string(token))
	h.renderAdminAccount(w, r, http.StatusOK, a, adminAccountView{Form: adminAccountFormOf(a), Link: link, LinkUntil: until})
}

func (h *handler) renderAdminAccount(w http.ResponseWriter, r *http.Request, status int, a *dbplane.Account, v adminAccountView) {
	ctx := r.Context()
	preview, err := h.svc.Accounts.PreviewSuspension(ctx, a.ID, !a.Suspended)
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	keys, err := h.svc.Keys.ListKeys(ctx, a.ID)
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	dbs, total, err := h.svc.AdminDatabases.ListAllDatabases(ctx, dbplane.DatabaseFilter{AccountID: a.ID, Page: dbplane.Page{Page: 1, PerPage: adminAccountDatabasesShown}})
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	v.adminFrame, v.Acct, v.Preview, v.Keys, v.Databases = adminNav("/admin/accounts"), a, preview, keys, dbs
	v.MoreDatabases = total - len(dbs)
	v.Self = visitorFrom(ctx).account.ID == a.ID
	h.render(w, r, status, "admin-account", view{Title: a.Email, Nav: "admin", Flash: flashOf(r, adminAccountFlash), Data: v})
}

func readAdminAccountForm(r *http.Request) adminAccountForm {
	return adminAccountForm{
		Email: adminField(r, "email"), Name: adminField(r, "name"), Role: adminField(r, "role"),
		Slots: adminField(r, "slots"), Storage: adminField(r, "storage"),
	}
}

func adminAccountFormOf(a *dbplane.Account) adminAccountForm {
	f := adminAccountForm{Email: a.Email, Name: a.Name, Role: string(a.Role)}
	if a.Slots != nil {
		f.Slots = strconv.Itoa(*a.Slots)
	}
	if a.StorageBytes != nil {
		f.Storage = adminExactSize(*a.StorageBytes)
	}
	return f
}

// adminSizeUnits are the units a size field takes, binary whatever they are
// called ("MB" is read as MiB, as most hosting panels mean it).
var adminSizeUnits = map[string]int64{
	"": 1, "b": 1,
	"k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10,
	"m": 1 << 20, "mb": 1 << 20, "mib": 1 << 20,
	"g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30,
	"t": 1 << 40, "tb": 1 << 40, "tib": 1 << 40,
}

// adminParseSize reads a size such as "500 MiB", "2.5 GiB" or "1048576"
// (bytes); empty is nil (no limit).
func adminParseSize(field, s string) (*int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	i := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	num, unit := s, ""
	if i >= 0 {
		num, unit = s[:i], strings.ToLower(strings.TrimSpace(s[i:]))
	}
	mult, ok := adminSizeUnits[unit]
	v, err := strconv.ParseFloat(num, 64)
	if !ok || err != nil || v < 0 || v*float64(mult) > 1<<62 {
		return nil, dbplane.FieldErrorf(field, "The storage must be a size such as 500 MiB or 10 GiB, or empty for no limit.")
	}
	n := int64(v * float64(mult))
	return &n, nil
}

// adminExactSize writes n in the largest binary unit that divides it, so that
// adminParseSize reads back the same number.
func adminExactSize(n int64) string {
	for _, u := range []struct {
		name string
		size int64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n != 0 && n%u.size == 0 {
			return fmt.Sprintf("%d %s", n/u.size, u.name)
		}
	}
	return strconv.FormatInt(n, 10)
}

// handleAdminAccountDelete deletes an account once the operator typed its
// email; "cascade" drops its databases and servers too (otherwise an
// account that owns any is refused and the page says why).
func (h *handler) handleAdminAccountDelete(w http.ResponseWriter, r *http.Request) {
	a, ok := loadByID(h, w, r, h.svc.Accounts.Account)
	if !ok {
		return
	}
	var err error
	var res *dbplane.AccountDeletion
	if r.PostFormValue("confirm") != a.Email {
		err = dbplane.FieldErrorf("confirm", "Type the account's email, %s, exactly to confirm the delete.", a.Email)
	} else {
		res, err = h.svc.Accounts.DeleteAccount(r.Context(), a.ID, r.PostFormValue("cascade") == "on")
	}
	if err != nil {
		h.renderAdminAccount(w, r, statusOf(err), a, adminAccountView{Form: adminAccountFormOf(a), DeleteError: h.formError(r, err)})
		return
	}
	if res.Deleted {
		http.Redirect(w, r, "/admin/accounts?m=deleted", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/admin/accounts/"+a.ID+"?m=deleting", http.StatusSeeOther)
}
